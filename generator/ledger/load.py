"""Load 台账 files column by column: every row ends in the ledger or in the problem list, never dropped."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.catalog.model import Catalogs, Department
from generator.ledger.cache import FilePart, file_key, load_part, store_part
from generator.ledger.files import find_ledger_files
from generator.ledger.model import Ledger, LedgerColumns
from generator.ledger.rows import FileReader
from generator.ledger.schema import LEDGER_COLUMNS
from generator.problems import InputError, Problem
from generator.tabular import Table, locate_header, read_sheet

Progress = Callable[[int], None]
_FIELDS = tuple(LedgerColumns.__dataclass_fields__)


def load_ledgers(
    path: Path, catalogs: Catalogs, progress: Progress | None = None
) -> tuple[Ledger, list[Problem]]:
    """Return the ledger rows that can be scheduled and a problem for every row that cannot."""
    files, problems = find_ledger_files(path, catalogs)
    columns, shown_files, file_slugs = LedgerColumns(), list[str](), list[str]()
    rows_read = rejected = 0
    for file, slug in files:
        department = catalogs.department(slug)
        part = _file_part(file, _shown(file), department, catalogs)
        rows_read, rejected = rows_read + part.rows_read, rejected + part.rejected
        problems.extend(part.problems)
        if part.columns.item:
            offset = catalogs.items.index(department.items[0]) if department.items else 0
            _merge(columns, part.columns, offset, len(shown_files))
            shown_files.append(_shown(file))
            file_slugs.append(slug)
        if progress is not None:
            progress(part.rows_read)
    rejected += _drop_cross_file_duplicates(columns, file_slugs, shown_files, problems)
    return Ledger.from_columns(shown_files, columns, rows_read, rejected), problems


def _file_part(file: Path, shown: str, department: Department, catalogs: Catalogs) -> FilePart:
    """Return the file parsed, from the cache when neither it nor its department's 目录 changed."""
    key = file_key(file, shown, department)
    part = load_part(key)
    if part is None:
        part = _parse(file, shown, department, catalogs)
        store_part(key, part)
    return part


def _parse(file: Path, shown: str, department: Department, catalogs: Catalogs) -> FilePart:
    try:
        table = locate_header(read_sheet(file, shown), LEDGER_COLUMNS)
    except InputError as error:
        return FilePart(LedgerColumns(), error.problems)
    if table is None:
        fix = "前 15 行中应有一行表头，至少含“证照持有单位（个人）”和“期满日期”"
        return FilePart(LedgerColumns(), [Problem(shown, "找不到表头行", fix)])
    rows, problems = len(table.data_rows), list[Problem]()
    if _missing_columns(table, shown, problems):
        return FilePart(LedgerColumns(), problems, rows, rows)
    columns = LedgerColumns()
    reader = FileReader(catalogs, department, table, 0, {})
    rejected = reader.read_into(columns)
    offset = catalogs.items.index(department.items[0]) if department.items else 0
    columns.item = [i - offset for i in columns.item]  # kept local: other departments' edits shift offsets
    return FilePart(columns, reader.problems, rows, rejected)


def _merge(columns: LedgerColumns, part: LedgerColumns, offset: int, file_index: int) -> None:
    for name in _FIELDS:
        if name == "item":
            columns.item.extend(i + offset for i in part.item)
        elif name == "file":
            columns.file.extend([file_index] * len(part.item))
        else:
            getattr(columns, name).extend(getattr(part, name))


def _drop_cross_file_duplicates(
    columns: LedgerColumns, slugs: list[str], files: list[str], problems: list[Problem]
) -> int:
    """Report and drop rows repeating a certificate of an earlier file of the same department.

    The same 证照编号 with a different 期满日期 in another file is a renewal (换发新证), not a repeat: the row
    with the earlier expiry is kept but marked as applied for, so it leaves the reminder queue.
    """
    shared = {slug for slug in slugs if slugs.count(slug) > 1}
    if not shared:  # one file per department: nothing to compare across files
        return 0
    seen: dict[tuple[str, str], int] = {}
    drop = []
    for position, (item, number) in enumerate(zip(columns.item, columns.number, strict=True)):
        slug = slugs[columns.file[position]]
        if slug not in shared:
            continue
        key = (slug, number or f"{columns.holder[position]}\x00{item}\x00{columns.expires[position]}")
        first = seen.setdefault(key, position)
        if first == position or columns.file[first] == columns.file[position]:
            continue
        if number and columns.expires[first] != columns.expires[position]:
            older, newer = sorted((first, position), key=lambda i: columns.expires[i])
            columns.applied[older] = True  # renewed: the newer certificate replaces it
            seen[key] = newer
            continue
        where = f"{files[columns.file[first]]} 第 {columns.row[first]} 行"
        what = "证照编号" if number else "持证单位、证照和期满日期"
        fix = f"与 {where} 的{what}相同；如是重复录入请删除一行，如已换发新证请删除旧证记录"
        shown = files[columns.file[position]]
        problems.append(
            Problem(shown, "重复的证照记录", fix, columns.row[position], what, None, number or None)
        )
        drop.append(position)
    if drop:
        keep = set(range(len(columns.item))) - set(drop)
        for name in _FIELDS:
            values = getattr(columns, name)
            setattr(columns, name, [v for i, v in enumerate(values) if i in keep])
    return len(drop)


def _shown(file: Path) -> str:
    """Return a path as staff would type it: relative to the working folder when inside it."""
    try:
        return str(file.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(file)


def _missing_columns(table: Table, shown: str, problems: list[Problem]) -> bool:
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
