"""The day's plan for every department (the remind workflow), kept in the console's memory.

Loading 目录 and 台账 and scheduling them takes seconds at province scale; the plan is kept per day and per state
of the input files and of the 登记簿 (its last record id), so a page view after a record only re-plans.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from console.settings import ConsoleSettings
from console.state.province import loaded_day
from generator.reminders.batch import DayWork, DepartmentWork, replan
from generator.reminders.registry import Registry
from generator.reminders.results import due_groups
from generator.reminders.smsplatform import on_platform
from generator.workflows.remind import LoadedDay, department_day, plan_today

__all__ = ["day_plan", "department_work", "due_groups", "warm"]
_TURN = "plans"  # one thread plans or re-plans at a time, the daily and the monthly plan alike


def warm(settings: ConsoleSettings) -> None:
    """Load and plan today before anyone opens 今日提醒 (seconds at province scale)."""
    try:
        with settings.memory.turn(_TURN):
            _current(settings, False)
    except Exception:  # the page will meet the same problem and say it properly
        return


@dataclass
class _Plan:
    """The day's plan for every department and the 登记簿 state it reflects."""

    day: LoadedDay
    last: int  # the last record id it has seen
    count: int  # how many records there were then
    work: DayWork


def _current(settings: ConsoleSettings, monthly: bool) -> DayWork:
    """Return the day's plan for every department: records added since are applied to it; a correction of a done
    record (which can make a reminder due again) plans the day again."""
    day = loaded_day(settings)
    memory, key = settings.memory, ("plan", monthly)
    with memory.turn(_TURN):
        with Registry(settings.inputs.db) as registry:
            last, count = registry.state()
            found = memory.get(key)
            plan = found[1] if found is not None and isinstance(found[1], _Plan) else None
            if plan is not None and plan.day is day and (plan.last, plan.count) == (last, count):
                return plan.work
            if plan is not None and plan.day is day and last >= plan.last:
                done, added, corrected = registry.since(plan.last)
                if not corrected and plan.count + added == count:
                    plan.work, plan.last, plan.count = replan(plan.work, done), last, count
                    return plan.work
        work = plan_today(settings.inputs, day.schedule.today, monthly=monthly, loaded=day)
        memory.put(key, None, _Plan(day, last, count, work))
    return work


def day_plan(settings: ConsoleSettings, slug: str, monthly: bool = False) -> DayWork:
    """Return the department's plan for today (or its monthly batch), as `jiaozao remind` would make it now."""
    loaded_day(settings).inputs.require(slug)  # its 目录 or 台账 cannot be used: say so, not an empty day
    with settings.memory.turn(_TURN):
        work = department_day(_current(settings, monthly), slug)
    if settings.sms is None:
        return work
    # As `jiaozao remind` with a platform set: a department with a template code has its SMS sent by the
    # platform (console/background/sms_auto.py), so no 短信.csv to upload by hand and confirm — none goes twice.
    departments = [replace(d, sms=[]) if on_platform(d.department) else d for d in work.departments]
    return replace(work, departments=departments)


def department_work(work: DayWork, slug: str) -> DepartmentWork | None:
    return next((d for d in work.departments if d.department.slug == slug), None)
