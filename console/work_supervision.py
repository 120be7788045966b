"""The console's calls into the report workflow (督促检查): the same figures as `jiaozao report`, kept warm.

Loading a province's 台账 takes seconds, so what the figures are counted against is kept until an input file
changes, the 登记簿's done dates until the 登记簿 changes, and each period's figures until either does.
"""

from __future__ import annotations

import tempfile
import threading
from calendar import monthrange
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from console.settings import ConsoleSettings
from console.work import today_of
from generator.reminders.report import DoneRows
from generator.reminders.report_files import write_report_xlsx
from generator.workflows.report import (
    Counting,
    DepartmentSupervision,
    Supervision,
    load_counting,
    read_done,
    supervise,
)

T = TypeVar("T")
_KEEP = 16  # periods kept (a supervisor clicks through weeks and lists of a few periods)
_lock = threading.Lock()
_counting: dict[str, tuple[object, Counting]] = {}
_done: dict[str, tuple[object, DoneRows]] = {}
_periods: OrderedDict[tuple[object, ...], Supervision] = OrderedDict()


def default_period(today: date) -> tuple[date, date]:
    """Return this quarter: its first day to its last."""
    month = 3 * ((today.month - 1) // 3) + 1
    return date(today.year, month, 1), date(today.year, month + 2, monthrange(today.year, month + 2)[1])


def supervision(settings: ConsoleSettings, start: date, end: date) -> Supervision:
    """Return the period's figures as `jiaozao report --from start --to end` counts them today."""
    inputs, today = settings.inputs, today_of(settings)
    with _lock:
        counting = _cached(_counting, str(inputs.catalogs), (_input_stamp(settings), today),
                           lambda: load_counting(inputs, today))  # fmt: skip
        stamp = (id(counting), _registry_stamp(inputs.db))
        done = _cached(_done, str(inputs.db), stamp, lambda: read_done(inputs, counting))
        key = (id(counting), id(done), start, end)
        found = _periods.get(key)
        if found is None:
            found = _periods[key] = supervise(counting, done, start, end)
            while len(_periods) > _KEEP:
                _periods.popitem(last=False)
        _periods.move_to_end(key)
        return found


def report_xlsx(period: Supervision, shown: list[DepartmentSupervision]) -> bytes:
    """Return the .xlsx `jiaozao report` writes for the period, with the departments shown."""
    with tempfile.TemporaryDirectory(prefix="jiaozao-console-") as scratch:
        path = Path(scratch) / "督促检查.xlsx"
        write_report_xlsx(path, [d.report() for d in shown], period.start, period.end)
        return path.read_bytes()


def _cached(store: dict[str, tuple[object, T]], where: str, stamp: object, make: Callable[[], T]) -> T:
    found = store.get(where)
    if found is None or found[0] != stamp:
        store.clear()  # one set of inputs at a time: a province's 台账 is large
        found = store[where] = (stamp, make())
    return found[1]


def _input_stamp(settings: ConsoleSettings) -> object:
    """Return what changes when a 目录, department file, holidays.csv or 台账 file changes."""
    roots = [settings.inputs.catalogs, settings.inputs.ledgers]
    files = sorted(
        {p for root in roots for p in ([root] if root.is_file() else root.rglob("*")) if p.is_file()}
    )
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def _registry_stamp(db: Path) -> object:
    """Return what changes when the 登记簿 is written (its file and its write-ahead log)."""
    paths = (db, db.with_name(db.name + "-wal"))
    return tuple((p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else None for p in paths)


def warm(settings: ConsoleSettings) -> None:
    """Count this quarter before anyone asks (a province's 台账 takes seconds to load)."""
    try:
        supervision(settings, *default_period(today_of(settings)))
    except Exception:  # the page will meet the same problem and say it properly
        return
