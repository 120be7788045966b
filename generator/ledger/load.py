"""Load 台账 files: every row ends either in the ledger or in the problem list, never silently dropped."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from generator.catalog.model import Catalogs, Department
from generator.ledger import identifiers as ids
from generator.ledger.cells import CellError, DateReader, applied_for_renewal, text_of
from generator.ledger.model import Ledger, LedgerColumns
from generator.ledger.resolve import ItemResolver
from generator.ledger.schema import LEDGER_COLUMNS
from generator.problems import InputError, Level, Problem
from generator.tabular import SPREADSHEET_SUFFIXES, Table, locate_header, read_sheet

Progress = Callable[[int], None]
_PERSON_KINDS = ("个人", "自然人", "个体")
_ORG_KINDS = ("单位", "企业", "法人", "组织", "机构")


def find_ledger_files(path: Path, catalogs: Catalogs) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Return (file, department slug) for every ledger under path; files of no known department are problems."""
    if not path.exists():
        return [], [Problem(str(path), "台账文件或文件夹不存在", "请用 --ledgers 指定台账文件或文件夹")]
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    found, problems = [], []
    for file in files:
        if file.name.startswith(("~$", ".")) or file.suffix.lower() not in SPREADSHEET_SUFFIXES:
            continue  # Excel lock files and non-spreadsheets are not ledgers
        slug = _department_of(file, path, catalogs.slugs)
        if slug is None:
            slugs = "、".join(catalogs.slugs)
            fix = f"请把文件名或所在文件夹名以部门代号开头（{slugs}），如 anshan-2026-11.xlsx"
            problems.append(Problem(str(file), "无法判断台账属于哪个部门", fix))
        else:
            found.append((file, slug))
    return found, problems


def _department_of(file: Path, root: Path, slugs: tuple[str, ...]) -> str | None:
    names = [file.stem, *(p.name for p in file.relative_to(root).parents if p.name)] if root != file else [file.stem]
    if root == file:
        names.append(file.parent.name)
    for name in names:
        for slug in sorted(slugs, key=len, reverse=True):
            if re.match(rf"{re.escape(slug)}(?:$|[-_. ])", name):
                return slug
    return None


def load_ledgers(path: Path, catalogs: Catalogs, progress: Progress | None = None) -> tuple[Ledger, list[Problem]]:
    """Return the ledger rows that can be scheduled and a problem for every row that cannot."""
    files, problems = find_ledger_files(path, catalogs)
    columns, shown_files = LedgerColumns(), []
    rows_read = rejected = 0
    seen: dict[tuple[str, str], str] = {}
    for file, slug in files:
        shown = str(file)
        try:
            table = locate_header(read_sheet(file, shown), LEDGER_COLUMNS)
        except InputError as error:
            problems.extend(error.problems)
            continue
        if table is None or _missing_columns(table, shown, problems):
            rows = len(table.data_rows) if table else 0
            rows_read, rejected = rows_read + rows, rejected + rows
            continue
        reader = _RowReader(catalogs, catalogs.department(slug), table, len(shown_files), columns, problems, seen)
        shown_files.append(shown)
        for index in table.data_rows:
            rejected += not reader.read(index)
            rows_read += 1
            if progress is not None and rows_read % 10_000 == 0:
                progress(10_000)
    if progress is not None:
        progress(rows_read % 10_000)
    return Ledger.from_columns(shown_files, columns, rows_read, rejected), problems


def _missing_columns(table: Table | None, shown: str, problems: list[Problem]) -> bool:
    if table is None:
        problems.append(Problem(shown, "找不到表头行", "前 15 行中应有一行表头，至少含“证照持有单位（个人）”和“期满日期”"))
        return True
    missing = [c for c in LEDGER_COLUMNS if c.required and c.field not in table.fields]
    if "certificate" not in table.fields and "matter" not in table.fields:
        missing.append(next(c for c in LEDGER_COLUMNS if c.field == "certificate"))
    for column in missing:
        synonyms = "、".join((column.label, *column.synonyms[:4]))
        rows = len(table.data_rows)
        message = f"缺少“{column.label}”列，本文件 {rows} 行数据都无法处理"
        problems.append(Problem(shown, message, f"请在表头加上该列，列名可以是：{synonyms}", table.header_row + 1))
    return bool(missing)


class _RowReader:
    """Reads one ledger file's rows into LedgerColumns, reporting each bad row."""

    def __init__(
        self,
        catalogs: Catalogs,
        department: Department,
        table: Table,
        file_index: int,
        columns: LedgerColumns,
        problems: list[Problem],
        seen: dict[tuple[str, str], str],
    ):
        self.department, self.table, self.file_index = department, table, file_index
        self.columns, self.problems, self.seen = columns, problems, seen
        self.resolver = ItemResolver(catalogs, department)
        self.dates = DateReader()
        self.fields = table.fields
        if "number" not in self.fields and file_index >= 0:
            fix = "请从业务系统导出时带上“证照编号”列，否则公众无法按编号查询"
            problems.append(Problem(table.sheet.file, "台账没有证照编号列", fix, table.header_row + 1, level=Level.WARNING))

    def _cell(self, row: list[object], field: str) -> object:
        col = self.fields.get(field)
        return row[col] if col is not None and col < len(row) else None

    def _text(self, row: list[object], field: str) -> str:
        return text_of(self._cell(row, field))

    def _report(self, index: int, field: str, message: str, fix: str, level: Level = Level.ERROR) -> None:
        col = self.fields.get(field)
        header = self.table.headers[col] if col is not None else None
        value = self.table.sheet.cell_text(index, col) if col is not None else None
        sheet = self.table.sheet
        self.problems.append(Problem(sheet.file, message, fix, index + 1, header, col, value, sheet.name, level))

    def read(self, index: int) -> bool:
        """Add row index to the ledger and return True, or report why it cannot be and return False."""
        row = self.table.sheet.rows[index]
        field = "holder"
        try:
            holder = self._text(row, "holder")
            if not holder:
                raise CellError("持证单位（个人）为空", "请填写持证的单位或个人名称")
            field = "certificate" if "certificate" in self.fields else "matter"
            item = self.resolver.resolve(self._text(row, "certificate"), self._text(row, "matter"))
            field = "expires_on"
            expires = self.dates.read(self._cell(row, "expires_on")).toordinal()
            field = "number"
            number = self._text(row, "number")
            if self._is_duplicate(index, number, holder, item, expires):
                return False
            field = "issued_on"
            issued_cell = self._cell(row, "issued_on")
            issued = self.dates.read(issued_cell).toordinal() if issued_cell not in (None, "") else 0
            contact = self._contact_fields(index, row)
        except CellError as error:
            self._report(index, field, error.message, error.fix)
            return False
        self._append(index, row, holder, item, expires, issued, number, contact)
        return True

    def _is_duplicate(self, index: int, number: str, holder: str, item: int, expires: int) -> bool:
        key = (self.department.slug, number or f"{holder}\x00{item}\x00{expires}")
        first = self.seen.get(key)
        if first is None:
            self.seen[key] = f"{self.table.sheet.file} 第 {index + 1} 行"
            return False
        what = "证照编号" if number else "持证单位、证照和期满日期"
        fix = f"与 {first} 的{what}相同；如是重复录入请删除一行，如已换发新证请删除旧证记录"
        self._report(index, "number" if number else "holder", "重复的证照记录", fix)
        return True

    def _contact_fields(self, index: int, row: list[object]) -> tuple[str, str, str, str, str]:
        phone, id_number = self._soft_text(index, row, "phone"), self._soft_text(index, row, "id_number")
        credit = self._soft_text(index, row, "credit_code").upper()
        self._check_identifiers(index, phone, id_number, credit)
        contact, email = self._soft_text(index, row, "contact"), self._soft_text(index, row, "email")
        return contact, phone, email, id_number, credit

    def _soft_text(self, index: int, row: list[object], field: str) -> str:
        """Return a contact cell's text; a mangled one is reported and left blank, the row still scheduled."""
        try:
            return self._text(row, field)
        except CellError as error:
            self._report(index, field, error.message, error.fix, Level.WARNING)
            return ""

    def _check_identifiers(self, index: int, phone: str, id_number: str, credit: str) -> None:
        warn = Level.WARNING
        if phone and not (ids.is_mobile(phone) or ids.is_landline(phone)):
            self._report(index, "phone", "不是有效的手机号或固定电话", "手机号为 11 位（1 开头），固定电话带区号，如 0412-5551234", warn)
        if id_number and not ids.is_valid_id_number(id_number):
            self._report(index, "id_number", "身份证号校验不通过", "请核对 18 位身份证号（出生日期和最后一位校验码）", warn)
        if credit and not ids.is_valid_credit_code(credit):
            self._report(index, "credit_code", "统一社会信用代码校验不通过", "请核对 18 位统一社会信用代码（最后一位是校验码）", warn)

    def _append(
        self,
        index: int,
        row: list[object],
        holder: str,
        item: int,
        expires: int,
        issued: int,
        number: str,
        contact: tuple[str, str, str, str, str],
    ) -> None:
        columns = self.columns
        columns.item.append(item)
        columns.expires.append(expires)
        columns.issued.append(issued)
        columns.applied.append(self._applied(index, row))
        columns.person.append(self._is_person(row, holder, contact[4]))
        columns.file.append(self.file_index)
        columns.row.append(index + 1)
        columns.number.append(number)
        columns.holder.append(holder)
        columns.contact.append(contact[0])
        columns.phone.append(contact[1])
        columns.email.append(contact[2])
        columns.id_number.append(contact[3])
        columns.credit_code.append(contact[4])

    def _applied(self, index: int, row: list[object]) -> bool:
        text = self._text(row, "status") if "status" in self.fields else ""
        applied = applied_for_renewal(text)
        if applied is None:
            fix = "请填写“已申请延续”或“未申请”（也可留空表示未申请）"
            self._report(index, "status", "看不懂的办理状态，按未申请处理", fix, Level.WARNING)
        return bool(applied)

    def _is_person(self, row: list[object], holder: str, credit: str) -> bool:
        kind = self._text(row, "holder_kind") if "holder_kind" in self.fields else ""
        if kind.startswith(_PERSON_KINDS):
            return True
        if kind.startswith(_ORG_KINDS) or credit:
            return False
        return ids.looks_like_person_name(holder)
