"""The console's 目录 and 台账 work over the generator: the published 目录 and calendar (cached until a file
changes), checking an upload and previewing what it changes, writing files where the command line reads them,
and rebuilding the site and index through the build workflow, exactly as `jiaozao build` does.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from console import errors
from console.settings import ConsoleSettings
from generator.problems import InputError, JiaozaoError, Level, Problem, Unusable, column_letter
from generator.workflows import catalog_upload
from generator.workflows import published as published_inputs
from generator.workflows.build import build_site
from generator.workflows.published import Catalogs, CatalogsApart, Department, Ledger, WorkdayCalendar
from generator.workflows.published import files_stamp as files_stamp
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
            cached = _calendars[str(path)] = (stamp, published_inputs.load_calendar(settings.inputs))
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
    return published_inputs.unusable_catalog(apart, slug)


def _published(settings: ConsoleSettings) -> tuple[CatalogsApart | None, list[Problem]]:
    """Return the 目录 loaded apart (cached until a file changes)."""
    root = settings.inputs.catalogs
    with _lock:
        stamp = _stamp(root)
        cached = _catalog_cache.get(str(root))
        if cached is not None and cached[0] == stamp:
            return cached[1], cached[2]
        apart, problems = published_inputs.load_published(root)
        _catalog_cache[str(root)] = (stamp, apart, problems)
        return apart, problems


def department_slugs(settings: ConsoleSettings) -> tuple[str, ...]:
    """Return the department folders, even when a 目录 has errors."""
    return published_inputs.department_slugs(settings.inputs.catalogs)


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
    return published_inputs.catalog_file(settings.inputs.catalogs, slug)


def template_xlsx(settings: ConsoleSettings, slug: str) -> bytes:
    """Return an empty 目录 workbook with the department's title line and header row (the seed header)."""
    return published_inputs.template_xlsx(department(settings, slug))


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
    catalogs, _ = published(settings)
    found = catalog_upload.check_catalog(
        settings.inputs, slug, content, ext, lambda: calendar_of(settings), today_of(settings), catalogs
    )
    rows = [problem_row(p, _file_of(p, shown)) for p in found.problems]
    return CatalogCheck(found.rows, rows, found.changes, found.impact)


def _file_of(problem: Problem, shown: str) -> str:
    return (
        f"上传的文件 {shown}" if catalog_upload.is_uploaded(problem) else errors.file_in_words(problem.file)
    )


# -- the 台账 -----------------------------------------------------------------------------------------


def department_ledger(
    settings: ConsoleSettings, catalogs: Catalogs, slug: str, *, usable: bool = False
) -> tuple[Ledger, list[Problem]]:
    """Return one department's 台账 rows, its files only read (other departments untouched).

    With usable, a 台账 file of which no row can be used raises DepartmentUnusable (as a full load leaves the
    department out).
    """
    return published_inputs.department_ledger(settings.inputs, catalogs, slug, usable=usable)


# -- writing and publishing ----------------------------------------------------------------------------


Files = catalog_upload.Files


def catalog_files(settings: ConsoleSettings, slug: str) -> Files:
    """Return the department's 目录 files as they are now, for putting back after a failed or killed publish."""
    return catalog_upload.catalog_files(settings.inputs.catalogs, slug)


def write_catalog(settings: ConsoleSettings, slug: str, content: bytes, ext: str) -> None:
    """Write the 目录 file atomically; a department folder holds one 目录 file, so any other is removed."""
    catalog_upload.write_catalog(settings.inputs.catalogs, slug, content, ext)


put_back = catalog_upload.put_back


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
