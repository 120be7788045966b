"""Load 台账 files column by column: every row ends in the ledger or in the problem list, never dropped."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from generator.catalog.model import Catalogs, Department
from generator.ledger.cache import FilePart, file_key, load_part, store_part
from generator.ledger.files import find_ledger_files
from generator.ledger.model import Ledger, LedgerColumns
from generator.ledger.rows import FileReader
from generator.ledger.schema import LEDGER_COLUMNS
from generator.problems import InputError, Level, Problem
from generator.tabular import Sheet, Table, locate_header, read_sheets

Progress = Callable[[int], None]
_FIELDS = tuple(LedgerColumns.__dataclass_fields__)


def load_ledgers(
    path: Path, catalogs: Catalogs, progress: Progress | None = None, cache: Path | None = None
) -> tuple[Ledger, list[Problem]]:
    """Return the ledger rows that can be scheduled and a problem for every row that cannot.

    With a cache folder, a file whose bytes and 目录 did not change since it was last parsed is not read again.
    """
    loaded = load_ledgers_apart(path, catalogs, progress, cache)
    return loaded.ledger, loaded.problems


@dataclass(frozen=True)
class LedgersApart:
    """The 台账 rows read, every problem, and the departments with a 台账 file of which no row could be used."""

    ledger: Ledger
    problems: list[Problem]
    unread: dict[str, list[Problem]]  # slug → the errors of its files that gave no usable row


def load_ledgers_apart(
    path: Path, catalogs: Catalogs, progress: Progress | None = None, cache: Path | None = None,
    left_out: Collection[str] = (),
    only: str | None = None,
) -> LedgersApart:  # fmt: skip
    """Return what load_ledgers returns, and which departments have a 台账 file that could not be used at all.

    Files of the departments left_out (their 目录 could not be read) are named, not read. With only (a
    department's slug), only that department's files are read and only its problems said.
    """
    files, problems = find_ledger_files(path, catalogs, left_out)
    if only is not None:  # what the other files hold, or lack, is not this department's to hear
        files, problems = [(f, s) for f, s in files if s == only], []
    columns, shown_files, file_slugs = LedgerColumns(), list[str](), list[str]()
    rows_read = rejected = 0
    rows_of = dict.fromkeys(catalogs.slugs if only is None else [only], 0)
    unread: dict[str, list[Problem]] = {}
    for file, slug in files:
        department = catalogs.department(slug)
        part = _file_part(file, shown_path(file), department, catalogs, cache)
        rows_read, rejected = rows_read + part.rows_read, rejected + part.rejected
        rows_of[slug] += part.rows_read
        problems.extend(part.problems)
        errors = [p for p in part.problems if p.level is Level.ERROR]
        if errors and not part.columns.item:  # unreadable, no header, or not one usable row
            unread.setdefault(slug, []).extend(errors)
        if part.columns.item:
            offset = catalogs.items.index(department.items[0]) if department.items else 0
            _merge(columns, part.columns, offset, len(shown_files))
            shown_files.extend(part.sources or [shown_path(file)])
            file_slugs.extend([slug] * len(part.sources or [file]))
        if progress is not None:
            progress(part.rows_read)
    if path.is_dir() and files:  # one file given, or none of a department: nothing to say per department
        problems.extend(_departments_without_rows(path, catalogs, rows_of))
    elif path.is_dir() and not any(p.level is Level.ERROR for p in problems):
        message = "台账文件夹中没有任何台账文件，没有一张证照会被提醒"
        fix = (
            "请把业务系统导出的台账（.xlsx 或 .csv，文件名以部门代号开头）放进这个文件夹，或用 --ledgers 指定"
        )
        problems.append(Problem(shown_path(path), message, fix, level=Level.WARNING))
    rejected += _drop_cross_file_duplicates(columns, file_slugs, shown_files, problems)
    return LedgersApart(Ledger.from_columns(shown_files, columns, rows_read, rejected), problems, unread)


def _departments_without_rows(path: Path, catalogs: Catalogs, rows_of: dict[str, int]) -> list[Problem]:
    problems = []
    for slug, rows in rows_of.items():
        if rows == 0 and catalogs.department(slug).items:  # a 目录 with no items has nothing to remind
            name = catalogs.department(slug).name
            message = f"{name}（{slug}）没有任何台账行，它的证照一张也不会提醒"
            fix = (
                f"请把该部门的台账放进台账文件夹，文件名或所在文件夹名以 {slug} 开头，如 {slug}-2026-11.xlsx"
            )
            problems.append(Problem(shown_path(path), message, fix, level=Level.WARNING))
    return problems


def _file_part(
    file: Path, shown: str, department: Department, catalogs: Catalogs, cache: Path | None
) -> FilePart:
    """Return the file parsed, from the cache when neither it nor its department's 目录 changed."""
    key = file_key(file, shown, department)
    part = load_part(key, cache)
    if part is None:
        part = _parse(file, shown, department, catalogs)
        store_part(key, part, cache)
    return part


def _parse(file: Path, shown: str, department: Department, catalogs: Catalogs) -> FilePart:
    """Return every sheet of the file that carries a 台账 header, read; the other sheets named as skipped."""
    try:
        sheets = read_sheets(file, shown)
    except InputError as error:
        return FilePart(LedgerColumns(), error.problems)
    tables, problems = _ledger_tables(sheets, shown)
    part = FilePart(LedgerColumns(), problems)
    seen: dict[tuple[str, str], tuple[str, str | None, int]] = {}
    for table in tables:
        rows = len(table.data_rows)
        part.rows_read += rows
        if _missing_columns(table, part.problems):
            part.problems.extend(table.sheet.problems)
            part.rejected += rows
            continue
        reader = FileReader(catalogs, department, table, len(part.sources), seen)
        part.rejected += reader.read_into(part.columns)
        part.problems.extend(reader.problems)
        multiple = len(tables) > 1
        part.sources.append(f"{shown}，工作表「{table.sheet.name}」" if multiple else shown)
    offset = catalogs.items.index(department.items[0]) if department.items else 0
    # Item indices are kept local to the department: other departments' edits shift their offsets.
    part.columns.item = [i - offset for i in part.columns.item]
    return part


def _ledger_tables(sheets: list[Sheet], shown: str) -> tuple[list[Table], list[Problem]]:
    """Return the sheets that carry a 台账 header, and a problem for each non-empty sheet that does not."""
    tables, problems = [], []
    skipped = []
    for sheet in sheets:
        table = locate_header(sheet, LEDGER_COLUMNS)
        if table is not None:
            tables.append(table)
        elif any(any(row) for row in sheet.rows) or sheet.problems:
            problems.extend(sheet.problems)
            skipped.append(sheet)
    fix = "前 15 行中应有一行表头，至少含“证照持有单位（个人）”和“期满日期”"
    sheet_fix = "如果这张表里有证照，请在它的前 15 行加上表头，至少含“证照持有单位（个人）”和“期满日期”"
    if not tables:
        where = "、".join(f"「{s.name}」" for s in skipped if s.name) if len(sheets) > 1 else ""
        message = f"找不到表头行（看过工作表{where}）" if where else "找不到表头行"
        problems.append(Problem(shown, message, fix))
        return tables, problems
    for sheet in skipped:
        message = f"工作表“{sheet.name}”没有台账表头，已跳过"
        problems.append(Problem(shown, message, sheet_fix, sheet=sheet.name, level=Level.WARNING))
    return tables, problems


def _merge(columns: LedgerColumns, part: LedgerColumns, offset: int, file_index: int) -> None:
    for name in _FIELDS:
        if name == "item":
            columns.item.extend(i + offset for i in part.item)
        elif name == "file":
            one_source = not any(part.file)  # nearly always: one sheet, every local index 0
            columns.file.extend(
                [file_index] * len(part.file) if one_source else [file_index + i for i in part.file]
            )
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


def shown_path(file: Path) -> str:
    """Return a path as staff would type it: relative to the working folder when inside it."""
    try:
        return str(file.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(file)


def _missing_columns(table: Table, problems: list[Problem]) -> bool:
    missing = [c for c in LEDGER_COLUMNS if c.required and c.field not in table.fields]
    if "certificate" not in table.fields and "matter" not in table.fields:
        missing.append(next(c for c in LEDGER_COLUMNS if c.field == "certificate"))
    for column in missing:
        synonyms = "、".join((column.label, *column.synonyms[:4]))
        message = f"缺少“{column.label}”列，本文件 {len(table.data_rows)} 行数据都无法处理"
        fix = f"请在表头加上该列，列名可以是：{synonyms}"
        problems.append(Problem(table.sheet.file, message, fix, table.header_row + 1, sheet=table.sheet.name))
    return bool(missing)
