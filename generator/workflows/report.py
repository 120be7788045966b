"""Report (督促检查): load → schedule → the 登记簿's figures per department over a period → .xlsx and staff page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.atomic import OutputError
from generator.config import Settings
from generator.ledger.load import Progress
from generator.pipeline import load_inputs
from generator.problems import PhraseError
from generator.reminders.registry import Registry
from generator.reminders.report import DepartmentReport, build_report
from generator.reminders.report_files import totals, write_report_html, write_report_xlsx
from generator.schedule import compute_schedule
from generator.site.incremental import MANIFEST


@dataclass(frozen=True)
class ReportResult:
    """The figures per department, their totals, and the two files written."""

    reports: list[DepartmentReport]
    totals: dict[str, int]
    xlsx: Path
    html: Path


def default_report_path(settings: Settings, start: date, end: date) -> Path:
    return settings.out / "staff" / f"督促检查-{start.isoformat()}-{end.isoformat()}.xlsx"


def refuse_bad_report_paths(settings: Settings, start: date, end: date, xlsx: Path, html: Path) -> None:
    """Refuse a reversed period, a non-.xlsx name, or a report inside the public site, before reading data."""
    if start > end:
        raise PhraseError(f"--from {start} 晚于 --to {end}", "请把开始日期写在前面")
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


def write_report(
    settings: Settings, start: date, end: date, today: date, xlsx: Path, html: Path,
    progress: Progress | None = None,
) -> ReportResult:  # fmt: skip
    """Count how each department's reminders went between start and end and write the .xlsx and the page."""
    refuse_bad_report_paths(settings, start, end, xlsx, html)
    inputs = load_inputs(settings, today, progress)
    schedule = compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, today)
    with Registry(settings.db) as registry:
        reports = build_report(inputs.ledger, schedule, inputs.catalogs, registry, start, end)
    write_report_xlsx(xlsx, reports, start, end)
    write_report_html(html, reports, start, end, today)
    return ReportResult(reports, totals(reports), xlsx, html)
