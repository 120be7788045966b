"""A department's certificates as its staff see them: unmasked, with reminder dates and status (the staff table),
cut from a loaded 台账 and its schedule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from generator.catalog.model import Catalogs
from generator.ledger.model import Ledger
from generator.schedule import NO_DATE, Schedule
from portal.rules.status import staff_label


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


def department_rows(ledger: Ledger, catalogs: Catalogs, slug: str) -> list[int]:
    """Return the department's rows of the province's 台账, in 台账 order."""
    mine = np.array([n for n, item in enumerate(catalogs.items) if item.department == slug], dtype=np.int64)
    return np.flatnonzero(np.isin(ledger.item, mine)).tolist()


def rows_with_number(ledger: Ledger, catalogs: Catalogs, slug: str, number: str) -> list[int]:
    """Return the department's rows of the 台账 with this certificate number, in 台账 order."""
    items = catalogs.items
    return [
        i
        for i, n in enumerate(ledger.number)
        if n == number and items[int(ledger.item[i])].department == slug
    ]
