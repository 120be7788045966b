"""The inputs as the console reads and writes them: the published 目录 and calendar (kept in the console's memory
until a file changes), one department's 台账, writing and putting back files where the command line reads them,
and rebuilding the site and index through the build workflow, exactly as `jiaozao build` does.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from console.memory import looked_at
from console.settings import ConsoleSettings
from generator.problems import InputError, JiaozaoError, Level, Problem, Unusable
from generator.workflows import catalog_upload
from generator.workflows import published as published_inputs
from generator.workflows.build import build_site
from generator.workflows.published import (
    Catalogs,
    CatalogsApart,
    Department,
    Ledger,
    WorkdayCalendar,
    department_of,
)
from generator.workflows.published import files_stamp as files_stamp
from portal.rules.china import china_today

WorkError = JiaozaoError  # what the generator raises for inputs it cannot use


def calendar_of(settings: ConsoleSettings) -> WorkdayCalendar:
    """Return the working-day calendar (cached until holidays.csv changes: building it takes a quarter second)."""
    path = settings.inputs.holidays
    stamp = (path.stat().st_mtime_ns, path.stat().st_size) if path.is_file() else None
    return settings.memory.kept("calendar", stamp, lambda: published_inputs.load_calendar(settings.inputs))


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


def input_stamp(settings: ConsoleSettings) -> object:
    """Return what changes when a 目录, department file, holidays.csv or 台账 file changes (one walk a request)."""
    return files_state(settings)


def files_state(settings: ConsoleSettings) -> tuple[object, object]:
    """Return what changes when a 目录, department file, holidays.csv or 台账 file changes: (the catalogs folder's
    files, the 台账 folder's when it is elsewhere), walked once per request and reused by the requests of the
    next settings.inputs_recheck seconds (console/memory.py, looked_at)."""
    catalogs, ledgers = settings.inputs.catalogs, settings.inputs.ledgers
    inside = ledgers.is_relative_to(catalogs)  # the usual catalogs/_ledgers: walked once
    return looked_at(
        ("inputs", catalogs, ledgers),
        lambda: (files_stamp(catalogs), () if inside else files_stamp(ledgers)),
        (settings.memory, settings.inputs_recheck),
    )


@dataclass(frozen=True)
class _InputParts:
    """The one walk of the input folders cut by what each department's day is read from."""

    # the catalogs folder's files outside its _ folders: every day loads every 目录
    catalogs: tuple[object, ...]
    # each department's 台账-folder files, by the name they (or their folder) start with
    ledgers: dict[str, tuple[object, ...]]
    # 台账-folder files naming no department (the loader finds theirs by content), files of other _ folders
    unnamed: tuple[object, ...]


def department_stamps(settings: ConsoleSettings) -> Callable[[str], object]:
    """Return, for any department, what changes when a file its day is read from changes — from one walk of the
    input folders: a 目录, department file or holidays.csv (every day loads every 目录), the department's own 台账
    files and 联系方式更正 (their names, or their folder's, start with its code, as the 台账 loader finds them), or
    a 台账-folder file whose name names no department (the loader may find it the department's by its content).
    Another department's 台账 accepted leaves this department's day, plans and 督促检查 figures as they are."""
    parts = _input_parts(settings)
    return lambda slug: (parts.catalogs, parts.ledgers.get(slug, ()), parts.unnamed)


def _input_parts(settings: ConsoleSettings) -> _InputParts:
    state = files_state(settings)
    return settings.memory.kept("input parts", state, lambda: _parts(settings, state))


def _parts(settings: ConsoleSettings, state: tuple[object, object]) -> _InputParts:
    catalogs, ledgers = settings.inputs.catalogs, settings.inputs.ledgers
    root, folder = str(catalogs) + os.sep, str(ledgers) + os.sep
    inside, outside = state
    assert isinstance(inside, tuple) and isinstance(outside, tuple)
    mine: list[object] = []
    in_ledgers: list[tuple[str, int, int]] = list(outside)
    unnamed: list[object] = []
    for found in inside:
        path = found[0]
        if not (path[len(root) :].startswith("_") and os.sep in path[len(root) :]):
            mine.append(found)
        elif path == str(ledgers) or path.startswith(folder):
            in_ledgers.append(found)
        else:
            unnamed.append(found)
    slugs, folder_of_files = department_slugs(settings), ledgers.is_dir()  # else one file: everyone's
    by_slug: dict[str, list[object]] = {}
    for found in in_ledgers:
        slug = department_of(Path(found[0]), ledgers, slugs) if folder_of_files else None
        if slug is None:
            unnamed.append(found)
        else:
            by_slug.setdefault(slug, []).append(found)
    return _InputParts(tuple(mine), {s: tuple(f) for s, f in by_slug.items()}, tuple(unnamed))


def _stamp(settings: ConsoleSettings) -> object:
    """Return the state of the published 目录 files: the catalogs folder's files but those in its _ folders (the
    台账), cut from the one walk of the inputs."""
    return _input_parts(settings).catalogs


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


def published_apart(settings: ConsoleSettings) -> CatalogsApart | None:
    """Return every department's 目录 loaded apart, as kept (None when none can be used)."""
    return _published(settings)[0]


def _published(settings: ConsoleSettings) -> tuple[CatalogsApart | None, list[Problem]]:
    """Return the 目录 loaded apart (cached until a file changes)."""
    root = settings.inputs.catalogs
    return settings.memory.kept("published", _stamp(settings), lambda: published_inputs.load_published(root))


def department_slugs(settings: ConsoleSettings) -> tuple[str, ...]:
    """Return the department folders, even when a 目录 has errors."""
    root = settings.inputs.catalogs
    return looked_at(
        ("department folders", root),
        lambda: published_inputs.department_slugs(root),
        (settings.memory, settings.inputs_recheck),
    )


def department(settings: ConsoleSettings, slug: str) -> Department | None:
    catalogs, _ = published(settings)
    if catalogs is None or slug not in catalogs.slugs:
        return None
    return catalogs.department(slug)


def department_names(settings: ConsoleSettings) -> dict[str, str]:
    """Return each department folder's 名称; one whose facts cannot be read now keeps the 名称 it last had."""
    apart, _ = _published(settings)
    names = {**apart.names, **{d.slug: d.name for d in apart.catalogs.departments}} if apart else {}
    memory = settings.memory
    with memory.turn("names"):  # every department's 名称 seen since the console started
        found = memory.get("names")
        known = {**(found[1] if found else {}), **names}  # type: ignore[dict-item]
        memory.put("names", None, known)
    return {slug: known.get(slug, slug) for slug in department_slugs(settings)}


def catalog_file(settings: ConsoleSettings, slug: str) -> Path | None:
    return published_inputs.catalog_file(settings.inputs.catalogs, slug)


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
