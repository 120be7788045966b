"""An uploaded 目录 checked as `jiaozao check` checks it, with what publishing it would change, and the empty
目录 workbook offered as a template."""

from __future__ import annotations

import io
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from console.frame import errors
from console.frame.problems import ProblemRow, problem_row
from console.settings import ConsoleSettings
from console.state.inputs import calendar_of, department, department_ledger, published, today_of
from generator.catalog.load import load_catalogs
from generator.catalog.model import Catalogs, Department
from generator.ledger.model import Ledger
from generator.problems import InputError, Problem
from generator.schedule import NO_DATE, Schedule, compute_schedule, late_reminder_problems
from generator.site.changes import update_history
from generator.workdays import WorkdayCalendar


def template_xlsx(settings: ConsoleSettings, slug: str) -> bytes:
    """Return an empty 目录 workbook with the department's title line and header row (the seed header)."""

    import openpyxl

    from generator.catalog.schema import CATALOG_COLUMNS

    found = department(settings, slug)
    headers = list(found.headers) if found else [c.label for c in CATALOG_COLUMNS]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "目录"
    sheet.append([found.title if found and found.title else "到期前提醒证照目录"])
    sheet.append(headers)
    for column in range(1, len(headers) + 1):
        sheet.cell(2, column).number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class CatalogCheck:
    """An uploaded 目录 checked as `jiaozao check` checks it, with what publishing it would change."""

    rows: int
    problems: list[ProblemRow]
    changes: list[dict[str, str]]  # 新增 / 删除 / 修改, as the public change log words them
    impact: list[str]  # what it does to the reminder dates of the current 台账

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def check_catalog(settings: ConsoleSettings, slug: str, content: bytes, ext: str, shown: str) -> CatalogCheck:
    """Load the uploaded 目录 with the department's facts and guides; nothing outside a scratch folder is written."""
    root = settings.inputs.catalogs
    with tempfile.TemporaryDirectory(prefix="jiaozao-console-") as scratch:
        staged = Path(scratch) / root.name
        folder = staged / slug
        folder.mkdir(parents=True)
        for name in ("department.yaml", "renewal.yaml"):
            if (root / slug / name).is_file():
                shutil.copy2(root / slug / name, folder / name)
        (folder / f"catalog.{ext}").write_bytes(content)
        try:
            new, problems = load_catalogs(staged)
        except InputError as error:
            rows = [problem_row(p, _file_of(p, shown)) for p in error.problems]
            return CatalogCheck(0, rows, [], [])
    calendar = calendar_of(settings)
    problems = [*problems, *late_reminder_problems(new, calendar, today_of(settings))]
    rows = [problem_row(p, _file_of(p, shown)) for p in problems]
    fresh = new.department(slug)
    old = department(settings, slug)
    changes, impact = ([], []) if old is None else _preview(settings, old, fresh, calendar)
    return CatalogCheck(len(fresh.items), rows, changes, impact)


def _file_of(problem: Problem, shown: str) -> str:
    return (
        f"上传的文件 {shown}"
        if Path(problem.file).name.startswith("catalog.")
        else errors.file_in_words(problem.file)
    )


def _preview(
    settings: ConsoleSettings, old: Department, new: Department, calendar: WorkdayCalendar
) -> tuple[list[dict[str, str]], list[str]]:
    today = today_of(settings)
    before = update_history({}, Catalogs("", (old,)), today)
    after = update_history(before, Catalogs("", (new,)), today)
    changes = after[new.slug]["log"]
    catalogs, _ = published(settings)
    assert catalogs is not None
    swapped = Catalogs(catalogs.root, tuple(new if d.slug == new.slug else d for d in catalogs.departments))
    return changes, _impact(settings, catalogs, swapped, new.slug, calendar, today)


def _impact(
    settings: ConsoleSettings, old: Catalogs, new: Catalogs, slug: str, calendar: WorkdayCalendar, today: date
) -> list[str]:
    """Return, in words, how the department's current 台账 reminder dates move under the new 目录.

    E.g. "采矿许可证 首次提醒时限 到期前90个工作日→到期前60个工作日：312 张证照的首次提醒推后到 …".
    """
    old_ledger, _ = department_ledger(settings, old, slug)
    new_ledger, _ = department_ledger(settings, new, slug)
    if not len(old_ledger):
        return ["本部门当前台账没有证照，提醒日期不受影响。"]
    before = _by_row(old_ledger, compute_schedule(old_ledger, old, calendar, today), old)
    after = _by_row(new_ledger, compute_schedule(new_ledger, new, calendar, today), new)
    groups: dict[tuple[str, str, str, str, str], list[int]] = {}
    for key, b in before.items():
        a = after.get(key)
        if a is None:
            continue
        for label, was, now, was_rule, now_rule in (
            ("首次提醒", b[0], a[0], b[4], a[4]),
            ("二次提醒", b[1], a[1], b[5], a[5]),
        ):
            if was != now:
                way = "推后" if now > was or now == NO_DATE else "提前"
                groups.setdefault((a[3], label, was_rule, now_rule, way), []).append(now)
    lines = [
        f"{name} {label}时限 {was or '（无）'}→{now or '（无）'}：{len(dates)} 张证照的{label}{way}{_span(dates)}"
        for (name, label, was, now, way), dates in groups.items()
    ]
    t = today.toordinal()
    entering = sum(
        1 for k, b in before.items() if k in after and b[0] > t >= after[k][0] and after[k][2] >= 0
    )
    leaving = sum(1 for k in before if k not in after)
    if entering:
        lines.append(f"今天起新进入提醒的 {entering} 张")
    if leaving:
        lines.append(f"{leaving} 张证照在新目录中找不到对应事项，将列入问题清单、不再提醒")
    return lines or ["当前台账中没有证照的提醒日期改变。"]


def _span(ordinals: list[int]) -> str:
    real = [o for o in ordinals if o != NO_DATE]
    if not real:
        return "（不再安排）"
    low, high = date.fromordinal(min(real)), date.fromordinal(max(real))
    return f"到 {low}" if low == high else f"到 {low} 至 {high}"


_Dates = tuple[int, int, int, str, str, str]  # first, second, days left, certificate, first rule, second rule


def _by_row(ledger: Ledger, schedule: Schedule, catalogs: Catalogs) -> dict[tuple[str, int], _Dates]:
    items = catalogs.items
    rows: dict[tuple[str, int], _Dates] = {}
    for i in range(len(ledger)):
        item = items[int(ledger.item[i])]
        rules = (item.first.text, item.second.text if item.second else "")
        rows[(ledger.files[int(ledger.file[i])], int(ledger.row[i]))] = (
            int(schedule.first[i]), int(schedule.second[i]), int(schedule.days_left[i]), item.certificate, *rules
        )  # fmt: skip
    return rows
