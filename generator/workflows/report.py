"""Report (督促检查): load → schedule → the 登记簿's figures per department over a period → .xlsx and staff page.

`jiaozao report` writes the files; the console's supervision page shows the same figures, week by week, with the
reminders and certificates behind each one (`supervise`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from generator.atomic import OutputError
from generator.catalog.model import Catalogs
from generator.config import Settings
from generator.ledger.load import Progress
from generator.ledger.model import Ledger
from generator.pipeline import load_inputs
from generator.problems import PhraseError
from generator.reminders.registry import Registry
from generator.reminders.report import (
    FIGURES,
    Counted,
    DepartmentReport,
    DoneDates,
    count_period,
    done_dates,
    summarize,
)
from generator.reminders.report_files import totals, write_report_html, write_report_xlsx
from generator.schedule import Schedule, compute_schedule
from generator.site.incremental import MANIFEST


@dataclass(frozen=True)
class ReportResult:
    """The figures per department, their totals, and the two files written."""

    reports: list[DepartmentReport]
    totals: dict[str, int]
    xlsx: Path
    html: Path


@dataclass(frozen=True)
class Counting:
    """What a report counts against: the 目录, the 台账 and its schedule as of one day (统计日)."""

    catalogs: Catalogs
    ledger: Ledger
    schedule: Schedule

    @property
    def today(self) -> date:
        return self.schedule.today


@dataclass(frozen=True)
class Week:
    """One week of a period (Monday to Sunday, cut to the period at either end)."""

    start: date
    end: date


@dataclass(frozen=True)
class DepartmentSupervision:
    """One department's figures over a period, week by week, with every line behind them."""

    report: DepartmentReport
    weekly: dict[str, list[int]]  # figure → one count per week of the period
    counted: list[Counted]

    @property
    def slug(self) -> str:
        return self.report.department.slug

    def behind(self, figure: str) -> list[Counted]:
        """Return the lines a figure counts, in date order."""
        return sorted((c for c in self.counted if c.counts_in(figure)), key=lambda c: (c.day, c.holder))


@dataclass(frozen=True)
class Supervision:
    """督促检查 of a period: the figures of `jiaozao report`, per department and week, and what is behind them."""

    start: date
    end: date
    today: date
    weeks: list[Week]
    departments: list[DepartmentSupervision]

    @property
    def reports(self) -> list[DepartmentReport]:
        return [d.report for d in self.departments]


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
    inputs = load_inputs(settings, today, progress)
    schedule = compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, today)
    return Counting(inputs.catalogs, inputs.ledger, schedule)


def read_done(settings: Settings) -> DoneDates:
    """Return the first done date of every reminder in the 登记簿."""
    with Registry(settings.db) as registry:
        return done_dates(registry)


def supervise(counting: Counting, done: DoneDates, start: date, end: date) -> Supervision:
    """Return the period's figures per department and week, and the lines behind each (as `report` counts)."""
    refuse_bad_period(start, end)
    counted = list(count_period(counting.ledger, counting.schedule, counting.catalogs, done, start, end))
    weeks = weeks_of(start, end)
    by_department: dict[str, list[Counted]] = defaultdict(list)
    for c in counted:
        by_department[c.department].append(c)
    departments = []
    for report in summarize(counting.catalogs, counted):
        mine = by_department[report.department.slug]
        departments.append(DepartmentSupervision(report, _weekly(mine, start, len(weeks)), mine))
    return Supervision(start, end, counting.today, weeks, departments)


def report_period(settings: Settings, start: date, end: date, today: date) -> Supervision:
    """Load, schedule and count a period: the figures `jiaozao report` writes, with the lines behind them."""
    refuse_bad_period(start, end)
    return supervise(load_counting(settings, today), read_done(settings), start, end)


def weeks_of(start: date, end: date) -> list[Week]:
    """Return the weeks (Monday to Sunday) that cover start–end, the first and last cut to the period."""
    weeks, monday = [], start - timedelta(start.weekday())
    while monday <= end:
        weeks.append(Week(max(monday, start), min(monday + timedelta(6), end)))
        monday += timedelta(7)
    return weeks


def _weekly(counted: list[Counted], start: date, weeks: int) -> dict[str, list[int]]:
    first_monday = start.toordinal() - start.weekday()
    weekly = {figure: [0] * weeks for figure in FIGURES}
    for c in counted:
        week = (c.day - first_monday) // 7
        for figure in c.figures:
            weekly[figure][week] += 1
    return weekly


def write_report(
    settings: Settings, start: date, end: date, today: date, xlsx: Path, html: Path,
    progress: Progress | None = None,
) -> ReportResult:  # fmt: skip
    """Count how each department's reminders went between start and end and write the .xlsx and the page."""
    refuse_bad_report_paths(settings, start, end, xlsx, html)
    counting = load_counting(settings, today, progress)
    reports = supervise(counting, read_done(settings), start, end).reports
    write_report_xlsx(xlsx, reports, start, end)
    write_report_html(html, reports, start, end, today)
    return ReportResult(reports, totals(reports), xlsx, html)
