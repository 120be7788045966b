"""The public projection of a schedule: notice rows with natural persons masked (双公示 facts only)."""

from __future__ import annotations

from datetime import date

import numpy as np

from generator.catalog.model import Catalogs
from generator.ledger.identifiers import mask_number, mask_person_name
from generator.ledger.model import Ledger
from generator.schedule import Schedule
from generator.site.model import NOTICE_WINDOWS, NoticeRow
from generator.site.pages import guide_name


def public_holder(holder: str, person: bool) -> str:
    """Return the holder's name as the public may see it: a natural person is masked (张*)."""
    return mask_person_name(holder) if person else holder


def public_number(number: str, person: bool) -> str:
    """Return a certificate number as the public may see it: a person's number is masked."""
    return mask_number(number) if person and number else number


def notice_rows(ledger: Ledger, schedule: Schedule, catalogs: Catalogs) -> dict[str, tuple[NoticeRow, ...]]:
    """Return, per department, the certificates expiring within the widest notice window, nearest first."""
    within = np.flatnonzero((schedule.days_left >= 0) & (schedule.days_left <= max(NOTICE_WINDOWS)))
    numbers = np.array([ledger.number[i] for i in within.tolist()], dtype=str)
    ordered = within[np.lexsort((numbers, ledger.expires[within]))].tolist() if len(within) else []
    guides = [guide_name(i, catalogs.department(i.department)) for i in catalogs.items]
    estimated = (schedule.first_estimated | schedule.second_estimated).tolist()
    items, persons, expires, days = (
        ledger.item.tolist(),
        ledger.person.tolist(),
        ledger.expires.tolist(),
        schedule.days_left.tolist(),
    )
    rows: dict[str, list[NoticeRow]] = {d.slug: [] for d in catalogs.departments}
    for i in ordered:
        item, person = catalogs.items[items[i]], persons[i]
        rows[item.department].append(
            NoticeRow(
                number=public_number(ledger.number[i], person),
                certificate=item.certificate,
                holder=public_holder(ledger.holder[i], person),
                expires_on=date.fromordinal(expires[i]),
                days_left=days[i],
                estimated=estimated[i],
                guide=guides[items[i]],
            )
        )
    return {slug: tuple(found) for slug, found in rows.items()}
