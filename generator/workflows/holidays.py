"""The holidays workflows: import a notice (read → check → merge → measure → write), and list each year's source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from generator.config import Settings
from generator.holidays.apply import Merge, merge, resolve
from generator.holidays.notice import Notice, parse_notice
from generator.holidays.report import Impact, arrangement_table, measure_impact, year_sources
from generator.holidays.report import YearSource as YearSource
from generator.holidays.report import change_lines as change_lines
from generator.holidays.report import estimated_next_year as estimated_next_year
from generator.holidays.report import impact_lines as impact_lines
from generator.holidays.report import notice_title as notice_title
from generator.holidays.rows import (
    SOURCES_FILE,
    HolidayRow,
    Source,
    read_rows,
    read_sources,
    write_rows,
    write_sources,
)
from generator.holidays.text import EMPTY_FIX, read_notice_text
from generator.pipeline import load_inputs
from generator.problems import InputError, Problem
from generator.workdays import WorkdayCalendar
from portal.rules.china import china_timestamp


@dataclass(frozen=True)
class ImportResult:
    """What an import read, what it changes, and whether it wrote holidays.csv."""

    notice: Notice
    table: list[tuple[str, str, str, str]]
    merge: Merge
    impact: Impact | None  # None when the 目录 cannot be loaded
    impact_note: str  # why there is no impact, when there is none
    cleared_years: list[int]  # years estimated before the import and official after it
    written: bool


def import_notice(source: str, settings: Settings, today: date, *, dry_run: bool) -> ImportResult:
    """Read a notice (a file, or '-' for standard input) and merge it into DIR/holidays.csv."""
    text, shown = read_notice_text(source)
    return import_notice_text(text, shown, settings, today, dry_run=dry_run)


def import_notice_text(
    text: str, shown: str, settings: Settings, today: date, *, dry_run: bool
) -> ImportResult:
    """Merge a notice's text (pasted into the console, or read from a file) into DIR/holidays.csv."""
    if not text.strip():
        raise InputError([Problem(shown, "文件是空的", EMPTY_FIX)])
    notice = parse_notice(text, shown)
    existing = read_rows(settings.holidays)
    sources_path = settings.holidays.parent / SOURCES_FILE
    sources = read_sources(sources_path)
    old = WorkdayCalendar.build(_supplement(existing))
    days = resolve(notice, existing, old, shown)
    merged = merge(existing, notice, days, sources)
    new = WorkdayCalendar.build(_supplement(merged.rows))
    impact, note = _impact(settings, today, old, new)
    mid_year = [date(year, 7, 1) for year in sorted(notice.years)]
    cleared = [d.year for d in mid_year if old.is_estimated(d) and not new.is_estimated(d)]
    recorded = any(s.ref == notice.ref for s in sources)
    written = not dry_run and not (merged.unchanged and recorded)
    if written:
        write_rows(settings.holidays, merged.rows)
        imported_at = china_timestamp(minutes=True)
        kept = [s for s in sources if s.ref != notice.ref]
        write_sources(
            sources_path, [*kept, Source(notice.ref, notice.year, notice.issued, imported_at, notice.change)]
        )
    table = arrangement_table(notice, days)
    return ImportResult(notice, table, merged, impact, note, cleared, written)


def list_year_sources(settings: Settings, today: date) -> list[YearSource]:
    """Return where each year from 2004 to next year comes from."""
    rows = read_rows(settings.holidays)
    sources = read_sources(settings.holidays.parent / SOURCES_FILE)
    calendar = WorkdayCalendar.build(_supplement(rows))
    return year_sources(today.year + 1, calendar, rows, sources)


def _supplement(rows: list[HolidayRow]) -> dict[date, bool]:
    return {row.day: row.work for row in rows}


def _impact(
    settings: Settings, today: date, old: WorkdayCalendar, new: WorkdayCalendar
) -> tuple[Impact | None, str]:
    try:
        inputs = load_inputs(settings, today)
    except InputError as error:
        return (
            None,
            f"目录或台账有 {len(error.problems)} 个问题，未能计算对提醒日期的影响（运行 jiaozao check 查看）",
        )
    return measure_impact(inputs.ledger, inputs.catalogs, today, old, new), ""
