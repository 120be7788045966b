"""One 台账 file's rows, checked a column at a time so a million rows take seconds, not minutes."""

from __future__ import annotations

from bisect import bisect_left
from itertools import compress

from generator.catalog.model import Catalogs, Department
from generator.cells import CellError, DateReader, applied_for_renewal, text_of
from generator.ledger import identifiers as ids
from generator.ledger.model import LedgerColumns
from generator.ledger.resolve import ItemResolver
from generator.problems import Level, Problem
from generator.tabular import Table, invisible_cells
from portal.rules.status import APPLIED
from portal.rules.text import clean_text, fold_digits

_PERSON_KINDS = ("个人", "自然人", "个体")
_ORG_KINDS = ("单位", "企业", "法人", "组织", "机构")
_CLEAN_FIX = "这些字符多来自从 Word 或网页复制粘贴；请在表格中重新输入该单元格"
_PHONE_FIX = "手机号为 11 位（1 开头），固定电话带区号，如 0412-5551234"


class FileReader:
    """Checks one ledger file's columns, collects its problems and adds its good rows to LedgerColumns."""

    def __init__(
        self,
        catalogs: Catalogs,
        department: Department,
        table: Table,
        file_index: int,
        seen: dict[tuple[str, str], tuple[str, str | None, int]],
    ):
        self.department, self.table, self.file_index, self.seen = department, table, file_index, seen
        self.resolver = ItemResolver(catalogs, department)
        self.rows = table.data_rows
        self.bad = [False] * len(self.rows)
        self.problems: list[Problem] = []
        if "number" not in table.fields:
            self._note("台账没有证照编号列", "请从业务系统导出时带上“证照编号”列，否则公众无法按编号查询")
        if "phone" not in table.fields and ("contact" in table.fields or "email" in table.fields):
            # A layout with contacts but no phone lost it (a two-row header misread): said once, not per row.
            fix = "请加上“联系方式”列（也可叫联系电话、手机号码），否则无法电话或短信提醒"
            self._note("台账没有联系方式列", fix)
        self._reader_problems(table)
        self._cleaned: dict[str, list[object]] = {}

    def read_into(self, columns: LedgerColumns) -> int:
        """Add the file's good rows to columns and return how many rows were rejected."""
        holder = self._texts("holder", Level.ERROR)
        self._flag("holder", [not h for h in holder], "持证单位（个人）为空", "请填写持证的单位或个人名称")
        item = self._items()
        expires = self._dates("expires_on", Level.ERROR)
        number = _folded(self._texts("number", Level.ERROR))
        self._duplicates(number, holder, item, expires)
        issued = self._dates("issued_on", Level.WARNING)
        contact = _Contact(self)
        applied = self._applied()
        person = self._persons(holder, contact.credit)
        self.problems.sort(key=lambda p: (p.row or 0, p.column_index or 0))
        good = [not b for b in self.bad]
        columns.item.extend(compress(item, good))
        columns.expires.extend(compress(expires, good))
        columns.issued.extend(compress(issued, good))
        columns.applied.extend(compress(applied, good))
        columns.person.extend(compress(person, good))
        columns.file.extend([self.file_index] * sum(good))
        columns.row.extend(compress((r + 1 for r in self.rows), good))
        columns.number.extend(compress(number, good))
        columns.holder.extend(compress(holder, good))
        for name in ("contact", "phone", "email", "id_number", "credit_code"):
            getattr(columns, name).extend(compress(getattr(contact, name.removesuffix("_code")), good))
        return len(good) - sum(good)

    def _note(self, message: str, fix: str) -> None:
        """Warn once about the file's header row."""
        sheet, row = self.table.sheet, self.table.header_row + 1
        self.problems.append(Problem(sheet.file, message, fix, row, sheet=sheet.name, level=Level.WARNING))

    def _reader_problems(self, table: Table) -> None:
        """Take over what reading the sheet found; a row it could not read is kept out of the ledger."""
        for problem in table.sheet.problems:
            self.problems.append(problem)
            if problem.level is Level.ERROR and problem.row is not None:
                position = bisect_left(self.rows, problem.row - 1)
                if position < len(self.rows) and self.rows[position] == problem.row - 1:
                    self.bad[position] = True

    def _cells(self, field: str) -> list[object]:
        """Return a column's cells, text cleaned of control and format characters (each cleaning warned)."""
        if field in self._cleaned:
            return self._cleaned[field]
        col = self.table.fields.get(field)
        if col is None:
            return [None] * len(self.rows)
        cells = self._cleaned[field] = self.table.sheet.column(col, self.rows)
        for position in invisible_cells(cells):
            text, found = clean_text(str(cells[position]))
            self.table.sheet.rows[self.rows[position]][col] = cells[position] = text
            self.report(position, field, _cleaned(found, text), _CLEAN_FIX, Level.WARNING)
        return cells

    def report(self, position: int, field: str, message: str, fix: str, level: Level = Level.ERROR) -> None:
        """Record a problem at a row of this file; an error keeps the row out of the ledger."""
        self.problems.append(self.table.problem(self.rows[position], field, message, fix, level))
        if level is Level.ERROR:
            self.bad[position] = True

    def _flag(
        self, field: str, flags: list[bool], message: str, fix: str, level: Level = Level.ERROR
    ) -> None:
        for position in compress(range(len(flags)), flags):
            self.report(position, field, message, fix, level)

    def _texts(self, field: str, level: Level, clean: bool = True) -> list[str]:
        """Return a column as text; a cell Excel has mangled is reported at level and read as ''."""
        if field not in self.table.fields:
            return [""] * len(self.rows)
        cells = self._cells(field) if clean else self.table.sheet.column(self.table.fields[field], self.rows)
        try:
            return [value.strip() for value in cells]  # type: ignore[attr-defined]  # all text: every CSV column
        except AttributeError:
            pass  # numbers or dates among the cells: convert one by one
        texts = []
        for position, value in enumerate(cells):
            if value.__class__ is str:
                texts.append(str(value).strip())
                continue
            try:
                texts.append(text_of(value))
            except CellError as error:
                self.report(position, field, error.message, error.fix, level)
                texts.append("")
        return texts

    def _items(self) -> list[int]:
        field = "certificate" if "certificate" in self.table.fields else "matter"
        # Not cleaned first: the resolver cleans each of the few distinct names once.
        certificates = self._texts("certificate", Level.ERROR, clean=False)
        matters = self._texts("matter", Level.ERROR, clean=False)
        items = []
        for position, (certificate, matter) in enumerate(zip(certificates, matters, strict=True)):
            try:
                items.append(self.resolver.resolve(certificate, matter))
            except CellError as error:
                self.report(position, field, error.message, error.fix)
                items.append(0)
        if self.resolver.unclean:
            self._warn_unclean(certificates, matters)
        return items

    def _warn_unclean(self, certificates: list[str], matters: list[str]) -> None:
        unclean = self.resolver.unclean
        for position, pair in enumerate(zip(certificates, matters, strict=True)):
            if pair in unclean:
                for field, value in zip(("certificate", "matter"), pair, strict=True):
                    text, found = clean_text(value)
                    if found:
                        self.report(position, field, _cleaned(found, text), _CLEAN_FIX, Level.WARNING)

    def _dates(self, field: str, level: Level) -> list[int]:
        """Return a date column as ordinals; an optional column (level WARNING) may leave cells blank (0)."""
        if field not in self.table.fields:
            return [0] * len(self.rows)
        reader, optional, days = DateReader(), level is Level.WARNING, []
        col = self.table.fields[field]
        # Not cleaned first: the few distinct date texts are cleaned as they are read (DateReader remembers).
        for position, value in enumerate(self.table.sheet.column(col, self.rows)):
            try:
                days.append(0 if optional and _is_blank(value) else reader.read(value).toordinal())
            except CellError as error:
                self.report(position, field, error.message, error.fix, level)
                days.append(0)
        return days

    def _duplicates(self, number: list[str], holder: list[str], item: list[int], expires: list[int]) -> None:
        """Report the second and later rows of the same certificate (by 证照编号, else holder+item+expiry)."""
        slug, seen, bad, rows = self.department.slug, self.seen, self.bad, self.rows
        file, sheet_name = self.table.sheet.file, self.table.sheet.name
        for position, no in enumerate(number):
            if bad[position]:
                continue
            key = (slug, no or f"{holder[position]}\x00{item[position]}\x00{expires[position]}")
            here = (file, sheet_name, rows[position])
            first = seen.setdefault(key, here)
            if first is not here:
                what = "证照编号" if no else "持证单位、证照和期满日期"
                sheet = f"工作表「{first[1]}」" if first[1] != here[1] else ""
                where = f"{first[0]} {sheet}第 {first[2] + 1} 行"
                fix = f"与 {where} 的{what}相同；如是重复录入请删除一行，如已换发新证请删除旧证记录"
                self.report(position, "number" if no else "holder", "重复的证照记录", fix)

    def _applied(self) -> list[bool]:
        if "status" not in self.table.fields:
            return [False] * len(self.rows)
        texts = self._texts("status", Level.WARNING)
        meaning = {text: applied_for_renewal(text) for text in set(texts)}  # a handful of distinct values
        answers = [meaning[t] for t in texts]
        fix = f"请填写“{APPLIED}”或“未申请”（也可留空表示未申请）"
        self._flag(
            "status", [a is None for a in answers], "看不懂的办理状态，按未申请处理", fix, Level.WARNING
        )
        return [bool(a) for a in answers]

    def _persons(self, holder: list[str], credit: list[str]) -> list[bool]:
        kinds = self._texts("holder_kind", Level.WARNING) if "holder_kind" in self.table.fields else None
        persons = []
        for position, (name, code) in enumerate(zip(holder, credit, strict=True)):
            kind = kinds[position] if kinds else ""
            if kind.startswith(_PERSON_KINDS):
                persons.append(True)
            elif kind.startswith(_ORG_KINDS) or code:
                persons.append(False)
            else:
                persons.append(ids.looks_like_person_name(name))
        return persons


def _cleaned(found: str, text: str) -> str:
    return f"含不可见字符（{found}），已清除，按“{text}”处理"


def _folded(texts: list[str]) -> list[str]:
    """Return identifiers with Unicode digits (全角, Arabic-Indic …) as ASCII, so pasted numbers match."""
    return texts if "".join(texts).isascii() else [fold_digits(t) for t in texts]


def _is_blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and value != value)


class _Contact:
    """The contact columns of a file: read leniently (warnings only), then checked."""

    def __init__(self, reader: FileReader):
        self.phone = _folded(reader._texts("phone", Level.WARNING))
        self.id_number = _folded(reader._texts("id_number", Level.WARNING))
        self.credit = [c.upper() for c in _folded(reader._texts("credit_code", Level.WARNING))]
        self.contact = reader._texts("contact", Level.WARNING)
        self.email = reader._texts("email", Level.WARNING)
        warn = Level.WARNING
        bad_phone = [bool(p) and not (ids.is_mobile(p) or ids.is_landline(p)) for p in self.phone]
        reader._flag("phone", bad_phone, "不是有效的手机号或固定电话", _PHONE_FIX, warn)
        bad_id = [bool(i) and not ids.is_valid_id_number(i) for i in self.id_number]
        reader._flag(
            "id_number",
            bad_id,
            "身份证号校验不通过",
            "请核对 18 位身份证号（出生日期和最后一位校验码）",
            warn,
        )
        bad_credit = [bool(c) and not ids.is_valid_credit_code(c) for c in self.credit]
        fix = "请核对 18 位统一社会信用代码（最后一位是校验码）"
        reader._flag("credit_code", bad_credit, "统一社会信用代码校验不通过", fix, warn)
        bad_email = [bool(e) and not ids.is_email_address(e) for e in self.email]
        fix = "一格只写一个邮箱地址，如 name@example.com（不要写姓名、不要用逗号或分号列出多个）"
        reader._flag("email", bad_email, "不是一个有效的邮箱地址，不会发邮件", fix, warn)
