"""Which files under --ledgers are 台账, and which department each belongs to."""

from __future__ import annotations

import re
from pathlib import Path

from generator.catalog.model import Catalogs
from generator.problems import Level, Problem
from generator.tabular import SPREADSHEET_SUFFIXES


def find_ledger_files(path: Path, catalogs: Catalogs) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Return (file, department slug) for every ledger under path; files of no known department are problems."""
    if not path.exists():
        return [], [Problem(str(path), "台账文件或文件夹不存在", "请用 --ledgers 指定台账文件或文件夹")]
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    found, problems = [], []
    for file in files:
        if file.name.startswith(("~$", ".")) or any(p.startswith(".") for p in file.relative_to(path).parts):
            continue  # Excel's lock files and hidden files are nobody's ledger
        if file.suffix.lower() not in SPREADSHEET_SUFFIXES:
            kind = f"“{file.suffix}”文件" if file.suffix else "没有扩展名的文件"
            fix = "台账请存为 .xlsx 或 .csv（Excel/WPS：另存为）；不是台账的文件请移出台账文件夹"
            problems.append(Problem(str(file), f"{kind}不是台账，已跳过", fix, level=Level.WARNING))
            continue
        slug = department_of(file, path, catalogs.slugs)
        if slug is None:
            slugs = "、".join(catalogs.slugs)
            fix = f"请把文件名或所在文件夹名以部门代号开头（{slugs}），如 anshan-2026-11.xlsx"
            problems.append(Problem(str(file), "无法判断台账属于哪个部门", fix))
        else:
            found.append((file, slug))
    return found, problems


def department_of(file: Path, root: Path, slugs: tuple[str, ...]) -> str | None:
    """Return the slug that the file's name, or a folder between root and it, starts with."""
    folders = file.relative_to(root).parents if root != file else [file.parent]
    for name in (file.stem, *(p.name for p in folders if p.name), file.parent.name if root == file else ""):
        for slug in sorted(slugs, key=len, reverse=True):  # "anshan-weijian" before "anshan"
            if re.match(rf"{re.escape(slug)}(?:$|[-_. ])", name):
                return slug
    return None
