"""Every .xlsx and .csv Jiaozao writes keeps staff text as text: never a formula (OWASP's CSV injection).

In an .xlsx, a str is stored as a string cell whatever it starts with (openpyxl would make "=…" a formula and
"#N/A" an error). In a CSV, a field a spreadsheet would evaluate (starting with = + - @ tab or CR) gets a
leading ' — the OWASP advice; reading one of our own CSV files back removes it again (csv_original).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _needs_quote(text: str) -> bool:
    if text.startswith(_QUOTE):  # keep "'=x" itself round-trippable: it gets a second quote
        return _needs_quote(text[1:])
    return text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text)


def csv_field(value: object) -> object:
    """Return a value as written into a CSV field: None empty, risky text behind a ', numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and _needs_quote(value):
        return _QUOTE + value
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    """Return a row with every field made safe by csv_field."""
    return [csv_field(v) for v in values]


def csv_original(text: str) -> str:
    """Return a field of one of our own CSV files as it was before csv_field."""
    if text.startswith(_QUOTE) and _needs_quote(text[1:]):
        return text[1:]
    return text


def _text(value: str) -> str:
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))  # characters an .xlsx cannot hold at all (\x00, \x07 …)


def append_row(sheet: Worksheet | WriteOnlyWorksheet, values: Sequence[Any]) -> None:
    """Append a row to an openpyxl sheet (normal or write-only); every str is stored as text, never a formula."""
    if isinstance(sheet, WriteOnlyWorksheet):
        cells = []
        for value in values:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, _text(value))
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
        return
    sheet.append([_text(v) if isinstance(v, str) else v for v in values])
    row = sheet._current_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            sheet.cell(row, column).data_type = "s"
