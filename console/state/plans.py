"""The day's plan for every department (the remind workflow), kept in the console's memory.

Loading 目录 and 台账 and scheduling them takes seconds at province scale; the plan is kept per day and per state
of the input files and of the 登记簿 (its last record id), so a page view after a record only applies the records added since (and plans again the departments whose
records change who is due or reachable).
"""

from __future__ import annotations

from dataclasses import dataclass

from console.memory import settle
from console.settings import ConsoleSettings
from console.state.province import loaded_day
from generator.workflows import today as today_work
from generator.workflows.remind import LoadedDay, department_day, plan_again, plan_today, without_platform_sms
from generator.workflows.today import DayWork, department_work, due_groups

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
    work: DayWork


def _current(settings: ConsoleSettings, monthly: bool) -> DayWork:
    """Return the day's plan for every department: records added since are applied to it; the departments where a
    record changes who is due or reachable (a correction, a failed call) are planned again, the others kept."""
    day = loaded_day(settings)
    memory, key = settings.memory, ("plan", monthly)
    with memory.turn(_TURN):
        found = memory.get(key)
        plan = found[1] if found is not None and isinstance(found[1], _Plan) else None
        previous = (plan.work, plan.last) if plan is not None and plan.day is day else None
        last, work, again = today_work.brought_up_to_date(settings.inputs.registry, previous)
        if plan is not None and work is not None:
            plan.work = plan_again(settings.inputs, work, again, day, monthly=monthly)
            plan.last = last
            return plan.work
        work = plan_today(settings.inputs, day.schedule.today, monthly=monthly, loaded=day)
        memory.put(key, None, _Plan(day, last, work))
        settle()  # the province's plan: out of each full garbage collection's walk (Memory.kept_long)
    return work


def day_plan(settings: ConsoleSettings, slug: str, monthly: bool = False) -> DayWork:
    """Return the department's plan for today (or its monthly batch), as `jiaozao remind` would make it now."""
    loaded_day(settings).inputs.require(slug)  # its 目录 or 台账 cannot be used: say so, not an empty day
    with settings.memory.turn(_TURN):
        work = department_day(_current(settings, monthly), slug)
    if settings.sms is None:
        return work
    return without_platform_sms(
        work
    )  # as `jiaozao remind` with a platform set (console/background/sms_auto.py sends)
