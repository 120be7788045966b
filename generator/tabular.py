"""Spreadsheets as staff save them (.xlsx from Excel/WPS, .csv in UTF-8 or GBK), read into columns."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from generator.problems import InputError, Problem

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
_HEADER_SCAN_ROWS = 15
_NOTE_MARKS = ("注", "说明", "填表说明", "备注：")


@dataclass(frozen=True)
class Column:
    """One column of a spreadsheet schema, with the header texts staff actually use for it."""

    field: str
    label: str
    synonyms: tuple[str, ...]
    required: bool = False
    help: str = ""

    def matches(self, header: str) -> bool:
        return normalize_header(header) in {normalize_header(s) for s in (self.label, *self.synonyms)}


@dataclass
class Sheet:
    """The rows of one spreadsheet as read, each cell as Excel or the CSV gave it."""

    file: str
    name: str | None
    rows: list[list[object]]  # rows[i] is Excel row i + 1

    def cell_text(self, row: int, col: int) -> str:
        return cell_text(self.rows[row][col]) if col < len(self.rows[row]) else ""


@dataclass
class Table:
    """A sheet cut at its header row: which schema field sits in which column."""

    sheet: Sheet
    header_row: int  # 0-based index into sheet.rows
    headers: list[str]  # header texts as written
    fields: dict[str, int]  # schema field → 0-based column index
    data_rows: list[int]  # 0-based indices of non-empty rows below the header

    def column_header(self, field: str) -> str:
        return self.headers[self.fields[field]]


def normalize_header(text: str) -> str:
    """Return a header text reduced to what matters (full-width, spaces, line breaks and * marks ignored)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "*＊:：").lower()


def cell_text(value: object) -> str:
    """Return a cell's text as a person reads it ('' for empty)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value).strip()


def read_sheet(path: Path, shown_as: str) -> Sheet:
    """Return the first sheet of an .xlsx/.csv file; unreadable files raise InputError with the fix."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return Sheet(shown_as, None, _read_csv_rows(path, shown_as))
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return _read_excel(path, shown_as)
    raise InputError([_file_problem(shown_as, f"不支持的文件类型“{path.suffix}”", "请另存为 .xlsx 或 .csv 文件")])


def _read_excel(path: Path, shown_as: str) -> Sheet:
    failure: Exception | None = None
    # calamine is ~7x faster; openpyxl still reads a few files calamine refuses.
    for engine in ("calamine", "openpyxl"):
        try:
            with pd.ExcelFile(path, engine=engine) as book:
                name = str(book.sheet_names[0])
                frame = book.parse(name, header=None, dtype=object)
            break
        except Exception as error:  # both engines raise their own, undocumented types
            failure = error
    else:
        reason = type(failure).__name__
        fix = "请用 Excel 或 WPS 打开后另存为 .xlsx 再试"
        raise InputError([_file_problem(shown_as, f"无法读取该表格文件（{reason}）", fix)]) from failure
    rows = [[_plain(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return Sheet(shown_as, name, rows)


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _read_csv_rows(path: Path, shown_as: str) -> list[list[object]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError([_file_problem(shown_as, "文件编码无法识别", "请在 Excel/WPS 中另存为“CSV UTF-8”或 GBK 编码的 CSV")])
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]


def locate_header(sheet: Sheet, schema: Sequence[Column]) -> Table | None:
    """Return the table under the first row that names at least two schema columns, or None."""
    for index, row in enumerate(sheet.rows[:_HEADER_SCAN_ROWS]):
        headers = [cell_text(v) for v in row]
        fields = _match_fields(headers, schema)
        if len(fields) >= 2:
            data = [i for i in range(index + 1, len(sheet.rows)) if _has_data(sheet.rows[i], fields)]
            return Table(sheet, index, headers, fields, data)
    return None


def _match_fields(headers: list[str], schema: Sequence[Column]) -> dict[str, int]:
    fields: dict[str, int] = {}
    for col_index, header in enumerate(headers):
        if not header:
            continue
        for column in schema:
            if column.field not in fields and column.matches(header):
                fields[column.field] = col_index
                break
    return fields


def _has_data(row: list[object], fields: dict[str, int]) -> bool:
    """Return whether a row holds data: not blank, not just a 序号, not a lone 注/说明 note line."""
    seq = fields.get("seq")
    filled = [(i, cell_text(v)) for i, v in enumerate(row) if cell_text(v)]
    if len(filled) == 1 and filled[0][1].startswith(_NOTE_MARKS):
        return False
    return any(i != seq for i, _ in filled)


def _file_problem(shown_as: str, message: str, fix: str) -> Problem:
    return Problem(file=shown_as, message=message, fix=fix)
