"""An uploaded 目录: checked as `jiaozao check` checks it, with what publishing it would change in the public change
log and in the reminder dates of the department's current 台账; written where every command reads it, or put back."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.atomic import replacing
from generator.catalog.load import CATALOG_NAMES, load_catalogs
from generator.catalog.model import Catalogs, Department
from generator.config import Settings
from generator.ledger.model import Ledger
from generator.problems import InputError, Problem
from generator.schedule import NO_DATE, Schedule, compute_schedule, late_reminder_problems
from generator.site.changes import update_history
from generator.workdays import WorkdayCalendar
from generator.workflows.published import department_ledger

UPLOADED_PREFIX = "catalog."  # the uploaded file's name in the scratch folder, whatever the clerk called it


@dataclass(frozen=True)
class CatalogPreview:
    """What the uploaded 目录 holds, what is wrong in it, and what publishing it would change."""

    rows: int
    problems: list[Problem]  # a problem in the upload names a file starting with UPLOADED_PREFIX
    changes: list[dict[str, str]]  # 新增 / 删除 / 修改, as the public change log words them
    impact: list[str]  # what it does to the reminder dates of the current 台账


def is_uploaded(problem: Problem) -> bool:
    """Return whether the problem is in the uploaded file (else in the department's facts or guides)."""
    return Path(problem.file).name.startswith(UPLOADED_PREFIX)


def check_catalog(
    inputs: Settings, slug: str, content: bytes, ext: str, calendar_of: Callable[[], WorkdayCalendar],
    today: date, published: Catalogs | None,
) -> CatalogPreview:  # fmt: skip
    """Load the uploaded 目录 with the department's facts and guides; nothing outside a scratch folder is written.

    calendar_of is asked only once the 目录 loads (a 目录 that cannot be read is reported on its own).
    """
    root = inputs.catalogs
    with tempfile.TemporaryDirectory(prefix="jiaozao-console-") as scratch:
        staged = Path(scratch) / root.name
        folder = staged / slug
        folder.mkdir(parents=True)
        for name in ("department.yaml", "renewal.yaml"):
            if (root / slug / name).is_file():
                shutil.copy2(root / slug / name, folder / name)
        (folder / f"{UPLOADED_PREFIX}{ext}").write_bytes(content)
        try:
            new, problems = load_catalogs(staged)
        except InputError as error:
            return CatalogPreview(0, error.problems, [], [])
    calendar = calendar_of()
    problems = [*problems, *late_reminder_problems(new, calendar, today)]
    fresh = new.department(slug)
    old = published.department(slug) if published is not None and slug in published.slugs else None
    if old is None or published is None:
        return CatalogPreview(len(fresh.items), problems, [], [])
    changes, impact = _preview(inputs, published, old, fresh, calendar, today)
    return CatalogPreview(len(fresh.items), problems, changes, impact)


def _preview(
    inputs: Settings,
    catalogs: Catalogs,
    old: Department,
    new: Department,
    calendar: WorkdayCalendar,
    today: date,
) -> tuple[list[dict[str, str]], list[str]]:
    before = update_history({}, Catalogs("", (old,)), today)
    after = update_history(before, Catalogs("", (new,)), today)
    changes = after[new.slug]["log"]
    swapped = Catalogs(catalogs.root, tuple(new if d.slug == new.slug else d for d in catalogs.departments))
    return changes, _impact(inputs, catalogs, swapped, new.slug, calendar, today)


def _impact(
    inputs: Settings, old: Catalogs, new: Catalogs, slug: str, calendar: WorkdayCalendar, today: date
) -> list[str]:
    """Return, in words, how the department's current 台账 reminder dates move under the new 目录.

    E.g. "采矿许可证 首次提醒时限 到期前90个工作日→到期前60个工作日：312 张证照的首次提醒推后到 …".
    """
    old_ledger, _ = department_ledger(inputs, old, slug)
    new_ledger, _ = department_ledger(inputs, new, slug)
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


# -- writing and putting back ------------------------------------------------------------------------------


Files = dict[Path, bytes | None]  # input files as they were: their bytes, None for one that was not there


def catalog_files(root: Path, slug: str) -> Files:
    """Return the department's 目录 files as they are now, for putting back after a failed or killed publish."""
    folder = root / slug
    return {
        folder / n: ((folder / n).read_bytes() if (folder / n).is_file() else None) for n in CATALOG_NAMES
    }


def write_catalog(root: Path, slug: str, content: bytes, ext: str) -> None:
    """Write the 目录 file atomically; a department folder holds one 目录 file, so any other is removed."""
    folder = root / slug
    target = folder / f"catalog.{ext}"
    with replacing(target) as temp:
        temp.write_bytes(content)
    for name in CATALOG_NAMES:
        if folder / name != target and (folder / name).is_file():
            (folder / name).unlink()


def put_back(files: Files) -> None:
    """Put input files back as they were (one that was not there is removed)."""
    for path, content in files.items():
        if content is None:
            path.unlink(missing_ok=True)
        else:
            with replacing(path) as temp:
                temp.write_bytes(content)
