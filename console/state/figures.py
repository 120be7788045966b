"""The console's calls into the report workflow (督促检查): the same figures as `jiaozao report`, kept warm.

The figures are counted department by department, each from its own day (its own 台账, read and let go unless a
clerk's page keeps it: console/state/department_day.py) and its own 登记簿 records; no console process holds the
province's 台账. Each department's figures are kept per period, day and input files, and state of that
department's records, so a record re-counts only its department. The lines behind a department's figures (and its
闭环 lines) are counted again from its day when its list is opened. A period's figures are also kept on disk
beside the console's database, so the first view after the console restarts does not count every department.
"""

from __future__ import annotations

import pickle
from calendar import monthrange
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

from console.memory import settle
from console.settings import ConsoleSettings
from console.state.department_day import inputs_stamp, read_department_day, stamps_of
from console.state.inputs import published, published_apart, today_of
from generator.problems import InputError, Unusable
from generator.workflows import report as report_workflow
from generator.workflows.database import registry_stamp
from generator.workflows.files import replacing
from generator.workflows.published import CatalogsApart
from generator.workflows.report import (
    DepartmentCount,
    DepartmentFigures,
    DepartmentLines,
    DepartmentRecounted,
    DepartmentSupervision,
    LoopFigures,
    Supervision,
    Week,
    department_states,
    weeks_of,
)

T = TypeVar("T")
_KEEP = 16  # periods kept (a supervisor clicks through weeks and lists of a few periods)
_FORMAT = 4  # of the figures kept on disk; another value there is not read
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


def standard_periods(today: date) -> list[tuple[str, date, date]]:
    """Return the periods a supervisor picks with one click: this and last month, quarter and year."""
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    quarter = default_period(today)
    last_quarter = default_period(quarter[0] - timedelta(days=1))
    return [
        ("本月", month_start, date(today.year, today.month, monthrange(today.year, today.month)[1])),
        ("上月", last_month_end.replace(day=1), last_month_end),
        ("本季度", *quarter),
        ("上季度", *last_quarter),
        ("本年", date(today.year, 1, 1), date(today.year, 12, 31)),
        ("去年", date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    ]


def supervision(settings: ConsoleSettings, start: date, end: date) -> Supervision:
    """Return the period's figures, with the lines behind them, as `jiaozao report --from start --to end`."""
    report_workflow.refuse_bad_period(start, end)
    # The whole state of the input files is taken before counting: a change meanwhile means counting again.
    whole, apart = inputs_stamp(settings), _catalogs(settings)
    slugs = [*apart.broken, *(d.slug for d in apart.catalogs.departments)]
    # A department read for this period is counted for the one-click periods too (its day and records are
    # what costs; each period then takes a millisecond): a supervisor's next click finds them counted.
    also = [(s, e) for _, s, e in standard_periods(whole[0])]
    with settings.memory.turn(_TURN):
        counted, registry, again = _each(
            settings, "periods", start, end, slugs, partial(_count, settings), also
        )
        period = _assembled(settings, start, end, whole[0], counted)
        if again:
            _keep_on_disk(settings, period, (_FORMAT, whole, registry))
            settle()  # each department's day and row index, read and let go: out of each full collection's walk
    return period


def _each(
    settings: ConsoleSettings, kind: str, start: date, end: date, slugs: list[str],
    count: Callable[[str, list[tuple[date, date]], tuple[date, object]], list[T]],
    also: Sequence[tuple[date, date]] = (),
) -> tuple[list[T], object, bool]:  # fmt: skip
    """Return what count makes of each department for the period, as kept unless its day, its input files or its
    登记簿 records changed (and the 登记簿's state it was read at, and whether any department was counted again).
    A department counted for the period is counted for the periods also at the same time, where they are not
    kept as they are now."""
    memory = settings.memory
    # The 登记簿's state is taken before it is read: a record added meanwhile means reading it again.
    registry = registry_stamp(settings.inputs.registry)
    states = memory.kept("records by department", registry, lambda: department_states(settings.inputs))
    kept = memory.get(kind)
    periods: OrderedDict[tuple[date, date], dict[str, tuple[object, T]]] = OrderedDict()
    if kept is not None and isinstance(kept[1], OrderedDict):
        periods = kept[1]
    memory.put(kind, None, periods)
    others = [p for p in dict.fromkeys(also) if p != (start, end)]
    for other in others:
        periods.setdefault(other, {})
    counted = periods.setdefault((start, end), {})
    periods.move_to_end((start, end))
    while len(periods) > _KEEP:
        periods.popitem(last=False)
    others = [p for p in others if p in periods]
    again = False
    stamp_of = stamps_of(settings)  # one walk of the input folders
    for slug in slugs:  # a department is counted again when its own day, files or records changed
        stamp = stamp_of(slug)
        own = (stamp, states.get(slug))
        found = counted.get(slug)
        if found is None or found[0] != own:
            stale = [p for p in others if (kept_one := periods[p].get(slug)) is None or kept_one[0] != own]
            made = count(slug, [(start, end), *stale], stamp)
            for each, result in zip([(start, end), *stale], made, strict=True):
                periods[each][slug] = (own, result)
            again = True
    for gone in set(counted) - set(slugs):
        del counted[gone]
    return [counted[slug][1] for slug in slugs], registry, again


@dataclass(frozen=True)
class Counted:
    """One department's figures over a period (no line behind them), or why it was not counted."""

    figures: DepartmentFigures | None
    unusable: tuple[Unusable, ...]


def _catalogs(settings: ConsoleSettings) -> CatalogsApart:
    """Return every department's 目录 as the console keeps them; none usable at all raises InputError."""
    apart = published_apart(settings)
    if apart is None:
        raise InputError(published(settings)[1])
    return apart


def _count(
    settings: ConsoleSettings, slug: str, periods: list[tuple[date, date]], stamp: tuple[date, object]
) -> list[Counted]:
    day = read_department_day(settings, slug, stamp)
    found = report_workflow.count_day_periods(settings.inputs, day, slug, periods)
    return [Counted(f.counted.figures_only() if f.counted else None, f.unusable) for f in found]


def _count_loop(
    settings: ConsoleSettings, slug: str, periods: list[tuple[date, date]], stamp: tuple[date, object]
) -> list[LoopFigures | None]:
    day = read_department_day(settings, slug, stamp)
    found = (report_workflow.count_day(settings.inputs, day, slug, start, end) for start, end in periods)
    return [LoopFigures(f.loop.department, f.loop.figures) if f.loop else None for f in found]


def _recount(settings: ConsoleSettings, slug: str, start: date, end: date, loop: bool) -> DepartmentCount:
    """Count one department again from its day as it is now (the lines behind its figures, or its 闭环 lines)."""
    day = read_department_day(settings, slug)
    return report_workflow.count_day(settings.inputs, day, slug, start, end, loop=loop)


def _assembled(
    settings: ConsoleSettings, start: date, end: date, today: date, counted: list[Counted]
) -> Supervision:
    departments = [
        DepartmentRecounted(
            c.figures.department, c.figures.figures, c.figures.weekly, c.figures.ways,
            partial(_lines_of, settings, c.figures.slug, start, end),
        )
        for c in counted
        if c.figures is not None
    ]  # fmt: skip
    unusable = tuple(u for c in counted for u in c.unusable)
    return Supervision(start, end, today, weeks_of(start, end), departments, unusable)


def _lines_of(settings: ConsoleSettings, slug: str, start: date, end: date) -> DepartmentSupervision | None:
    return _recount(settings, slug, start, end, loop=False).counted


def overview(settings: ConsoleSettings, start: date, end: date) -> Overview:
    """Return the period's figures: as kept on disk when the inputs and the 登记簿 are as they were then."""
    kept = _read_kept(settings, start, end)
    if kept is not None:
        return kept
    found = supervision(settings, start, end)
    return Overview(found.start, found.end, found.today, found.weeks, found.departments, found.unusable)


def report_xlsx(
    period: Supervision, shown: Sequence[DepartmentLines], loop: list[LoopFigures] | None = None
) -> bytes:
    """Return the .xlsx `jiaozao report` writes for the period, with the departments shown (and their 闭环)."""
    return report_workflow.report_xlsx(period, shown, loop)


def loop(settings: ConsoleSettings, start: date, end: date) -> tuple[Supervision, list[LoopFigures]]:
    """Return the period's figures and its 闭环 figures per department (without the lines behind them: loop_lines)."""
    period = supervision(settings, start, end)
    slugs = [d.slug for d in period.departments]
    with settings.memory.turn(_TURN):
        found, _, again = _each(settings, "loops", start, end, slugs, partial(_count_loop, settings))
        if again:
            settle()
    return period, [f for f in found if f is not None]


def loop_lines(settings: ConsoleSettings, start: date, end: date, slugs: Sequence[str]) -> list[LoopFigures]:
    """Return these departments' 闭环 figures with the lines behind them, each counted again from its day."""
    found = (_recount(settings, slug, start, end, loop=True).loop for slug in slugs)
    return [f for f in found if f is not None]


def warm(settings: ConsoleSettings) -> None:
    """Count this quarter before anyone asks (every department's 台账 read in turn: seconds to minutes)."""
    try:
        supervision(settings, *default_period(today_of(settings)))
    except Exception:  # the page will meet the same problem and say it properly
        return


# -- the figures kept on disk ------------------------------------------------------------------------


def _kept_file(settings: ConsoleSettings, start: date, end: date) -> Path:
    return settings.db.parent / "console-figures" / f"{start.isoformat()}_{end.isoformat()}.pickle"


def _disk_stamp(settings: ConsoleSettings) -> object:
    """Return the state of everything the figures depend on: the day, the input files, the 登记簿."""
    return (_FORMAT, inputs_stamp(settings), registry_stamp(settings.inputs.registry))


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
