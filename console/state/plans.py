"""Each department's plan of the day (the remind workflow over its own day, console/state/department_day.py), kept
in the console's memory under its own key.

Loading a department's 台账 and scheduling it takes a fraction of a second; the plan is kept per day, per state of
the input files and of the 登记簿 (its last record id), so a page view after a record only applies the department's
records added since (and plans it again when a record changes who is due or reachable). Each department has its
own turn: clerks of different departments never wait for each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from console.memory import settle
from console.settings import ConsoleSettings
from console.state.department_day import day_if_ready, department_day, kept, plan_key
from generator.workflows import today as today_work
from generator.workflows.remind import (
    LoadedDay,
    plan_again,
    plan_holders_again,
    plan_today,
    without_platform_sms,
)
from generator.workflows.remind import department_day as department_cut
from generator.workflows.today import DayWork, department_work, due_groups

__all__ = ["day_plan", "department_work", "due_groups", "plan_if_ready"]


def _turn(slug: str) -> tuple[str, str]:
    return (
        "plans",
        slug,
    )  # one thread plans or re-plans a department at a time, its daily and monthly plan alike


@dataclass
class _Plan:
    """A department's plan of the day and the 登记簿 state it reflects."""

    day: LoadedDay
    last: int  # the last record id it has seen
    work: DayWork
    # (work, what pages show of it): cut once per state of the plan, not per view
    shown: tuple[DayWork, DayWork] | None = None

    def shown_work(self, slug: str, platform_sends: bool) -> DayWork:
        """Return the plan as the department's pages show it (its own part; without the SMS the platform sends),
        made once for each state of the plan (the cut walks every reminder of the department)."""
        work, shown = self.work, self.shown
        if shown is not None and shown[0] is work:
            return shown[1]
        cut = department_cut(work, slug)
        cut = without_platform_sms(cut) if platform_sends else cut  # as `jiaozao remind` with a platform set
        self.shown = (work, cut)
        return cut


def _current(settings: ConsoleSettings, slug: str, monthly: bool, day: LoadedDay) -> _Plan:
    """Return the department's plan from its day: its records added since are applied to it; when one changes who
    is due or reachable (a correction, a failed call) it is planned again."""
    memory, key, only = settings.memory, plan_key(slug, monthly), {slug}
    with memory.turn(_turn(slug)):
        found = memory.get(key)
        plan = found[1] if found is not None and isinstance(found[1], _Plan) else None
        previous = (plan.work, plan.last) if plan is not None and plan.day is day else None
        last, work, again = today_work.brought_up_to_date(settings.inputs.registry, previous, only)
        if plan is not None and work is not None:
            if monthly:  # the monthly batch's rows are due whatever their dates: plan the department again
                plan.work = plan_again(settings.inputs, work, again, day, monthly=True)
            else:  # a failed call, a wrong number, a decline: its holder planned again (a correction: all)
                plan.work = plan_holders_again(settings.inputs, work, again, plan.last, last, day)
            plan.last = last
            return plan
        work = plan_today(settings.inputs, day.schedule.today, monthly=monthly, departments=only, loaded=day)
        # the certificate index and the 台账's name hashes a record looks in: made with the plan (at warm-up for
        # the clerks' departments), not in the first record
        for item in work.departments:
            item.indexed()
        day.inputs.ledger.names_hashed()
        plan = memory.put(key, None, _Plan(day, last, work))
        settle()  # the department's day and plan: out of each full garbage collection's walk (Memory.kept_long)
    return plan


def day_plan(settings: ConsoleSettings, slug: str, monthly: bool = False) -> DayWork:
    """Return the department's plan for today (or its monthly batch), as `jiaozao remind` would make it now."""
    day = department_day(settings, slug)
    day.inputs.require(slug)  # its 目录 or 台账 cannot be used: say so, not an empty day
    work = _current(settings, slug, monthly, day).shown_work(slug, settings.sms is not None)
    kept(settings, slug)  # after the plan is in memory: a department let go meanwhile is noted again
    return work  # with a platform set, console/background/sms_auto.py sends the SMS


def plan_if_ready(settings: ConsoleSettings, slug: str, stamp: tuple[date, object] | None = None) -> bool:
    """Say whether the department's daily plan is in memory for its current day (no load, no wait)."""
    day, found = day_if_ready(settings, slug, stamp), settings.memory.get(plan_key(slug, False))
    return day is not None and found is not None and isinstance(found[1], _Plan) and found[1].day is day
