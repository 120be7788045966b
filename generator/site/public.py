"""The public projection of a schedule: notice rows with natural persons masked (双公示 facts only)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from itertools import repeat

import numpy as np

from generator.catalog.model import Catalogs
from generator.ledger.identifiers import mask_number, mask_person_name
from generator.ledger.model import IntArray, Ledger
from generator.schedule import Schedule
from generator.site.model import NOTICE_WINDOWS, NoticeRow
from generator.site.pages import guide_name
from portal.rules.status import deadline_passed


def public_holder(holder: str, person: bool) -> str:
    """Return the holder's name as the public may see it: a natural person is masked (张*)."""
    return mask_person_name(holder) if person else holder


def public_number(number: str, person: bool) -> str:
    """Return a certificate number as the public may see it: a person's number is masked."""
    return mask_number(number) if person and number else number


def notice_rows(
    ledger: Ledger, schedule: Schedule, catalogs: Catalogs, today: date
) -> dict[str, tuple[NoticeRow, ...]]:
    """Return, per department, the certificates expiring within the widest notice window, nearest first.

    Made column by column (a province has hundreds of thousands of such rows): Python runs per row only to mask
    natural persons.
    """
    within = np.flatnonzero((schedule.days_left >= 0) & (schedule.days_left <= max(NOTICE_WINDOWS)))
    numbers = np.array([ledger.number[i] for i in within.tolist()], dtype=str)
    ordered = within[np.lexsort((numbers, ledger.expires[within]))] if len(within) else within
    slugs = [d.slug for d in catalogs.departments]
    department_of = np.array([slugs.index(i.department) for i in catalogs.items] or [0], dtype=np.int64)
    # Grouped by department, each group still nearest first (a stable sort).
    departments = department_of[ledger.item[ordered]]
    grouped = ordered[np.argsort(departments, kind="stable")]
    ends = np.cumsum(np.bincount(departments, minlength=len(slugs))).tolist()
    with _collector_paused():
        rows = _rows(ledger, schedule, catalogs, grouped, today)
    return {slug: tuple(rows[start:end]) for slug, start, end in zip(slugs, [0, *ends], ends, strict=False)}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while making rows: hundreds of thousands of new tuples would start it again
    and again, each time walking every object of a million-row ledger (most of the time spent here otherwise).
    Rows hold no cycles; the collector runs as usual afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _rows(
    ledger: Ledger, schedule: Schedule, catalogs: Catalogs, picked: IntArray, today: date
) -> list[NoticeRow]:
    guides = [guide_name(i, catalogs.department(i.department)) for i in catalogs.items]
    certificates = [i.certificate for i in catalogs.items]
    at = picked.tolist()
    persons = ledger.person[picked].tolist()
    numbers = [ledger.number[i] for i in at]
    holders = [ledger.holder[i] for i in at]
    for k in (k for k, person in enumerate(persons) if person):
        numbers[k], holders[k] = public_number(numbers[k], True), public_holder(holders[k], True)
    ordinals = ledger.expires[picked].tolist()
    dates = {ordinal: date.fromordinal(ordinal) for ordinal in set(ordinals)}
    items = ledger.item[picked].tolist()
    deadlines = schedule.deadline[picked]
    passed = deadline_passed(today.toordinal(), deadlines, ledger.expires[picked])
    late = [
        date.fromordinal(o) if p else None for o, p in zip(deadlines.tolist(), passed.tolist(), strict=True)
    ]
    columns = zip(
        numbers,
        [certificates[k] for k in items],
        holders,
        [dates[o] for o in ordinals],
        schedule.days_left[picked].tolist(),
        (schedule.first_estimated[picked] | schedule.second_estimated[picked]).tolist(),
        [guides[k] for k in items],
        late,
        strict=True,
    )
    return list(map(tuple.__new__, repeat(NoticeRow), columns))  # NoticeRow._make without a call per row
