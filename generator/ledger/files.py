"""Which files under --ledgers are 台账, and which department each belongs to."""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path

from generator.catalog.model import Catalogs, Department
from generator.ledger.schema import LEDGER_COLUMNS
from generator.problems import InputError, Level, Problem
from generator.tabular import SPREADSHEET_SUFFIXES, locate_header, read_sheets
from portal.rules.text import normalize_name


def find_ledger_files(
    path: Path, catalogs: Catalogs, left_out: Collection[str] = ()
) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Return (file, department slug) for every ledger under path; files of no known department are problems.

    Files of a department left_out (its 目录 could not be read) are not read, nor given to another department.
    """
    if not path.exists():
        return [], [Problem(str(path), "台账文件或文件夹不存在", "请用 --ledgers 指定台账文件或文件夹")]
    files = [path] if path.is_file() else _files_under(path)
    found, problems = [], []
    slugs = (*catalogs.slugs, *left_out)  # made once: a province has 300 departments and 300 files
    for file in files:
        if file.name.startswith(("~$", ".")) or any(p.startswith(".") for p in file.relative_to(path).parts):
            continue  # Excel's lock files and hidden files are nobody's ledger
        if file.suffix.lower() not in SPREADSHEET_SUFFIXES:
            kind = f"“{file.suffix}”文件" if file.suffix else "没有扩展名的文件"
            fix = "台账请存为 .xlsx 或 .csv（Excel/WPS：另存为）；不是台账的文件请移出台账文件夹"
            problems.append(Problem(str(file), f"{kind}不是台账，已跳过", fix, level=Level.WARNING))
            continue
        slug = department_of(file, path, slugs)
        if slug in left_out:
            message = "该部门的目录有错误，本部门暂停提醒，这份台账没有读取"
            fix = "请先修正该部门的目录；修正后台账会照常读取"
            problems.append(Problem(str(file), message, fix, level=Level.WARNING))
            continue
        if slug is None:
            slug, problem = guess_department(file, catalogs)
            problems.append(problem)
        if slug is not None:
            found.append((file, slug))
    return found, problems


def _files_under(root: Path) -> list[Path]:
    """Return the files under root, in name order: os.walk, not Path.rglob, which hashes every path it yields (a
    province's 台账 folder took 150 ms on each 今日提醒 view). Links to folders are not followed, as rglob."""
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            full = os.path.join(folder, name)
            if os.path.isfile(full):
                found.append(Path(full))
    return sorted(found)


def department_of(file: Path, root: Path, slugs: tuple[str, ...]) -> str | None:
    """Return the slug that the file's name, or a folder between root and it, starts with."""
    folders = file.relative_to(root).parents if root != file else [file.parent]
    pattern = _slugs_pattern(slugs)
    for name in (file.stem, *(p.name for p in folders if p.name), file.parent.name if root == file else ""):
        found = pattern.match(name)
        if found:
            return found.group(1)
    return None


@lru_cache(maxsize=8)
def _slugs_pattern(slugs: tuple[str, ...]) -> re.Pattern[str]:
    """Return one pattern for a name that starts with a slug, the longest tried first ("anshan-weijian" before
    "anshan"): a province's few hundred 台账 files against its few hundred slugs, on every 今日提醒 view."""
    ordered = sorted(slugs, key=len, reverse=True)
    if not ordered:
        return re.compile(r"(?!)()")  # matches nothing
    return re.compile(rf"({'|'.join(re.escape(s) for s in ordered)})(?:$|[-_. ])")


def guess_department(file: Path, catalogs: Catalogs) -> tuple[str | None, Problem]:
    """Return the department of a ledger whose name says none, and a problem saying why (or why not).

    The only department there is; else the one department whose 目录 holds every certificate name in the file.
    """
    shown, slugs = str(file), "、".join(catalogs.slugs)
    naming = f"请把文件名或所在文件夹名以部门代号开头（{slugs}），如 {catalogs.slugs[0] if slugs else 'anshan'}-2026-11.xlsx"
    if len(catalogs.departments) == 1:
        only = catalogs.departments[0]
        message = f"文件名和文件夹名没有写部门代号；只有一个部门，按{only.name}（{only.slug}）的台账读取"
        return only.slug, Problem(shown, message, naming, level=Level.WARNING)
    names = _certificate_names(file)
    if not names:
        return None, Problem(
            shown, "无法判断台账属于哪个部门（文件名没有部门代号，也读不到证照名称）", naming
        )
    holders = [d for d in catalogs.departments if d.items and names <= _catalogue_names(d)]
    if len(holders) == 1:
        chosen = holders[0]
        message = (
            f"文件名和文件夹名没有写部门代号；文件中全部 {len(names)} 种证照名称都在{chosen.name}（{chosen.slug}）"
            "的目录中，按该部门的台账读取"
        )
        return chosen.slug, Problem(shown, message, naming, level=Level.WARNING)
    if holders:
        candidates = "、".join(f"{d.name}（{d.slug}）" for d in holders)
        message = f"无法判断台账属于哪个部门：文件中的证照名称在几个部门的目录中都有（{candidates}）"
        return None, Problem(shown, message, naming)
    closest = sorted(catalogs.departments, key=lambda d: -len(names & _catalogue_names(d)))[:3]
    candidates = "、".join(f"{d.name}（{d.slug}，{len(names & _catalogue_names(d))} 种）" for d in closest)
    message = f"无法判断台账属于哪个部门：没有一个部门的目录包含文件中全部 {len(names)} 种证照名称（最接近：{candidates}）"
    return None, Problem(shown, message, naming)


def _certificate_names(file: Path) -> set[str]:
    """Return the distinct certificate (or matter) names of every ledger sheet of a file, normalised."""
    try:
        sheets = read_sheets(file, str(file))
    except InputError:
        return set()
    names: set[str] = set()
    for sheet in sheets:
        table = locate_header(sheet, LEDGER_COLUMNS)
        if table is None:
            continue
        field = "certificate" if "certificate" in table.fields else "matter"
        if field not in table.fields:
            continue
        col = table.fields[field]
        names.update(normalize_name(sheet.cell_text(row, col)) for row in table.data_rows)
    names.discard("")
    return names


def _catalogue_names(department: Department) -> set[str]:
    items = department.items
    return {normalize_name(i.certificate) for i in items} | {normalize_name(i.matter) for i in items}
