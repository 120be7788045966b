"""holidays.csv (日期,类型,说明) and its sidecar holidays-sources.csv (which notice, when imported)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.atomic import replacing
from generator.problems import InputError
from generator.tabular import cell_text, locate_header, read_sheet
from generator.workdays import HOLIDAY_COLUMNS, load_holiday_supplement, parse_cell_date

SOURCES_FILE = "holidays-sources.csv"
_HEADER = ("日期", "类型", "说明")
_SOURCES_HEADER = ("通知", "年份", "发布日期", "导入时间", "类别")
_CHANGE = "年内调整"
_IMPORTED_NOTE = re.compile(r"^(?P<name>.+)（(?P<ref>[^（）]*(?:〔\d{4}〕\d+号|通知))）$")


@dataclass(frozen=True)
class HolidayRow:
    """One row of holidays.csv: a rest day (休) or a make-up working day (班)."""

    day: date
    work: bool
    note: str

    @property
    def imported(self) -> tuple[set[str], str] | None:
        """Return (holiday names, notice) when an import wrote this row, None for staff's own rows."""
        found = _IMPORTED_NOTE.match(self.note)
        return None if found is None else (set(found.group("name").split("、")), found.group("ref"))


@dataclass(frozen=True)
class Source:
    """An imported notice, as holidays-sources.csv records it."""

    ref: str
    year: int
    issued: date | None
    imported_at: str
    change: bool = False  # an in-year change (调整), applied over the year's arrangement


def notice_order(issued: date | None, year: int, change: bool) -> date:
    """Return when a notice was issued, or when it would have been: a year's notice the December before."""
    if issued is not None:
        return issued
    return date(year, 12, 31) if change else date(year - 1, 12, 31)


def read_rows(path: Path) -> list[HolidayRow]:
    """Return the rows of holidays.csv in file order; a file with problems raises InputError."""
    supplement, problems = load_holiday_supplement(path)
    if problems:
        raise InputError(problems)
    if not path.exists():
        return []
    table = locate_header(read_sheet(path, path.name), HOLIDAY_COLUMNS)
    if table is None:
        return []
    rows = []
    for row in table.data_rows:
        day = parse_cell_date(table.sheet.rows[row][table.fields["day"]])
        note = table.sheet.cell_text(row, table.fields["note"]) if "note" in table.fields else ""
        if day is not None:
            rows.append(HolidayRow(day, supplement[day], note))
    return rows


def write_rows(path: Path, rows: list[HolidayRow]) -> None:
    """Write holidays.csv whole (UTF-8 with BOM, by date), or leave it as it was."""
    lines = [_HEADER, *((r.day.isoformat(), "班" if r.work else "休", _safe(r.note)) for r in rows)]
    _write_csv(path, lines)


def read_sources(path: Path) -> list[Source]:
    """Return the notices recorded as imported; a missing or unreadable sidecar records none."""
    if not path.exists():
        return []
    sheet = read_sheet(path, path.name)
    sources = []
    for row in sheet.rows[1:]:
        cells = [cell_text(v) for v in row] + [""] * 5
        if cells[0] and cells[1].isdigit():
            issued = parse_cell_date(cells[2])
            sources.append(Source(cells[0], int(cells[1]), issued, cells[3], cells[4] == _CHANGE))
    return sources


def write_sources(path: Path, sources: list[Source]) -> None:
    lines = [_SOURCES_HEADER]
    lines += [
        (
            s.ref,
            str(s.year),
            s.issued.isoformat() if s.issued else "",
            s.imported_at,
            _CHANGE if s.change else "放假安排",
        )
        for s in sources
    ]
    _write_csv(path, lines)


def _write_csv(path: Path, lines: Sequence[Sequence[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(lines)
    with replacing(path) as temp:
        temp.write_text(buffer.getvalue(), encoding="utf-8-sig")


def _safe(note: str) -> str:
    """Return a note that a spreadsheet shows as text, never runs as a formula."""
    return "'" + note if note[:1] in ("=", "+", "-", "@") else note
