"""每月叫早: 鞍山卫健's monthly batch — on the 15th, or the next working day when the 15th is a rest day, list
next month's expiries of the departments whose department.yaml says 每月叫早: true (or 是; 否 and false turn
it off, anything else is refused when the catalogues load).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from generator.catalog.model import Catalogs
from generator.ledger.model import Ledger
from generator.workdays import WorkdayCalendar

BATCH_DAY = 15


def batch_day(calendar: WorkdayCalendar, year: int, month: int) -> date:
    """Return the month's batch day: the 15th, postponed past rest days and holidays."""
    day = date(year, month, BATCH_DAY)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def next_batch_day(calendar: WorkdayCalendar, today: date) -> date:
    """Return the first batch day on or after today."""
    this = batch_day(calendar, today.year, today.month)
    if this >= today:
        return this
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return batch_day(calendar, year, month)


def next_month(today: date) -> tuple[date, date]:
    """Return the first and last day of the month after today's."""
    first = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


def monthly_rows(ledger: Ledger, catalogs: Catalogs, today: date) -> np.ndarray:
    """Return the ledger rows of monthly-batch departments expiring next month and not yet applied for."""
    monthly = np.array([catalogs.department(i.department).monthly_batch for i in catalogs.items] or [False])
    first, last = next_month(today)
    mask = monthly[ledger.item] if len(ledger) else np.zeros(0, dtype=np.bool_)
    mask = (
        mask & (ledger.expires >= first.toordinal()) & (ledger.expires <= last.toordinal()) & ~ledger.applied
    )
    return np.flatnonzero(mask)
