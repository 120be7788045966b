"""Load 台账 files column by column: every row ends in the ledger or in the problem list, never dropped."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.catalog.model import Catalogs
from generator.ledger.files import find_ledger_files
from generator.ledger.model import Ledger, LedgerColumns
from generator.ledger.rows import FileReader
from generator.ledger.schema import LEDGER_COLUMNS
from generator.problems import InputError, Problem
from generator.tabular import Table, locate_header, read_sheet

Progress = Callable[[int], None]


def load_ledgers(
    path: Path, catalogs: Catalogs, progress: Progress | None = None
) -> tuple[Ledger, list[Problem]]:
    """Return the ledger rows that can be scheduled and a problem for every row that cannot."""
    files, problems = find_ledger_files(path, catalogs)
    columns, shown_files = LedgerColumns(), list[str]()
    rows_read = rejected = 0
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for file, slug in files:
        shown = _shown(file)
        try:
            table = locate_header(read_sheet(file, shown), LEDGER_COLUMNS)
        except InputError as error:
            problems.extend(error.problems)
            continue
        rows = len(table.data_rows) if table else 0
        rows_read += rows
        if table is None or _missing_columns(table, shown, problems):
            rejected += rows
        else:
            reader = FileReader(catalogs, catalogs.department(slug), table, len(shown_files), seen)
            shown_files.append(shown)
            rejected += reader.read_into(columns)
            problems.extend(reader.problems)
        if progress is not None:
            progress(rows)
    return Ledger.from_columns(shown_files, columns, rows_read, rejected), problems


def _shown(file: Path) -> str:
    """Return a path as staff would type it: relative to the working folder when inside it."""
    try:
        return str(file.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(file)


def _missing_columns(table: Table | None, shown: str, problems: list[Problem]) -> bool:
    if table is None:
        problems.append(
            Problem(shown, "找不到表头行", "前 15 行中应有一行表头，至少含“证照持有单位（个人）”和“期满日期”")
        )
        return True
    missing = [c for c in LEDGER_COLUMNS if c.required and c.field not in table.fields]
    if "certificate" not in table.fields and "matter" not in table.fields:
        missing.append(next(c for c in LEDGER_COLUMNS if c.field == "certificate"))
    for column in missing:
        synonyms = "、".join((column.label, *column.synonyms[:4]))
        message = f"缺少“{column.label}”列，本文件 {len(table.data_rows)} 行数据都无法处理"
        problems.append(
            Problem(shown, message, f"请在表头加上该列，列名可以是：{synonyms}", table.header_row + 1)
        )
    return bool(missing)
