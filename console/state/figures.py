"""The console's calls into the report workflow (督促检查): the same figures as `jiaozao report`, kept warm.

What the figures are counted against is the console's one loaded copy of the province (console/state/province.py);
the 登记簿's done dates are kept until the 登记簿 changes, and each period's figures until either does. The
figures of a period (not the lines behind them) are also kept on disk beside the console's database, so the
first view after the console restarts does not wait for a province's 台账 to load.
"""

from __future__ import annotations

import pickle
from calendar import monthrange
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from console.memory import settle
from console.settings import ConsoleSettings
from console.state.inputs import today_of
from console.state.province import input_stamp, stamped_day
from generator.problems import Unusable
from generator.workflows import report as report_workflow
from generator.workflows.database import registry_stamp
from generator.workflows.files import replacing
from generator.workflows.report import (
    Counting,
    DepartmentFigures,
    DepartmentSupervision,
    DoneRows,
    LoopFigures,
    Supervision,
    Week,
    closing,
    read_done,
    supervise,
)

T = TypeVar("T")
_KEEP = 16  # periods kept (a supervisor clicks through weeks and lists of a few periods)
_FORMAT = 3  # of the figures kept on disk; another value there is not read
_TURN = "figures"  # one thread counts at a time; what it counts is kept in the console's memory


@dataclass(frozen=True)
class Overview:
    """A period's figures per department and week: what the 督促检查 pages show before a list is opened."""

    start: date
    end: date
    today: date
    weeks: list[Week]
    departments: Sequence[DepartmentFigures]
    unusable: tuple[Unusable, ...] = ()  # departments not counted, and why (数据有误，未计入)


def default_period(today: date) -> tuple[date, date]:
    """Return this quarter: its first day to its last."""
    month = 3 * ((today.month - 1) // 3) + 1
    return date(today.year, month, 1), date(today.year, month + 2, monthrange(today.year, month + 2)[1])


def supervision(settings: ConsoleSettings, start: date, end: date) -> Supervision:
    """Return the period's figures, with the lines behind them, as `jiaozao report --from start --to end`."""
    inputs, day = stamped_day(settings)
    memory = settings.memory
    with memory.turn(_TURN):
        counting = memory.kept(
            "counting",  # the one loaded day's Counting
            inputs,
            lambda: Counting(
                day.inputs.catalogs, day.inputs.ledger, day.schedule, tuple(day.inputs.unusable.values())
            ),
        )
        # The 登记簿's state is taken before it is read: a record added meanwhile means reading it again.
        registry = registry_stamp(settings.inputs.registry)
        done = memory.kept("done", (id(counting), registry), lambda: read_done(settings.inputs, counting))
        key = (id(counting), id(done), start, end)
        kept = memory.get("periods")
        _periods: OrderedDict[tuple[object, ...], Supervision] = OrderedDict()
        if kept is not None and isinstance(kept[1], OrderedDict):
            _periods = kept[1]
        memory.put("periods", None, _periods)
        found = _periods.get(key)
        if found is None:
            found = _periods[key] = supervise(counting, done, start, end)
            while len(_periods) > _KEEP:
                _periods.popitem(last=False)
            _keep_on_disk(settings, found, (_FORMAT, inputs, registry))
            settle()  # the counting's row index and done dates: out of each full collection's walk
        _periods.move_to_end(key)
    return found


def overview(settings: ConsoleSettings, start: date, end: date) -> Overview:
    """Return the period's figures: as kept on disk when the inputs and the 登记簿 are as they were then."""
    kept = _read_kept(settings, start, end)
    if kept is not None:
        return kept
    found = supervision(settings, start, end)
    return Overview(found.start, found.end, found.today, found.weeks, found.departments, found.unusable)


def report_xlsx(
    period: Supervision, shown: list[DepartmentSupervision], loop: list[LoopFigures] | None = None
) -> bytes:
    """Return the .xlsx `jiaozao report` writes for the period, with the departments shown (and their 闭环)."""
    return report_workflow.report_xlsx(period, shown, loop)


def loop(settings: ConsoleSettings, start: date, end: date) -> tuple[Supervision, list[LoopFigures]]:
    """Return the period's figures and its 闭环 figures per department, as `jiaozao report` writes them."""
    period = supervision(settings, start, end)
    with settings.memory.turn(_TURN):
        counting, done = _kept(settings, "counting", Counting), _kept(settings, "done", DoneRows)
    return period, closing(settings.inputs, counting, done, start, end)


def _kept(settings: ConsoleSettings, key: str, kind: type[T]) -> T:
    found = settings.memory.get(key)
    assert found is not None and isinstance(found[1], kind)  # supervision() has just made it
    return found[1]


def warm(settings: ConsoleSettings) -> None:
    """Count this quarter before anyone asks (a province's 台账 takes seconds to load)."""
    try:
        supervision(settings, *default_period(today_of(settings)))
    except Exception:  # the page will meet the same problem and say it properly
        return


# -- the figures kept on disk ------------------------------------------------------------------------


def _kept_file(settings: ConsoleSettings, start: date, end: date) -> Path:
    return settings.db.parent / "console-figures" / f"{start.isoformat()}_{end.isoformat()}.pickle"


def _disk_stamp(settings: ConsoleSettings) -> object:
    """Return the state of everything the figures depend on: the day, the input files, the 登记簿."""
    return (_FORMAT, (today_of(settings), input_stamp(settings)), registry_stamp(settings.inputs.registry))


def _keep_on_disk(settings: ConsoleSettings, period: Supervision, stamp: object) -> None:
    figures = [d.figures_only() for d in period.departments]
    kept = Overview(period.start, period.end, period.today, period.weeks, figures, period.unusable)
    path = _kept_file(settings, period.start, period.end)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path) as temp:
            temp.write_bytes(pickle.dumps((stamp, kept), protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:  # only a shortcut: the figures are counted again next time
        return


def _read_kept(settings: ConsoleSettings, start: date, end: date) -> Overview | None:
    try:
        stamp, kept = pickle.loads(_kept_file(settings, start, end).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return None
    if stamp != _disk_stamp(settings) or not isinstance(kept, Overview):
        return None
    return kept
