"""The department's facts (department.yaml, renewal.yaml) and the site's settings (site.yaml) as the console edits
them: read, checked exactly as `jiaozao check` would, and written atomically where the command line reads them."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from console.frame.problems import ProblemRow, problem_row
from console.settings import ConsoleSettings
from console.state.inputs import Files, calendar_of, catalog_file, today_of
from generator.atomic import replacing
from generator.catalog.load import load_catalogs
from generator.problems import InputError
from generator.schedule import late_reminder_problems

# -- department.yaml and renewal.yaml ------------------------------------------------------------------


def fact_keys() -> tuple[dict[str, str], tuple[str, ...]]:
    """Return department.yaml's keys with their help texts, and renewal.yaml's guide keys."""
    from generator.catalog.facts import DEPARTMENT_KEYS, GUIDE_KEYS

    return DEPARTMENT_KEYS, GUIDE_KEYS


def fact_files(settings: ConsoleSettings, slug: str) -> tuple[str, str]:
    """Return the text of the department's department.yaml and renewal.yaml ('' when missing)."""
    folder = settings.inputs.catalogs / slug
    return tuple(  # type: ignore[return-value]
        (folder / n).read_text(encoding="utf-8-sig") if (folder / n).is_file() else ""
        for n in ("department.yaml", "renewal.yaml")
    )


def check_facts(
    settings: ConsoleSettings, slug: str, department_text: str, renewal_text: str
) -> list[ProblemRow]:
    """Return the problems `jiaozao check` finds in the department with these two files (errors and warnings)."""
    root = settings.inputs.catalogs
    with tempfile.TemporaryDirectory(prefix="jiaozao-console-") as scratch:
        folder = Path(scratch) / root.name / slug
        folder.mkdir(parents=True)
        current = catalog_file(settings, slug)
        if current is not None:
            shutil.copy2(current, folder / current.name)
        (folder / "department.yaml").write_text(department_text, encoding="utf-8")
        (folder / "renewal.yaml").write_text(renewal_text, encoding="utf-8")
        try:
            catalogs, problems = load_catalogs(folder.parent)
        except InputError as error:
            return [problem_row(p) for p in error.problems]
    problems = [
        *problems,
        *late_reminder_problems(catalogs, calendar_of(settings), today_of(settings)),
    ]
    return [problem_row(p) for p in problems]


def facts_now(settings: ConsoleSettings, slug: str) -> Files:
    """Return department.yaml and renewal.yaml as they are now, for putting back after a failed publish."""
    folder = settings.inputs.catalogs / slug
    paths = (folder / "department.yaml", folder / "renewal.yaml")
    return {path: (path.read_bytes() if path.is_file() else None) for path in paths}


def write_facts(settings: ConsoleSettings, slug: str, department_text: str, renewal_text: str) -> None:
    """Write both files atomically where the command line reads them."""
    folder = settings.inputs.catalogs / slug
    for name, text in (("department.yaml", department_text), ("renewal.yaml", renewal_text)):
        with replacing(folder / name) as temp:
            temp.write_text(text, encoding="utf-8")


# -- site.yaml (管理员) ---------------------------------------------------------------------------------
