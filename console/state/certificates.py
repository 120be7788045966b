"""A department's certificates as its staff see them: unmasked, with reminder dates and status.

Cut from the department's own day (console/state/department_day.py): its 台账 and corrections scheduled for today,
the rows 今日提醒 plans from.
"""

from __future__ import annotations

from datetime import date

from console.settings import ConsoleSettings
from console.state.department_day import department_day, stamp_of
from console.state.inputs import published, unusable_catalog
from generator.problems import DepartmentUnusable
from generator.workflows.certificates import (
    CertificateRow,
    department_rows,
    rows_with_number,
    table_rows,
)

__all__ = ["CertificateRow", "certificates", "table_rows", "with_number"]


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
    stamp = stamp_of(settings, slug)  # the day's own stamp: one walk of the input folders
    return settings.memory.kept(("certificates", slug), stamp, lambda: _table(settings, slug, stamp))


def _table(settings: ConsoleSettings, slug: str, stamp: tuple[date, object]) -> list[CertificateRow]:
    day = department_day(settings, slug, stamp)
    day.inputs.require(slug)
    ledger, schedule, loaded = day.inputs.ledger, day.schedule, day.inputs.catalogs
    return table_rows(ledger, schedule, loaded, department_rows(ledger, loaded, slug))


def with_number(settings: ConsoleSettings, slug: str, number: str) -> list[CertificateRow]:
    """Return the department's certificates with this number from today's loaded 台账, with their dates."""
    broken = unusable_catalog(settings, slug)
    if broken is not None:
        raise DepartmentUnusable(broken)
    day = department_day(settings, slug)
    day.inputs.require(slug)
    ledger, catalogs = day.inputs.ledger, day.inputs.catalogs
    return table_rows(ledger, day.schedule, catalogs, rows_with_number(ledger, catalogs, slug, number))
