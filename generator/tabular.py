"""Spreadsheets as staff save them (.xlsx from Excel/WPS, .csv in UTF-8 or GBK), read into columns."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import openpyxl
from python_calamine import CalamineWorkbook, SheetTypeEnum

from generator.active_content import FIX as ACTIVE_FIX
from generator.active_content import active_content
from generator.problems import InputError, Level, Problem
from generator.xlsx_extent import bounded_source
from portal.rules.text import clean_text, decode_text, drop_invisible, has_invisible

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
_HEADER_SCAN_ROWS = 15
_NOTE_MARKS = ("注", "说明", "填表说明", "备注：")
_CSV_CELLS = 4_000_000  # a CSV padded to its widest row may hold this many cells, or one per character
_CSV_SPARE_COLUMNS = 64


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
    problems: list[Problem] = field(
        default_factory=list
    )  # found while reading; an error names a row not read

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
    first_header_row: int = -1  # where a two-row header (merged group names above) starts; -1: header_row

    def column_header(self, field: str) -> str:
        return self.headers[self.fields[field]]

    def problem(self, row: int, field: str, message: str, fix: str, level: Level = Level.ERROR) -> Problem:
        """Return a problem at a cell, located as staff find it in Excel (row: 0-based index into the sheet).

        The value shown is the cell's text, cleaned of invisible characters (a problem list is a spreadsheet too).
        """
        col = self.fields.get(field)
        header = self.headers[col] if col is not None else None
        value = self.sheet.cell_text(row, col) if col is not None else None
        if value is not None and has_invisible(value):
            value = clean_text(value)[0]
        return Problem(self.sheet.file, message, fix, row + 1, header, col, value, self.sheet.name, level)


def normalize_header(text: str) -> str:
    """Return a header text reduced to what matters (full-width, spaces, line breaks and * marks ignored)."""
    text = unicodedata.normalize("NFKC", drop_invisible(text) if has_invisible(text) else text)
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
    return read_sheets(path, shown_as)[0]


def read_sheets(path: Path, shown_as: str) -> list[Sheet]:
    """Return every worksheet of an .xlsx/.csv file (a CSV has one); unreadable files raise InputError."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [_read_csv(path, shown_as)]
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return _read_excel(path, shown_as)
    raise InputError(
        [_file_problem(shown_as, f"不支持的文件类型“{path.suffix}”", "请另存为 .xlsx 或 .csv 文件")]
    )


def _read_excel(path: Path, shown_as: str) -> list[Sheet]:
    _refuse_active(path, shown_as)
    source, problems = bounded_source(path, shown_as) if path.suffix.lower() != ".xls" else (path, [])
    try:
        sheets = _read_with_calamine(source, shown_as)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # calamine's own, undocumented types; a Rust panic is a BaseException
        failure: BaseException = error
        try:
            sheets = _read_with_openpyxl(source, shown_as)  # still reads a few files calamine refuses
        except Exception:
            reason = type(failure).__name__
            fix = "请用 Excel 或 WPS 打开后另存为 .xlsx 再试"
            raise InputError([_file_problem(shown_as, f"无法读取该表格文件（{reason}）", fix)]) from failure
    if not sheets:
        raise InputError(
            [_file_problem(shown_as, "文件中没有工作表", "请用 Excel 或 WPS 打开后另存为 .xlsx 再试")]
        )
    for problem in problems:  # far cells left out: told on the sheet they were in
        next((s for s in sheets if s.name == problem.sheet), sheets[0]).problems.append(problem)
    return sheets


def _refuse_active(path: Path, shown_as: str) -> None:
    """Refuse a workbook with macros, external links or DDE/web formulas before any cell is read."""
    try:
        with zipfile.ZipFile(path) as book:
            found = active_content(book)
    except (
        OSError,
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        ValueError,
        NotImplementedError,
    ):
        return  # not a zip (.xls) or damaged: the reader says it cannot read it
    if found:
        message = f"文件含有{'、'.join(found)}，为安全起见不予读取"
        raise InputError([_file_problem(shown_as, message, ACTIVE_FIX)])


def _read_with_calamine(source: Path | io.BytesIO, shown_as: str) -> list[Sheet]:
    """Read every worksheet with python-calamine itself.

    pandas' calamine engine converts every cell once more in Python and holds two copies: for a million-row
    台账 that took 26 s and 2.1 GB here, against the targets of 20 s and 2 GB for the whole run.
    """
    if isinstance(source, Path):
        book = CalamineWorkbook.from_path(str(source))
    else:
        book = CalamineWorkbook.from_filelike(source)
    sheets = []
    for index, meta in enumerate(book.sheets_metadata):
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue  # chart and macro sheets hold no rows
        rows = cast(list[list[object]], book.get_sheet_by_index(index).to_python(skip_empty_area=False))
        width = max((len(r) for r in rows), default=0)
        padded = [r if len(r) == width else [*r, *[""] * (width - len(r))] for r in rows]
        sheets.append(Sheet(shown_as, _plain(str(meta.name)), padded))
    return sheets


def _read_with_openpyxl(source: Path | io.BytesIO, shown_as: str) -> list[Sheet]:
    if isinstance(source, io.BytesIO):
        source.seek(0)
    book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    try:
        sheets = []
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # rows as stored, not padded to a dimension the file may exaggerate
            rows: list[list[object]] = []
            for values in sheet.iter_rows(values_only=True):
                row = ["" if v is None else v for v in values]
                while row and row[-1] == "":
                    row.pop()
                rows.append(row)
            while rows and not rows[-1]:
                rows.pop()
            width = max((len(r) for r in rows), default=0)
            sheets.append(
                Sheet(shown_as, _plain(sheet.title), [[*r, *[""] * (width - len(r))] for r in rows])
            )
        return sheets
    finally:
        book.close()


def _read_csv(path: Path, shown_as: str) -> Sheet:
    text = decode_text(path.read_bytes())
    if text is None:
        raise InputError(
            [
                _file_problem(
                    shown_as, "文件编码无法识别", "请在 Excel/WPS 中另存为“CSV UTF-8”或 GBK 编码的 CSV"
                )
            ]
        )
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if all(len(r) <= 1 for r in rows[:50]):  # one column: saved with tabs or semicolons between fields?
        delimiter = next((d for d in "\t;" if d in text[:4096]), ",")
        rows = (
            list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)) if delimiter != "," else rows
        )
    problems: list[Problem] = []
    if (text.count("\n") or text.count("\r")) > len(rows):  # some cells span lines: was a quote left open?
        widths = Counter(len(r) for r in rows if len(r) > 1)
        width = widths.most_common(1)[0][0] if widths else 2
        rows, problems = _parse_csv_by_line(text, shown_as, max(2, width - 2))
    width = max((len(r) for r in rows), default=0)
    if len(rows) * width > max(_CSV_CELLS, len(text)):  # padded, it would not fit in memory
        width = _cut_far_fields(rows, shown_as, problems)
    for r in rows:
        if len(r) < width:  # pad short rows in place; a million full rows are left alone
            r.extend([""] * (width - len(r)))
    return Sheet(shown_as, None, cast(list[list[object]], rows), problems)


def _cut_far_fields(rows: list[list[str]], shown_as: str, problems: list[Problem]) -> int:
    """Return the width rows are cut to: trailing empty fields dropped, far filled ones named and left out."""
    common = Counter(len(r) for r in rows).most_common(1)[0][0]
    width, far = common + _CSV_SPARE_COLUMNS, 0
    for index, row in enumerate(rows):
        while len(row) > width and not row[-1].strip():
            row.pop()
        if len(row) > width:
            far += 1
            if far <= 5:
                message = (
                    f"这一行有 {len(row)} 个字段，远多于其他行的 {common} 个，第 {width + 1} 个以后的已忽略"
                )
                fix = "多余的逗号或字段多来自粘贴错误；请删除这一行末尾多余的内容后另存"
                problems.append(Problem(shown_as, message, fix, index + 1, level=Level.WARNING))
            del row[width:]
    return max((len(r) for r in rows), default=0)


class _Lines:
    """Lines fed to csv.reader one at a time, so reading can start again from an earlier line."""

    def __init__(self, text: str):
        self.lines = io.StringIO(text, newline="").readlines()
        self.at = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.at >= len(self.lines):
            raise StopIteration
        self.at += 1
        return self.lines[self.at - 1]


def _parse_csv_by_line(text: str, shown_as: str, commas: int) -> tuple[list[list[str]], list[Problem]]:
    """Return the rows, a stray " that swallowed the lines after it being an error row of its own.

    An unbalanced quote makes the rest of the file one cell; its line is read as written (no quoting) and
    reported, and reading starts again on the next line, so every later row is still read and counted.
    """
    source = _Lines(text)
    rows: list[list[str]] = []
    problems: list[Problem] = []
    start = 0
    for record in csv.reader(source):
        if source.at - start > 1 and _is_runaway(record, commas):
            swallowed = source.at - start - 1
            rows.append(next(csv.reader([source.lines[start]], quoting=csv.QUOTE_NONE)))
            line = f"（文本第 {start + 1} 行）" if start + 1 != len(rows) else ""
            message = (
                f"这一行{line}有不成对的英文双引号，会把后面 {swallowed} 行读成一个单元格；"
                "本行不予处理，后面的行照常读取"
            )
            fix = '请删掉多余的 "，或把单元格里的 " 写成 ""（两个双引号），改正后另存'
            problems.append(Problem(shown_as, message, fix, len(rows)))
            source.at = start + 1
        else:
            rows.append(record)
        start = source.at
    return rows, problems


def _is_runaway(record: list[str], commas: int) -> bool:
    """Return whether a cell holds what reads as whole CSV rows (a quote left open swallowed them).

    A note typed over several lines rarely has a line with nearly a row's worth of ASCII commas.
    """
    for cell in record:
        if "\n" in cell and any(line.count(",") >= commas for line in cell.split("\n")[1:]):
            return True
    return False


def invisible_cells(cells: list[object]) -> list[int]:
    """Return the positions of text cells holding control or format characters (fast when none do)."""
    try:
        if all(map(str.isprintable, cast(list[str], cells))):  # a column of text, all of it plain
            return []
    except TypeError:  # numbers or dates among the cells
        if not has_invisible("".join([v for v in cells if v.__class__ is str])):
            return []
    return [i for i, v in enumerate(cells) if isinstance(v, str) and has_invisible(v)]


def locate_header(sheet: Sheet, schema: Sequence[Column]) -> Table | None:
    """Return the table under the first row that names at least two schema columns, or None."""
    for index, row in enumerate(sheet.rows[:_HEADER_SCAN_ROWS]):
        headers = [_plain(cell_text(v)) for v in row]
        fields = _match_fields(headers, schema)
        if len(fields) >= 2:
            first, last, headers = _two_row_header(sheet.rows, index, headers, fields, schema)
            fields = _match_fields(headers, schema)
            data = _data_rows(sheet.rows, last, fields.get("seq"))
            return Table(sheet, last, headers, fields, data, first)
    return None


def _two_row_header(
    rows: list[list[object]], index: int, headers: list[str], fields: dict[str, int], schema: Sequence[Column]
) -> tuple[int, int, list[str]]:
    """Return the first and last header rows and the header texts, a merged group row (联系人信息 over
    联系人 | 联系方式) joined with the row of column names under or above it."""
    if index + 1 < len(rows):
        below = [_plain(cell_text(v)) for v in rows[index + 1]]
        if _continues(below, headers, fields, schema):
            return index, index + 1, [b or h for h, b in zip(headers, below, strict=True)]
    if index > 0:
        above = [_plain(cell_text(v)) for v in rows[index - 1]]
        added = {f: c for f, c in _match_fields(above, schema).items() if not headers[c] and f not in fields}
        if added:
            return (
                index - 1,
                index,
                [
                    h or (a if c in added.values() else "")
                    for c, (h, a) in enumerate(zip(headers, above, strict=True))
                ],
            )
    return index, index, headers


def _continues(
    below: list[str], headers: list[str], fields: dict[str, int], schema: Sequence[Column]
) -> bool:
    """Return whether the row under a header holds more column names, not data: where the header row named a
    column, the row below is empty (a cell merged down) or names a column too (a group split in two)."""
    below_fields = _match_fields(below, schema)
    if not below_fields or not set(below_fields).difference(fields):
        return False
    named = set(below_fields.values())
    return all(not below[c] or c in named for c in fields.values())


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


def _plain(text: str) -> str:
    """Return a header or sheet name as one line without control or format characters."""
    return clean_text(text)[0] if has_invisible(text) else text


def _file_problem(shown_as: str, message: str, fix: str) -> Problem:
    return Problem(file=shown_as, message=message, fix=fix)
