"""Load every department's 目录 from a catalogs/ folder, collecting every problem before failing."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from generator.catalog.facts import (
    DepartmentFacts,
    GuideEntry,
    final_lead_time,
    load_department_facts,
    load_guides,
)
from generator.catalog.model import CatalogItem, Catalogs, Department, RenewalGuide
from generator.catalog.schema import CATALOG_COLUMNS
from generator.phrases import LeadTime, Validity, parse_lead_time, parse_validity
from generator.problems import InputError, Level, PhraseError, Problem
from generator.tabular import Sheet, Table, cell_text, invisible_cells, locate_header, read_sheets
from portal.rules.text import clean_text, normalize_name, split_list

CATALOG_NAMES = ("catalog.xlsx", "catalog.csv")
_SINGLE_LINE = (
    "seq", "matter", "certificate", "office", "validity", "first_lead", "second_lead", "final_lead", "method",
)  # fmt: skip


def department_dirs(root: Path) -> list[Path]:
    """Return the department folders under root (folders starting with _ or . are not departments)."""
    with os.scandir(root) as entries:  # a page view asks: one call, no stat of its own per entry
        return sorted(Path(e.path) for e in entries if e.is_dir() and not e.name.startswith(("_", ".")))


@dataclass(frozen=True)
class CatalogsApart:
    """Every department's 目录 that loaded cleanly, and the departments left out with their errors."""

    catalogs: Catalogs
    problems: list[Problem]  # warnings of the departments kept, and every problem of those left out
    broken: dict[str, list[Problem]]  # slug → the problems of a department left out (errors among them)
    names: dict[str, str]  # slug → 名称 of each department left out, where its department.yaml says it


def load_catalogs(root: Path) -> tuple[Catalogs, list[Problem]]:
    """Return every department's 目录 and all problems found; raise InputError if any is an error."""
    loaded = load_catalogs_apart(root)
    if loaded.broken or any(p.level is Level.ERROR for p in loaded.problems):
        raise InputError(loaded.problems)
    return loaded.catalogs, loaded.problems


def load_catalogs_apart(root: Path) -> CatalogsApart:
    """Return the departments whose 目录 and facts load without an error; the others are left out, with why.

    One department's broken file (a cron job or a hand edit) must not stop the others' reminders and pages.
    Only a missing catalogs folder, or one without any department, raises InputError.
    """
    if not root.is_dir():
        raise InputError(
            [Problem(str(root), "目录文件夹不存在", "请用 --catalogs 指定存放各部门目录的文件夹")]
        )
    problems: list[Problem] = []
    departments, broken = [], {}
    for folder in department_dirs(root):
        own: list[Problem] = []
        found = _load_department(folder, root, own)
        problems.extend(own)
        if found is None or any(p.level is Level.ERROR for p in own):
            broken[folder.name] = own
        else:
            departments.append(found)
    if not departments and not broken:
        problems.append(
            Problem(
                str(root), "没有找到任何部门", "每个部门一个子文件夹，内含 catalog.xlsx 和 department.yaml"
            )
        )
        raise InputError(problems)
    names = {slug: name for slug in broken if (name := _name_of(root / slug, root))}
    return CatalogsApart(Catalogs(str(root), tuple(departments)), problems, broken, names)


def _name_of(folder: Path, root: Path) -> str:
    """Return the 名称 in a department's facts, or "" when they cannot be read."""
    facts = load_department_facts(folder / "department.yaml", _shown(folder / "department.yaml", root), [])
    return facts.text("名称") if facts is not None else ""


def _shown(path: Path, root: Path) -> str:
    return str(Path(root.name) / path.relative_to(root))


def _load_department(folder: Path, root: Path, problems: list[Problem]) -> Department | None:
    facts = load_department_facts(
        folder / "department.yaml", _shown(folder / "department.yaml", root), problems
    )
    default_guide, entries = load_guides(
        folder / "renewal.yaml", _shown(folder / "renewal.yaml", root), problems
    )
    files = [folder / n for n in CATALOG_NAMES if (folder / n).exists()]
    if len(files) != 1:
        what = "既有 catalog.xlsx 又有 catalog.csv" if files else "缺少目录文件"
        problems.append(
            Problem(_shown(folder, root), what, "每个部门文件夹放且只放一个 catalog.xlsx 或 catalog.csv")
        )
        return None
    if facts is None:
        return None
    shown = _shown(files[0], root)
    try:
        table = _catalog_table(read_sheets(files[0], shown), shown, problems)
    except InputError as error:
        problems.extend(error.problems)
        return None
    if table is None:
        names = "、".join(c.label for c in CATALOG_COLUMNS)
        problems.append(Problem(shown, "找不到表头行", f"前 15 行中应有一行表头，列名如：{names}"))
        return None
    _clean_cells(table, shown, problems)
    context = _RowContext(folder.name, shown, facts, table, problems)
    items = [item for i in table.data_rows if (item := context.item(i)) is not None]
    _check_duplicates(items, shown, problems)
    guided = _attach_guides(items, default_guide, entries, _shown(folder / "renewal.yaml", root), problems)
    return _department(folder.name, facts, table, shown, guided)


def _catalog_table(sheets: list[Sheet], shown: str, problems: list[Problem]) -> Table | None:
    """Return the first sheet with a 目录 header; other sheets with one are named, not read.

    A department has one 目录: a second sheet with the same header is far more often last year's version
    than more items, and reading both would make every item a duplicate and stop the whole 目录.
    """
    tables = [t for t in (locate_header(s, CATALOG_COLUMNS) for s in sheets) if t is not None]
    if not tables:
        return None
    chosen = tables[0]
    problems.extend(chosen.sheet.problems)
    for other in tables[1:]:
        message = f"工作表“{other.sheet.name}”也有目录表头，未读取；目录只读第一张有表头的工作表“{chosen.sheet.name}”"
        fix = f"请把事项都放进“{chosen.sheet.name}”一张表，或删除不用的工作表"
        problems.append(Problem(shown, message, fix, sheet=other.sheet.name, level=Level.WARNING))
    return chosen


def _clean_cells(table: Table, shown: str, problems: list[Problem]) -> None:
    """Clean control and format characters out of the header and data cells, in place, warning for each.

    Names and phrases become single-line text (a line break typed with Alt+Enter is a space); other cells,
    shown on the site as written, keep their line breaks.
    """
    single_line = {c for f, c in table.fields.items() if f in _SINGLE_LINE}
    named = {c for c, h in enumerate(table.headers) if h}
    for row in (table.header_row, *table.data_rows):
        cells = table.sheet.rows[row]
        for col in invisible_cells(cells):
            text, found = clean_text(str(cells[col]), col in single_line or row == table.header_row)
            cells[col] = text
            if row == table.header_row:
                table.headers[col] = text
            elif not found or col not in named:
                continue
            header = table.headers[col] if col in named else None
            message = f"含不可见字符（{found}），已清除，按“{text}”处理"
            fix = "这些字符多来自从 Word 或网页复制粘贴；请在表格中重新输入该单元格"
            problems.append(
                Problem(shown, message, fix, row + 1, header, col, text, table.sheet.name, Level.WARNING)
            )


def _department(
    slug: str, facts: DepartmentFacts, table: Table, shown: str, items: list[CatalogItem]
) -> Department:
    above = table.sheet.rows[: table.first_header_row if table.first_header_row >= 0 else table.header_row]
    title = clean_text(next((cell_text(r[0]) for r in above if r and cell_text(r[0])), ""))[0]
    return Department(
        slug=slug,
        name=facts.text("名称"),
        full_name=facts.text("全称") or facts.text("名称"),
        basis=facts.text("依据"),
        address=facts.text("地址"),
        phone=facts.text("电话"),
        hours=facts.text("办公时间"),
        website=facts.text("网站"),
        online_url=facts.text("网上办理"),
        methods=facts.methods(),
        monthly_batch=bool(facts.values.get("每月叫早")),
        first_default=facts.first_default,
        second_default=facts.second_default,
        catalog_file=shown,
        title=title,
        headers=tuple(h for h in table.headers if h),
        items=tuple(items),
        sms_signature=facts.text("短信签名") or facts.text("名称"),
        sms_signature_given=bool(facts.text("短信签名")),
        sms_template_code=facts.text("短信模板编号"),
        sms_template_params=facts.values.get("短信模板参数") or (),
        final_default=facts.final_default,
    )


@dataclass
class _RowContext:
    """What turning one 目录 row into a CatalogItem needs to know."""

    slug: str
    shown: str
    facts: DepartmentFacts
    table: Table
    problems: list[Problem]

    def text(self, row: int, field: str) -> str:
        col = self.table.fields.get(field)
        return self.table.sheet.cell_text(row, col) if col is not None else ""

    def problem(self, row: int, field: str, message: str, fix: str, level: Level = Level.ERROR) -> None:
        self.problems.append(replace(self.table.problem(row, field, message, fix, level), file=self.shown))

    def item(self, row: int) -> CatalogItem | None:
        before = len(self.problems)
        matter, certificate = self.text(row, "matter"), self.text(row, "certificate")
        if not matter and not certificate:
            self.problem(row, "certificate", "证照名称和事项名称都为空", "请填写证照名称（或事项名称）")
        validity = self._validity(row)
        first, first_default = self._lead(row, "first_lead", self.facts.first_default, "首次提醒时限")
        second, second_default = self._lead(row, "second_lead", self.facts.second_default, "二次提醒时限")
        if first and second and second.approx_days() >= first.approx_days():
            self.problem(
                row,
                "second_lead",
                "二次提醒时限不比首次提醒时限更接近期满日",
                "二次提醒应晚于首次提醒，如首次“到期前90个工作日”、二次“到期前10个工作日”",
            )
        final = self._final(row, second or first)
        if (
            first
            and validity
            and validity.shortest_months
            and first.approx_days() >= validity.shortest_months * 30.4
        ):
            self.problem(
                row, "first_lead", f"提醒时限比证照有效期（{validity.text}）还长", "请核对提醒时限和有效期"
            )
        if len(self.problems) > before and any(p.level is Level.ERROR for p in self.problems[before:]):
            return None
        assert validity is not None and first is not None  # guaranteed by the checks above
        methods = split_list(self.text(row, "method")) or self.facts.methods()
        cells = tuple(self.table.sheet.cell_text(row, i) for i, h in enumerate(self.table.headers) if h)
        return CatalogItem(
            self.slug, self.text(row, "seq"), matter or certificate, certificate or matter, self.text(row, "office"),
            validity, first, second, methods, RenewalGuide(None, "", "", "", (), ""), row + 1, cells,
            first_default, second_default, final,
        )  # fmt: skip

    def _final(self, row: int, earlier: LeadTime | None) -> LeadTime:
        """Return the row's 临期提醒时限 (the department's where the cell is empty); an unreadable one is an error."""
        found = final_lead_time(self.text(row, "final_lead"))
        if isinstance(found, PhraseError):
            self.problem(row, "final_lead", found.message, found.fix)
            return self.facts.final_default
        final = found or self.facts.final_default
        if found is not None and earlier is not None and final.approx_days() >= earlier.approx_days():
            message = f"临期提醒时限（{final.text}）不比前一次提醒（{earlier.text}）更接近期满日"
            fix = "临期提醒应在最后一次提醒之后，如“到期前3个工作日”"
            self.problem(row, "final_lead", message, fix, Level.WARNING)
        return final

    def _validity(self, row: int) -> Validity | None:
        text = self.text(row, "validity")
        if "validity" not in self.table.fields:
            self.problem(
                row, "validity", "目录缺少“证照法定有效期”列", "请在表头加上“证照法定有效期”（或“有效期”）列"
            )
            return None
        if not text:
            self.problem(
                row,
                "validity",
                "“证照法定有效期”为空",
                "请填写，如 5年、原证 3 年 新证 5 年、随公司许可时间而定",
            )
            return None
        try:
            return parse_validity(text)
        except PhraseError as error:
            self.problem(row, "validity", error.message, error.fix)
            return None

    def _lead(
        self, row: int, field: str, default: LeadTime | None, label: str
    ) -> tuple[LeadTime | None, bool]:
        text = self.text(row, field)
        if text:
            try:
                return parse_lead_time(text), False
            except PhraseError as error:
                self.problem(row, field, error.message, error.fix)
                return None, False
        if default is None and field == "first_lead":
            self.problem(
                row,
                field,
                f"没有{label}",
                f"请在目录中填写{label}，或在 department.yaml 中设置“{label}”默认值",
            )
        return default, default is not None


def _check_duplicates(items: list[CatalogItem], shown: str, problems: list[Problem]) -> None:
    seen: dict[tuple[str, str], CatalogItem] = {}
    for item in items:
        key = (normalize_name(item.certificate), normalize_name(item.matter))
        if key in seen:
            fix = f"与第 {seen[key].row} 行重复，请删除其中一行"
            problems.append(Problem(shown, "事项重复", fix, item.row, "证照名称", None, item.certificate))
        seen.setdefault(key, item)


def _attach_guides(
    items: list[CatalogItem],
    base: RenewalGuide,
    entries: list[GuideEntry],
    shown: str,
    problems: list[Problem],
) -> list[CatalogItem]:
    used: set[int] = set()
    result = []
    for item in items:
        entry = _guide_for(item, entries)
        if entry is not None:
            used.add(entry.index)
        result.append(_with_guide(item, entry.guide if entry else base))
    for entry in entries:
        if entry.index not in used:
            fix = "请核对“证照名称”（和“事项名称”）与目录中的写法一致"
            problems.append(
                Problem(
                    shown,
                    f"证照第 {entry.index} 项在目录中找不到",
                    fix,
                    None,
                    "证照名称",
                    None,
                    entry.certificate,
                    level=Level.WARNING,
                )
            )
    return result


def _guide_for(item: CatalogItem, entries: list[GuideEntry]) -> GuideEntry | None:
    names = {normalize_name(item.certificate), normalize_name(item.matter)}
    matches = [e for e in entries if normalize_name(e.certificate) in names]
    exact = [e for e in matches if e.matter and normalize_name(e.matter) == normalize_name(item.matter)]
    candidates = exact or [e for e in matches if not e.matter]
    return candidates[0] if candidates else None


def _with_guide(item: CatalogItem, guide: RenewalGuide) -> CatalogItem:
    return replace(item, guide=guide)
