"""A department's certificates as its staff see them: unmasked, with reminder dates and status.

Cut from the console's one loaded copy of the province (console/loaded.py) when it is in memory; before that
(the console just started), read from the department's own 台账 files only, which gives the same rows.
"""

from __future__ import annotations

import threading

from console.loaded import input_stamp, loaded_day, loaded_if_ready
from console.settings import ConsoleSettings
from console.work import calendar_of, department_ledger, published, today_of, unusable_catalog
from generator.problems import DepartmentUnusable
from generator.workflows.certificates import (
    CertificateRow,
    department_rows,
    department_table,
    rows_with_number,
    table_rows,
)

__all__ = ["CertificateRow", "certificates", "table_rows", "with_number"]
_lock = threading.Lock()
_tables: dict[str, tuple[object, list[CertificateRow]]] = {}


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
        rows = table_rows(ledger, schedule, loaded, department_rows(ledger, loaded, slug))
    else:
        ledger, _ = department_ledger(settings, catalogs, slug, usable=True)
        rows = department_table(ledger, catalogs, calendar_of(settings), today)
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
    return table_rows(ledger, day.schedule, catalogs, rows_with_number(ledger, catalogs, slug, number))
