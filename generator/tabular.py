"""Spreadsheets as staff save them (.xlsx from Excel/WPS, .csv in UTF-8 or GBK), read into columns."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pandas as pd
from python_calamine import CalamineWorkbook

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
    """One spreadsheet as read: rows of raw cells, rows[i] being Excel row i + 1, all rows the same width."""

    file: str
    name: str | None
    rows: list[list[object]]  # empty cells are ""

    def cell_text(self, row: int, col: int) -> str:
        return cell_text(self.rows[row][col]) if col < len(self.rows[row]) else ""

    def column(self, col: int, rows: Sequence[int]) -> list[object]:
        """Return the raw cells of one column at the given 0-based rows, fast enough for a million rows."""
        table = self.rows
        return [table[r][col] for r in rows]


@dataclass
class Table:
    """A sheet cut at its header row: which schema field sits in which column."""

    sheet: Sheet
    header_row: int  # 0-based index into sheet.rows
    headers: list[str]  # header texts as written
    fields: dict[str, int]  # schema field → 0-based column index
    data_rows: list[int]  # 0-based indices of data rows below the header (blank and note rows left out)

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
    raise InputError(
        [_file_problem(shown_as, f"不支持的文件类型“{path.suffix}”", "请另存为 .xlsx 或 .csv 文件")]
    )


def _read_excel(path: Path, shown_as: str) -> Sheet:
    try:
        return _read_with_calamine(path, shown_as)
    except Exception as error:  # calamine raises its own, undocumented types
        failure: Exception = error
    # openpyxl, through pandas, still reads a few files calamine refuses.
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            name = str(book.sheet_names[0])
            frame = pd.read_excel(book, sheet_name=name, header=None, dtype=object).fillna("")
        return Sheet(shown_as, name, frame.to_numpy(dtype=object).tolist())
    except Exception:
        reason = type(failure).__name__
        fix = "请用 Excel 或 WPS 打开后另存为 .xlsx 再试"
        raise InputError([_file_problem(shown_as, f"无法读取该表格文件（{reason}）", fix)]) from failure


def _read_with_calamine(path: Path, shown_as: str) -> Sheet:
    """Read the first sheet with python-calamine itself.

    pandas' calamine engine converts every cell once more in Python and holds two copies: for a million-row
    台账 that took 26 s and 2.1 GB here, against the targets of 20 s and 2 GB for the whole run.
    """
    book = CalamineWorkbook.from_path(str(path))
    name = str(book.sheet_names[0])
    rows = cast(list[list[object]], book.get_sheet_by_index(0).to_python(skip_empty_area=False))
    width = max((len(r) for r in rows), default=0)
    return Sheet(shown_as, name, [r if len(r) == width else [*r, *[""] * (width - len(r))] for r in rows])


def _read_csv_rows(path: Path, shown_as: str) -> list[list[object]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(
            [
                _file_problem(
                    shown_as, "文件编码无法识别", "请在 Excel/WPS 中另存为“CSV UTF-8”或 GBK 编码的 CSV"
                )
            ]
        )
    rows = list(csv.reader(io.StringIO(text, newline="")))
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        if len(r) < width:  # pad short rows in place; a million full rows are left alone
            r.extend([""] * (width - len(r)))
    return cast(list[list[object]], rows)


def locate_header(sheet: Sheet, schema: Sequence[Column]) -> Table | None:
    """Return the table under the first row that names at least two schema columns, or None."""
    for index, row in enumerate(sheet.rows[:_HEADER_SCAN_ROWS]):
        headers = [cell_text(v) for v in row]
        fields = _match_fields(headers, schema)
        if len(fields) >= 2:
            return Table(sheet, index, headers, fields, _data_rows(sheet.rows, index, fields.get("seq")))
    return None


def _data_rows(rows: list[list[object]], header: int, seq: int | None) -> list[int]:
    """Return rows below the header holding data: not blank, not just a 序号, not a lone 注/说明 note line."""
    found = []
    for index in range(header + 1, len(rows)):
        row = rows[index]
        if not any(row) and not any(v == 0 for v in row if v is not None and v is not False):
            continue  # blank ("" everywhere; a 0 is data)
        sparse = len(row) < 3 or (not (row[0] and row[1] and row[2]) and sum(map(bool, row)) < 3)
        filled = [i for i, v in enumerate(row) if cell_text(v)] if sparse else None
        if filled is not None and (filled in ([], [seq]) or _is_note(row, filled)):
            continue
        found.append(index)
    return found


def _is_note(row: list[object], filled: list[int]) -> bool:
    return len(filled) == 1 and cell_text(row[filled[0]]).startswith(_NOTE_MARKS)


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


def _file_problem(shown_as: str, message: str, fix: str) -> Problem:
    return Problem(file=shown_as, message=message, fix=fix)
