"""A department's certificates as its staff see them: unmasked, with reminder dates and status.

Cut from the console's one loaded copy of the province (console/loaded.py) when it is in memory; before that
(the console just started), read from the department's own 台账 files only, which gives the same rows.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from console.loaded import input_stamp, loaded_day, loaded_if_ready
from console.settings import ConsoleSettings
from console.work import calendar_of, department_ledger, published, today_of, unusable_catalog
from generator.problems import DepartmentUnusable
from generator.workflows.published import NO_DATE, Catalogs, Ledger, Schedule, compute_schedule
from portal.rules.status import staff_label

_lock = threading.Lock()
_tables: dict[str, tuple[object, list[CertificateRow]]] = {}


@dataclass(frozen=True)
class CertificateRow:
    """One certificate in the staff table: unmasked, for the department's own staff."""

    number: str
    holder: str
    certificate: str
    expires: str
    days_left: int
    first: str
    second: str
    status: str
    contact: str
    phone: str
    final: str = ""  # 临期提醒日期 (staff phone or visit), "" where the holder has applied


def certificates(settings: ConsoleSettings, slug: str) -> list[CertificateRow]:
    """Return the department's certificates with reminder dates and status (cached until an input changes).

    A department whose 目录 or 台账 cannot be used raises DepartmentUnusable: no table rather than a wrong one.
    """
    broken = unusable_catalog(settings, slug)
    if broken is not None:
        raise DepartmentUnusable(broken)
    catalogs, _ = published(settings)
    if catalogs is None or slug not in catalogs.slugs:
        return []
    today = today_of(settings)
    stamp = (today, input_stamp(settings))  # the loaded copy's own key: one walk of the input folders
    with _lock:
        cached = _tables.get(slug)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    day = loaded_if_ready(settings, stamp)
    if day is not None:
        day.inputs.require(slug)
        ledger, schedule, loaded = day.inputs.ledger, day.schedule, day.inputs.catalogs
        rows = table_rows(ledger, schedule, loaded, _department_rows(ledger, loaded, slug))
    else:
        ledger, _ = department_ledger(settings, catalogs, slug, usable=True)
        schedule = compute_schedule(ledger, catalogs, calendar_of(settings), today)
        rows = table_rows(ledger, schedule, catalogs, range(len(ledger)))
    with _lock:
        _tables[slug] = (stamp, rows)
    return rows


def with_number(settings: ConsoleSettings, slug: str, number: str) -> list[CertificateRow]:
    """Return the department's certificates with this number from today's loaded 台账, with their dates."""
    broken = unusable_catalog(settings, slug)
    if broken is not None:
        raise DepartmentUnusable(broken)
    day = loaded_day(settings)
    day.inputs.require(slug)
    ledger, catalogs = day.inputs.ledger, day.inputs.catalogs
    items = catalogs.items
    found = [
        i
        for i, n in enumerate(ledger.number)
        if n == number and items[int(ledger.item[i])].department == slug
    ]
    return table_rows(ledger, day.schedule, catalogs, found)


def table_rows(
    ledger: Ledger, schedule: Schedule, catalogs: Catalogs, rows: Sequence[int]
) -> list[CertificateRow]:
    """Return the table rows of these ledger rows, in their order."""
    items = catalogs.items
    picked = np.asarray(rows, dtype=np.int64)
    expires, first, second = (_dates(a[picked]) for a in (ledger.expires, schedule.first, schedule.second))
    final = _dates(schedule.final[picked]) if len(schedule.final) else [""] * len(picked)
    return [
        CertificateRow(
            ledger.number[i],
            ledger.holder[i],
            items[int(ledger.item[i])].certificate,
            expires[k],
            int(schedule.days_left[i]),
            first[k],
            second[k],
            staff_label(int(schedule.status[i]), bool(ledger.applied[i])),
            ledger.contact[i],
            ledger.phone[i],
            final[k],
        )
        for k, i in enumerate(picked.tolist())
    ]


def _dates(ordinals: np.ndarray) -> list[str]:
    return [date.fromordinal(o).isoformat() if o != NO_DATE else "" for o in ordinals.tolist()]


def _department_rows(ledger: Ledger, catalogs: Catalogs, slug: str) -> list[int]:
    """Return the department's rows of the province's 台账, in 台账 order."""
    mine = np.array([n for n, item in enumerate(catalogs.items) if item.department == slug], dtype=np.int64)
    return np.flatnonzero(np.isin(ledger.item, mine)).tolist()
