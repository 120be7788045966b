"""The console's 目录 and 台账 work over the generator: the published 目录 and calendar (cached until a file
changes), checking an upload and previewing what it changes, writing files where the command line reads them,
and rebuilding the site and index through the build workflow, exactly as `jiaozao build` does.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from console import errors
from console.settings import ConsoleSettings
from generator.atomic import replacing
from generator.catalog.load import CATALOG_NAMES, CatalogsApart, load_catalogs, load_catalogs_apart
from generator.catalog.model import Catalogs, Department
from generator.ledger.model import Ledger
from generator.pipeline import DepartmentUnusable, Unusable, load_calendar
from generator.problems import InputError, JiaozaoError, Level, Problem, column_letter
from generator.schedule import NO_DATE, Schedule, compute_schedule, late_reminder_problems
from generator.site.changes import update_history
from generator.workdays import WorkdayCalendar
from generator.workflows import ledger as ledger_workflow
from generator.workflows.build import build_site
from portal.rules.china import china_today

WorkError = JiaozaoError  # what the generator raises for inputs it cannot use
_lock = threading.RLock()  # the caches below and the ledger link folder are shared by request threads


@dataclass(frozen=True)
class ProblemRow:
    """One problem as the console's table shows it."""

    level: str
    file: str
    row: str
    column: str
    value: str
    message: str
    fix: str
    is_error: bool


def problem_row(problem: Problem, file: str | None = None) -> ProblemRow:
    column = problem.column or ""
    if problem.column_index is not None:
        column = f"{column}（{column_letter(problem.column_index)} 列）"
    return ProblemRow(
        problem.level.value, file or errors.file_in_words(problem.file), "" if problem.row is None else str(problem.row),
        column, problem.value or "", errors.clerk_text(problem.message), errors.clerk_text(problem.fix),
        problem.level is Level.ERROR,
    )  # fmt: skip


_calendars: dict[str, tuple[object, WorkdayCalendar]] = {}


def calendar_of(settings: ConsoleSettings) -> WorkdayCalendar:
    """Return the working-day calendar (cached until holidays.csv changes: building it takes a quarter second)."""
    path = settings.inputs.holidays
    stamp = (path.stat().st_mtime_ns, path.stat().st_size) if path.is_file() else None
    with _lock:
        cached = _calendars.get(str(path))
        if cached is None or cached[0] != stamp:
            cached = _calendars[str(path)] = (stamp, load_calendar(settings.inputs))
        return cached[1]


def warm(settings: ConsoleSettings) -> None:
    """Load what the first page views need (the 目录 and the calendar) before anyone asks."""
    try:
        published(settings)
        calendar_of(settings)
    except Exception:  # a page view will meet the same problem and say it properly
        return


def today_of(settings: ConsoleSettings) -> date:
    return settings.today or china_today()


# -- the published 目录 ------------------------------------------------------------------------------

_catalog_cache: dict[str, tuple[object, CatalogsApart | None, list[Problem]]] = {}


def files_stamp(root: Path, *, own_folders_only: bool = False) -> tuple[tuple[str, int, int], ...]:
    """Return (path, modified, size) of every file under root (or of root, a file): one stat per file.

    With own_folders_only, folders at the top whose names start with _ (the 台账 folder _ledgers) are left out.
    Page views compute this often, so it walks with scandir and stats each file once.
    """
    if root.is_file():
        found = os.stat(root)
        return ((str(root), found.st_mtime_ns, found.st_size),)
    stamps = []
    for folder, subfolders, names in os.walk(root):
        if own_folders_only and folder == str(root):
            subfolders[:] = [d for d in subfolders if not d.startswith("_")]
        for name in names:
            path = os.path.join(folder, name)
            try:
                found = os.stat(path)
            except OSError:  # removed meanwhile: the next stamp will differ anyway
                continue
            if stat.S_ISREG(found.st_mode):
                stamps.append((path, found.st_mtime_ns, found.st_size))
    return tuple(sorted(stamps))


def _stamp(root: Path) -> object:
    return files_stamp(root, own_folders_only=True)


def published(settings: ConsoleSettings) -> tuple[Catalogs | None, list[Problem]]:
    """Return every department's 目录 that can be used, as the command line loads it now, and all problems.

    A department whose 目录 has an error is left out (unusable_catalog says why); the others are unaffected.
    """
    apart, problems = _published(settings)
    return (apart.catalogs if apart else None), problems


def unusable_catalog(settings: ConsoleSettings, slug: str) -> Unusable | None:
    """Return why the department's 目录 cannot be used now, or None when it can."""
    apart, _ = _published(settings)
    if apart is None or slug not in apart.broken:
        return None
    return Unusable(slug, apart.names.get(slug) or slug, "目录", tuple(apart.broken[slug]))


def _published(settings: ConsoleSettings) -> tuple[CatalogsApart | None, list[Problem]]:
    """Return the 目录 loaded apart (cached until a file changes)."""
    root = settings.inputs.catalogs
    with _lock:
        stamp = _stamp(root)
        cached = _catalog_cache.get(str(root))
        if cached is not None and cached[0] == stamp:
            return cached[1], cached[2]
        try:
            apart: CatalogsApart | None = load_catalogs_apart(root)
            problems = apart.problems if apart else []
        except InputError as error:
            apart, problems = None, error.problems
        _catalog_cache[str(root)] = (stamp, apart, problems)
        return apart, problems


def department_slugs(settings: ConsoleSettings) -> tuple[str, ...]:
    """Return the department folders, even when a 目录 has errors."""
    from generator.catalog.load import department_dirs

    return tuple(p.name for p in department_dirs(settings.inputs.catalogs))


def department(settings: ConsoleSettings, slug: str) -> Department | None:
    catalogs, _ = published(settings)
    if catalogs is None or slug not in catalogs.slugs:
        return None
    return catalogs.department(slug)


_known_names: dict[str, str] = {}  # every department's 名称 seen since the console started


def department_names(settings: ConsoleSettings) -> dict[str, str]:
    """Return each department folder's 名称; one whose facts cannot be read now keeps the 名称 it last had."""
    apart, _ = _published(settings)
    names = {**apart.names, **{d.slug: d.name for d in apart.catalogs.departments}} if apart else {}
    with _lock:
        _known_names.update(names)
        return {slug: _known_names.get(slug, slug) for slug in department_slugs(settings)}


def catalog_file(settings: ConsoleSettings, slug: str) -> Path | None:
    folder = settings.inputs.catalogs / slug
    return next((folder / n for n in CATALOG_NAMES if (folder / n).is_file()), None)


def template_xlsx(settings: ConsoleSettings, slug: str) -> bytes:
    """Return an empty 目录 workbook with the department's title line and header row (the seed header)."""
    import io

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


# -- checking an uploaded 目录 ------------------------------------------------------------------------


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


# -- the 台账 -----------------------------------------------------------------------------------------


def department_ledger(
    settings: ConsoleSettings, catalogs: Catalogs, slug: str, *, usable: bool = False
) -> tuple[Ledger, list[Problem]]:
    """Return one department's 台账 rows, its files only read (other departments untouched).

    With usable, a 台账 file of which no row can be used raises DepartmentUnusable (as a full load leaves the
    department out).
    """
    loaded = ledger_workflow.department_ledger(settings.inputs, catalogs, slug, _left_out(settings, catalogs))
    if usable and slug in loaded.unread:
        raise DepartmentUnusable(
            Unusable(slug, catalogs.department(slug).name, "台账", tuple(loaded.unread[slug]))
        )
    return loaded.ledger, loaded.problems


def _left_out(settings: ConsoleSettings, catalogs: Catalogs) -> tuple[str, ...]:
    """Return the department folders not in catalogs: their 台账 files are theirs, never another's."""
    return tuple(s for s in department_slugs(settings) if s not in catalogs.slugs)


# -- writing and publishing ----------------------------------------------------------------------------


Files = dict[Path, bytes | None]  # input files as they were: their bytes, None for one that was not there


def catalog_files(settings: ConsoleSettings, slug: str) -> Files:
    """Return the department's 目录 files as they are now, for putting back after a failed or killed publish."""
    folder = settings.inputs.catalogs / slug
    return {
        folder / n: ((folder / n).read_bytes() if (folder / n).is_file() else None) for n in CATALOG_NAMES
    }


def write_catalog(settings: ConsoleSettings, slug: str, content: bytes, ext: str) -> None:
    """Write the 目录 file atomically; a department folder holds one 目录 file, so any other is removed."""
    folder = settings.inputs.catalogs / slug
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


def rebuild(settings: ConsoleSettings) -> str:
    """Rebuild the site and index as `jiaozao build` does; return a one-line summary. Errors raise JiaozaoError."""
    result = build_site(
        settings.inputs, today_of(settings), settings.site, settings.src, index_dir=settings.index
    )
    summary = f"网站已更新：{result.pages} 个页面，用时 {sum(result.seconds.values()):.1f} 秒"
    left_out = [f"{u.name}（{u.reason}）" for u in result.inputs.unusable.values()]
    if left_out:  # named in clerk words on the job page; the audit log keeps the same line
        summary += "；以下部门的数据有误，这次没有发布，修正后重新发布即可：" + "；".join(left_out)
    return summary


def failure_text(error: BaseException) -> str:
    """Return why a publish failed, in Chinese, for the job page."""
    if isinstance(error, InputError):
        errors = [p for p in error.problems if p.level is Level.ERROR] or error.problems
        shown = "；".join(str(p) for p in errors[:5])
        more = f"（另有 {len(errors) - 5} 个问题）" if len(errors) > 5 else ""
        return f"目录或台账有错误，已发布的网站保持不变：{shown}{more}"
    if isinstance(error, JiaozaoError):
        return str(error)
    if isinstance(error, OSError):
        return f"无法读写文件（{error.strerror}），已发布的网站保持不变。请检查磁盘空间和权限"
    return f"程序内部错误（{type(error).__name__}），已发布的网站保持不变。请报告给维护人员"
