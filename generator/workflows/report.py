"""Report (督促检查): load → schedule → the 登记簿's figures per department over a period → .xlsx and staff page.

`jiaozao report` writes the files; the console's supervision page shows the same figures, week by week, with the
reminders and certificates behind each one (`supervise`).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

import numpy as np

from generator.atomic import OutputError
from generator.catalog.model import Catalogs, Department
from generator.config import Settings
from generator.ledger.load import Progress
from generator.ledger.model import IntArray, Ledger
from generator.problems import PhraseError, Unusable
from generator.reminders.closing import LOOP_FIGURES as LOOP_FIGURES
from generator.reminders.closing import LoopFigures as LoopFigures
from generator.reminders.closing import closing_rate as closing_rate
from generator.reminders.closing import count_loop
from generator.reminders.reachability import load_history
from generator.reminders.registry import Registry
from generator.reminders.report import FIGURES as FIGURES
from generator.reminders.report import REMINDER_FIGURES as REMINDER_FIGURES
from generator.reminders.report import WAYS as WAYS
from generator.reminders.report import (
    Counted,
    DepartmentReport,
    RowKey,
    Tally,
    done_dates_and_ways,
    done_rows,
    lines,
    row_index,
    summarize,
    tally,
)
from generator.reminders.report import DoneRows as DoneRows
from generator.reminders.report import on_time_rate as on_time_rate
from generator.reminders.report_files import totals, write_report_html, write_report_xlsx
from generator.reminders.smsoutbox import SmsOutbox
from generator.reminders.store import exists
from generator.schedule import Schedule
from generator.site.incremental import MANIFEST
from generator.workflows.loop import CHANNEL
from generator.workflows.remind import LoadedDay, load_day, load_department_day


@dataclass(frozen=True)
class ReportResult:
    """The figures per department, their totals, and the two files written."""

    reports: list[DepartmentReport]
    totals: dict[str, int]
    xlsx: Path
    html: Path
    unusable: tuple[Unusable, ...] = ()  # departments not counted, and why
    loop: tuple[LoopFigures, ...] = ()  # 闭环 figures per department


@dataclass(frozen=True)
class Counting:
    """What a report counts against: the 目录, the 台账 and its schedule as of one day (统计日)."""

    catalogs: Catalogs
    ledger: Ledger
    schedule: Schedule
    unusable: tuple[Unusable, ...] = ()  # departments left out: 数据有误，未计入

    @property
    def today(self) -> date:
        return self.schedule.today

    @cached_property
    def index(self) -> dict[RowKey, list[int]]:
        """Return the 台账 rows of each certificate as the 登记簿 names it (made once, on first use)."""
        return row_index(self.ledger, self.catalogs)


@dataclass(frozen=True)
class Week:
    """One week of a period (Monday to Sunday, cut to the period at either end)."""

    start: date
    end: date


@dataclass(frozen=True)
class DepartmentFigures:
    """One department's figures over a period, week by week."""

    department: Department
    figures: Counter[str]
    weekly: dict[str, list[int]]  # figure → one count per week of the period
    ways: Counter[str]  # the reminders counted done, by how they were done (WAYS): SMS unconfirmed apart

    @property
    def slug(self) -> str:
        return self.department.slug

    @property
    def rate(self) -> str:
        return on_time_rate(self.figures)


@dataclass(frozen=True)
class DepartmentLines(DepartmentFigures):
    """One department's figures over a period, week by week, and the lines behind them (made when asked for)."""

    def figures_only(self) -> DepartmentFigures:
        """Return the figures without what is behind them (small: fit to keep on disk)."""
        return DepartmentFigures(self.department, self.figures, self.weekly, self.ways)

    def lines(self) -> list[Counted]:
        """Return every line behind the figures, in 台账 order (as the .xlsx lists them)."""
        raise NotImplementedError

    def behind(self, figure: str) -> list[Counted]:
        """Return the lines a figure counts, in date order."""
        return sorted((c for c in self.lines() if c.counts_in(figure)), key=lambda c: (c.day, c.holder))

    def report(self) -> DepartmentReport:
        """Return the figures with their detail rows, as `jiaozao report` writes them."""
        return summarize(Catalogs("", (self.department,)), self.lines())[0]


@dataclass(frozen=True)
class DepartmentSupervision(DepartmentLines):
    """One department's figures over a period, with what they were counted from."""

    _position: int  # in Catalogs.departments
    _tally: Tally = field(repr=False)
    _counting: Counting = field(repr=False)
    _done: DoneRows = field(repr=False)

    def lines(self) -> list[Counted]:
        c = self._counting
        return list(lines(self._tally, c.ledger, c.schedule, c.catalogs, self._done, self._position))


@dataclass(frozen=True)
class DepartmentRecounted(DepartmentLines):
    """One department's figures as kept; the lines behind them are counted again from its day when asked for."""

    _recount: Callable[[], DepartmentSupervision | None] = field(repr=False, compare=False)

    def lines(self) -> list[Counted]:
        found = self._recount()
        return found.lines() if found is not None else []


@dataclass(frozen=True)
class Supervision:
    """督促检查 of a period: the figures of `jiaozao report`, per department and week, and what is behind them."""

    start: date
    end: date
    today: date
    weeks: list[Week]
    departments: Sequence[DepartmentLines]
    unusable: tuple[Unusable, ...] = ()  # departments not counted, and why (数据有误，未计入)

    @property
    def reports(self) -> list[DepartmentReport]:
        return [d.report() for d in self.departments]


@dataclass(frozen=True)
class DepartmentCount:
    """One department's period counted from its own day: its figures, or why it was not counted."""

    counted: DepartmentSupervision | None  # None: not counted (unusable says why, if its inputs are at fault)
    unusable: tuple[Unusable, ...] = ()  # this department alone, when its 目录 or 台账 cannot be used
    loop: LoopFigures | None = None  # its 闭环 figures, when counted


def default_report_path(settings: Settings, start: date, end: date) -> Path:
    return settings.out / "staff" / f"督促检查-{start.isoformat()}-{end.isoformat()}.xlsx"


def refuse_bad_period(start: date, end: date) -> None:
    if start > end:
        raise PhraseError(f"--from {start} 晚于 --to {end}", "请把开始日期写在前面")


def refuse_bad_report_paths(settings: Settings, start: date, end: date, xlsx: Path, html: Path) -> None:
    """Refuse a reversed period, a non-.xlsx name, or a report inside the public site, before reading data."""
    refuse_bad_period(start, end)
    if xlsx.suffix.lower() != ".xlsx":
        raise OutputError(f"--out “{xlsx}”应以 .xlsx 结尾")
    for path in (xlsx, html):
        inside = path.resolve().is_relative_to(settings.site.resolve())
        site = published_site(path) or (settings.site if inside else None)
        if site is not None:
            raise OutputError(f"“{path}”在公开网站文件夹 {site} 中；督促检查只给工作人员看，请放到别处")


def published_site(path: Path) -> Path | None:
    """Return the published site a file would land in: the nearest folder above it holding a build manifest."""
    return next((folder for folder in path.resolve().parents if (folder / MANIFEST).is_file()), None)


def load_counting(settings: Settings, today: date, progress: Progress | None = None) -> Counting:
    """Load the 目录 and 台账 and schedule them as of today."""
    return counting_of(load_day(settings, today, progress))


def counting_of(day: LoadedDay) -> Counting:
    """Return what a loaded day counts against: the province's day, or one department's (its own 台账 only)."""
    return Counting(day.inputs.catalogs, day.inputs.ledger, day.schedule, tuple(day.inputs.unusable.values()))


def read_done(settings: Settings, counting: Counting, departments: Collection[str] | None = None) -> DoneRows:
    """Return the 登记簿's done dates laid on the 台账 rows (no 登记簿 yet: nothing done); with departments, only
    their records are read (a department's own day: the others' records have no row in it); only records of
    certificates expiring no earlier than the 台账's earliest, for those of any other match no row."""
    if not exists(settings.registry):  # counting never creates a 登记簿
        return done_rows(counting.ledger, counting.catalogs, {}, counting.index)
    with Registry(settings.registry) as registry:
        dates, ways = done_dates_and_ways(registry, departments, counting.ledger.earliest_expiry())
        return done_rows(counting.ledger, counting.catalogs, dates, counting.index, ways)


def supervise(
    counting: Counting, done: DoneRows, start: date, end: date, only: str | None = None
) -> Supervision:
    """Return the period's figures per department and week, and the lines behind each (as `report` counts);
    with only, that department's alone (a department's own day: the others have no row in it)."""
    refuse_bad_period(start, end)
    ledger, schedule, catalogs = counting.ledger, counting.schedule, counting.catalogs
    counted = tally(ledger, schedule, catalogs, done, start, end)
    weeks = weeks_of(start, end)
    table = counted.figures(len(catalogs.departments))
    how = counted.ways(done, len(catalogs.departments))
    weekly = _weekly(counted, ledger, schedule, start, len(weeks), len(catalogs.departments))
    departments = []
    for n, d in enumerate(catalogs.departments):
        if not d.items or only not in (None, d.slug):
            continue
        figures = Counter(dict(zip(FIGURES, table[n].tolist(), strict=True)))
        per_week = {f: weekly[n, :, k].tolist() for k, f in enumerate(FIGURES)}
        ways = Counter(dict(zip(WAYS, how[n].tolist(), strict=True)))
        departments.append(DepartmentSupervision(d, figures, per_week, ways, n, counted, counting, done))
    return Supervision(start, end, counting.today, weeks, departments, counting.unusable)


def department_states(settings: Settings) -> dict[str, tuple[int, int]]:
    """Return the state of each department's 登记簿 records: it changes when one of them is added (none: none)."""
    if not exists(settings.registry):  # counting never creates a 登记簿
        return {}
    with Registry(settings.registry) as registry:
        return registry.department_states()


def supervise_department(
    counting: Counting, done: DoneRows, slug: str, start: date, end: date
) -> DepartmentSupervision | None:
    """Return one department's figures over the period, counted from its own day (`counting_of` a department's
    LoadedDay, `read_done` of its records): the same as its part of `supervise` over the province. None when the
    department is not counted (its 目录 or 台账 cannot be used: counting.unusable says why; or it has no 目录 row)."""
    found = supervise(counting, done, start, end, slug).departments
    return next((d for d in found if d.slug == slug and isinstance(d, DepartmentSupervision)), None)


def count_department(settings: Settings, slug: str, start: date, end: date, today: date) -> DepartmentCount:
    """Load one department's day (its own 台账) and count the period for it, reading only its 登记簿 records."""
    refuse_bad_period(start, end)
    return count_day(settings, load_department_day(settings, today, slug), slug, start, end)


def count_day(
    settings: Settings, day: LoadedDay, slug: str, start: date, end: date, *, loop: bool = True
) -> DepartmentCount:
    """Count the period for one department from its day (load_department_day), and with loop its 闭环 figures."""
    counting = counting_of(day)
    done = read_done(settings, counting, [slug])
    counted = supervise_department(counting, done, slug, start, end)
    if counted is None or not loop:
        return DepartmentCount(counted, counting.unusable)
    closed = closing(settings, counting, done, start, end, [slug])
    return DepartmentCount(counted, counting.unusable, next(f for f in closed if f.department.slug == slug))


def count_day_periods(
    settings: Settings, day: LoadedDay, slug: str, periods: Sequence[tuple[date, date]]
) -> list[DepartmentCount]:
    """Count several periods for one department from its day, as count_day without 闭环 does each: the day's
    rows indexed and its 登记簿 records read once (most of the cost), then each period counted from them."""
    for start, end in periods:
        refuse_bad_period(start, end)
    counting = counting_of(day)
    done = read_done(settings, counting, [slug])
    return [
        DepartmentCount(supervise_department(counting, done, slug, start, end), counting.unusable)
        for start, end in periods
    ]


def report_period(settings: Settings, start: date, end: date, today: date) -> Supervision:
    """Load, schedule and count a period: the figures `jiaozao report` writes, with the lines behind them."""
    refuse_bad_period(start, end)
    counting = load_counting(settings, today)
    return supervise(counting, read_done(settings, counting), start, end)


def weeks_of(start: date, end: date) -> list[Week]:
    """Return the weeks (Monday to Sunday) that cover start–end, the first and last cut to the period."""
    weeks, monday = [], start - timedelta(start.weekday())
    while monday <= end:
        weeks.append(Week(max(monday, start), min(monday + timedelta(6), end)))
        monday += timedelta(7)
    return weeks


def _weekly(
    counted: Tally, ledger: Ledger, schedule: Schedule, start: date, weeks: int, departments: int
) -> IntArray:
    """Return a (departments × weeks × FIGURES) table: reminders by their date, expiries by theirs."""
    table = np.zeros((departments, weeks, len(FIGURES)), dtype=np.int64)
    first_monday = start.toordinal() - start.weekday()
    rows = counted.rows
    for codes, days in (
        (counted.first, schedule.first[rows]), (counted.second, schedule.second[rows]),
        (counted.renewal, ledger.expires[rows]),
    ):  # fmt: skip
        on = codes >= 0
        np.add.at(table, (counted.department[on], (days[on] - first_monday) // 7, codes[on]), 1)
    table[:, :, 0] = table[:, :, 1:4].sum(axis=2)
    return table


def write_report(
    settings: Settings, start: date, end: date, today: date, xlsx: Path, html: Path,
    progress: Progress | None = None,
) -> ReportResult:  # fmt: skip
    """Count how each department's reminders went between start and end and write the .xlsx and the page.

    Departments whose 目录 or 台账 cannot be used are not counted: ReportResult.unusable names them.
    """
    refuse_bad_report_paths(settings, start, end, xlsx, html)
    counting = load_counting(settings, today, progress)
    done = read_done(settings, counting)
    reports = supervise(counting, done, start, end).reports
    loop = closing(settings, counting, done, start, end)
    write_report_xlsx(xlsx, reports, start, end, loop)
    write_report_html(html, reports, start, end, today)
    return ReportResult(reports, totals(reports), xlsx, html, counting.unusable, tuple(loop))


def closing(
    settings: Settings, counting: Counting, done: DoneRows, start: date, end: date,
    departments: Collection[str] | None = None,
) -> list[LoopFigures]:  # fmt: skip
    """Return the period's 闭环 figures per department: 闭环率, 联系不上, 全部提醒后过期未续证 (with their lines);
    with departments (a department's own day), only their 登记簿 records are read: only their figures count."""
    refuse_bad_period(start, end)
    c = counting
    if not exists(settings.registry):  # counting never creates a 登记簿
        return count_loop(c.ledger, c.schedule, c.catalogs, done, {}, [], [], start, end)
    with Registry(settings.registry) as registry:
        closures = registry.results_by(CHANNEL, departments)
        if departments is None:
            records = registry.records()
        else:
            records = [r for slug in sorted(departments) for r in registry.records(slug)]
        chosen = [d.slug for d in c.catalogs.departments if departments is None or d.slug in departments]
        tracked = registry.tracked(chosen)
        history = load_history(registry, departments)
    return count_loop(c.ledger, c.schedule, c.catalogs, done, closures, records, tracked, start, end, history)


def sms_states(
    settings: Settings, start: date, end: date, reports: Sequence[DepartmentReport] = ()
) -> list[tuple[str, dict[str, str]]]:
    """Return, per department, its platform SMS made in the period by state: 已送达, 已提交未回执, 失败 (by class),
    未回执 — apart, since only delivered ones count as done. Departments are named as in reports (a department
    left out of the report for broken files keeps its folder name)."""
    names = {r.department.slug: r.department.name for r in reports}
    with SmsOutbox(settings.registry) as outbox:
        found = outbox.tally(start, end)
    shown = []
    for slug, states in found.items():
        waiting = states.get("已提交", 0) + states.get("提交中", 0)
        parts = {"已送达": states.get("已送达", 0), "已提交未回执": waiting, "失败": states.get("失败", 0),
                 "未回执": states.get("未回执", 0), "待发送": states.get("待发送", 0)}  # fmt: skip
        shown.append((names.get(slug, slug), {k: f"{v} 条" for k, v in parts.items() if v}))
    return shown


def report_xlsx(
    period: Supervision, shown: Sequence[DepartmentLines], loop: list[LoopFigures] | None = None
) -> bytes:
    """Return the .xlsx `jiaozao report` writes for the period, with the departments shown (and their 闭环)."""
    with tempfile.TemporaryDirectory(prefix="jiaozao-console-") as scratch:
        path = Path(scratch) / "督促检查.xlsx"
        write_report_xlsx(path, [d.report() for d in shown], period.start, period.end, loop)
        return path.read_bytes()
