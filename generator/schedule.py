"""Reminder dates for every certificate: first and second reminder, days left, status (提醒排期)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from generator.catalog.model import CatalogItem, Catalogs, final_of
from generator.ledger.model import BoolArray, IntArray, Ledger
from generator.phrases import LeadTime, Unit
from generator.problems import Level, Problem
from generator.workdays import WorkdayCalendar, months_before_ord
from portal.rules.status import status_code

NO_DATE = 0  # ordinal used where a certificate has no such date (date ordinals start at 1)
_UNIT_CODES = {Unit.WORKDAY: 1, Unit.DAY: 2, Unit.MONTH: 3}


@dataclass
class Schedule:
    """The reminder schedule of a ledger on one day, aligned row for row with the Ledger."""

    today: date
    first: IntArray  # 首次提醒日期 (ordinal)
    first_estimated: BoolArray
    second: IntArray  # 二次提醒日期, NO_DATE where none is due (no rule, or renewal applied for)
    second_estimated: BoolArray
    deadline: IntArray  # 法定申请截止日期, NO_DATE where the guide gives none
    days_left: IntArray  # 期满日期 − today; 0 is the last valid day
    status: IntArray  # Status values
    late: BoolArray  # a reminder falls after the statutory application deadline
    final: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # 临期提醒日期 (staff phone or visit), NO_DATE where the holder has applied for renewal
    final_estimated: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))


def reminder_date(calendar: WorkdayCalendar, expiry: date, rule: LeadTime) -> tuple[date, bool]:
    """Return the reminder date for one expiry and one 提醒时限, and whether it is an estimate (估算)."""
    dates, estimated = apply_rule(
        calendar, np.array([expiry.toordinal()]), np.array([rule.amount]), _unit(rule)
    )
    return date.fromordinal(int(dates[0])), bool(estimated[0])


def _unit(rule: LeadTime | None) -> IntArray:
    return np.array([_UNIT_CODES[rule.unit] if rule else 0])


def apply_rule(
    calendar: WorkdayCalendar, expires: IntArray, amounts: IntArray, units: IntArray, *, settle: bool = True
) -> tuple[IntArray, BoolArray]:
    """Return the dates a rule gives before each expiry: the Nth working day, or N days/months then a working day."""
    units = np.broadcast_to(units, expires.shape)
    dates = np.full(expires.shape, NO_DATE, dtype=np.int64)
    estimated = np.zeros(expires.shape, dtype=np.bool_)
    workday, day, month = units == 1, units == 2, units == 3
    if workday.any():
        dates[workday], estimated[workday] = calendar.nth_workday_before_ord(
            expires[workday], amounts[workday]
        )
    calendar_days = day | month
    if calendar_days.any():
        back = np.where(day, expires - amounts, 0)
        back[month] = months_before_ord(expires[month], amounts[month])
        # A reminder landing on a rest day moves earlier: it is never later than its rule.
        # A statutory deadline is a plain date (settle=False): holidays do not move the law.
        if settle:
            dates[calendar_days], estimated[calendar_days] = calendar.workday_on_or_before_ord(
                back[calendar_days]
            )
        else:
            dates[calendar_days] = back[calendar_days]
            estimated[calendar_days] = calendar.any_estimated_ord(back[calendar_days], back[calendar_days])
    return dates, estimated


def _rule_arrays(rules: Sequence[LeadTime | None], item: IntArray) -> tuple[IntArray, IntArray]:
    amounts = np.array([r.amount if r else 0 for r in rules] or [0], dtype=np.int64)
    units = np.array([_UNIT_CODES[r.unit] if r else 0 for r in rules] or [0], dtype=np.int64)
    return amounts[item], units[item]


def compute_schedule(ledger: Ledger, catalogs: Catalogs, calendar: WorkdayCalendar, today: date) -> Schedule:
    """Return both reminder dates, the statutory deadline, days left and status for every ledger row."""
    items = catalogs.items
    first, first_est = apply_rule(
        calendar, ledger.expires, *_rule_arrays([i.first for i in items], ledger.item)
    )
    second, second_est = apply_rule(
        calendar, ledger.expires, *_rule_arrays([i.second for i in items], ledger.item)
    )
    # The second reminder is only for holders who have not applied for renewal yet.
    second = np.where(ledger.applied, NO_DATE, second)
    second_est &= second != NO_DATE
    final, final_est = apply_rule(
        calendar, ledger.expires, *_rule_arrays([final_of(i) for i in items], ledger.item)
    )
    final = np.where(ledger.applied, NO_DATE, final)
    final_est &= final != NO_DATE
    deadlines = _rule_arrays([i.guide.deadline for i in items], ledger.item)
    deadline, _ = apply_rule(calendar, ledger.expires, *deadlines, settle=False)
    has_deadline = deadline != NO_DATE
    late = has_deadline & ((first > deadline) | (second > deadline))
    days_left = ledger.expires - today.toordinal()
    status = status_code(today.toordinal(), ledger.expires, first)
    return Schedule(
        today,
        first,
        first_est,
        second,
        second_est,
        deadline,
        days_left,
        np.asarray(status, dtype=np.int64),
        late,
        final,
        final_est,
    )


def late_reminder_problems(
    catalogs: Catalogs, calendar: WorkdayCalendar, today: date, only: str | None = None
) -> list[Problem]:
    """Return a warning for each 目录 reminder that can fall after the statutory application deadline (of one
    department's items, with only)."""
    expiries = np.arange(today.toordinal(), today.toordinal() + 366, dtype=np.int64)
    problems = []
    for item in catalogs.items:
        deadline = item.guide.deadline
        if deadline is None or only not in (None, item.department):
            continue
        amounts = np.full(expiries.shape, deadline.amount)
        limit, _ = apply_rule(calendar, expiries, amounts, _unit(deadline), settle=False)
        for label, rule in (("首次提醒", item.first), ("二次提醒", item.second)):
            days = _days_late(calendar, expiries, rule, limit) if rule is not None else 0
            if rule is not None and days > 0:
                problems.append(_late_problem(catalogs, item, label, rule, deadline, days))
    return problems


def _days_late(calendar: WorkdayCalendar, expiries: IntArray, rule: LeadTime, limit: IntArray) -> int:
    """Return by how many days, at most over a year of expiry dates, a reminder falls after the deadline."""
    dates, _ = apply_rule(calendar, expiries, np.full(expiries.shape, rule.amount), _unit(rule))
    return int((dates - limit).max())


def _late_problem(
    catalogs: Catalogs, item: CatalogItem, label: str, rule: LeadTime, deadline: LeadTime, days: int
) -> Problem:
    department = catalogs.department(item.department)
    message = (
        f"“{item.certificate}”的{label}（{rule.text}）可能晚于法定申请期限（{deadline.text}）最多 {days} 天，"
        "提醒时持证人可能已来不及按期申请延续"
    )
    fix = f"请把{label}时限提前到法定申请期限之前"
    return Problem(
        department.catalog_file, message, fix, item.row, label + "时限", None, rule.text, level=Level.WARNING
    )


def day_text(ordinal: int) -> str:
    """Return an ordinal as YYYY-MM-DD, or '' for NO_DATE."""
    return date.fromordinal(ordinal).isoformat() if ordinal != NO_DATE else ""
