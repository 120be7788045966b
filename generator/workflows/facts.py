"""A department's facts (department.yaml, renewal.yaml) and the site's settings (site.yaml) as a front door edits
them: read, checked exactly as `jiaozao check` and `jiaozao build` would, and written atomically where every
command reads them."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from generator.atomic import replacing
from generator.catalog.load import load_catalogs
from generator.problems import InputError, Problem
from generator.schedule import late_reminder_problems
from generator.workdays import WorkdayCalendar

FACT_FILES = ("department.yaml", "renewal.yaml")

# -- department.yaml and renewal.yaml ------------------------------------------------------------------


def fact_keys() -> tuple[dict[str, str], tuple[str, ...]]:
    """Return department.yaml's keys with their help texts, and renewal.yaml's guide keys."""
    from generator.catalog.facts import DEPARTMENT_KEYS, GUIDE_KEYS

    return DEPARTMENT_KEYS, GUIDE_KEYS


def fact_files(root: Path, slug: str) -> tuple[str, str]:
    """Return the text of the department's department.yaml and renewal.yaml ('' when missing)."""
    folder = root / slug
    return tuple(  # type: ignore[return-value]
        (folder / n).read_text(encoding="utf-8-sig") if (folder / n).is_file() else "" for n in FACT_FILES
    )


def check_facts(
    root: Path, slug: str, catalog: Path | None, department_text: str, renewal_text: str,
    calendar_of: Callable[[], WorkdayCalendar], today: date,
) -> list[Problem]:  # fmt: skip
    """Return the problems `jiaozao check` finds in the department with these two files and its 目录 file
    (errors and warnings); calendar_of is asked only once the 目录 loads."""
    with tempfile.TemporaryDirectory(prefix="jiaozao-console-") as scratch:
        folder = Path(scratch) / root.name / slug
        folder.mkdir(parents=True)
        if catalog is not None:
            shutil.copy2(catalog, folder / catalog.name)
        (folder / "department.yaml").write_text(department_text, encoding="utf-8")
        (folder / "renewal.yaml").write_text(renewal_text, encoding="utf-8")
        try:
            catalogs, problems = load_catalogs(folder.parent)
        except InputError as error:
            return error.problems
    return [*problems, *late_reminder_problems(catalogs, calendar_of(), today)]


def facts_now(root: Path, slug: str) -> dict[Path, bytes | None]:
    """Return department.yaml and renewal.yaml as they are now, for putting back after a failed publish."""
    paths = [root / slug / n for n in FACT_FILES]
    return {path: (path.read_bytes() if path.is_file() else None) for path in paths}


def write_facts(root: Path, slug: str, department_text: str, renewal_text: str) -> None:
    """Write both files atomically where the command line reads them."""
    folder = root / slug
    for name, text in zip(FACT_FILES, (department_text, renewal_text), strict=True):
        with replacing(folder / name) as temp:
            temp.write_text(text, encoding="utf-8")


# -- site.yaml -----------------------------------------------------------------------------------------


def site_file(root: Path) -> tuple[tuple[str, ...], str]:
    """Return site.yaml's known keys and the file's text ('' when missing)."""
    from generator.site.config import SITE_FILE, SITE_KEYS

    path = root / SITE_FILE
    return tuple(SITE_KEYS), path.read_text(encoding="utf-8-sig") if path.is_file() else ""


def check_site(root: Path, text: str) -> list[Problem]:
    """Return the problems `jiaozao build` would find in this site.yaml."""
    from generator.site.config import SITE_FILE, load_site_config

    with tempfile.TemporaryDirectory(prefix="jiaozao-console-") as scratch:
        folder = Path(scratch) / root.name
        folder.mkdir()
        (folder / SITE_FILE).write_text(text, encoding="utf-8")
        try:
            load_site_config(folder)
        except InputError as error:
            return error.problems
    return []


def write_site(root: Path, text: str) -> None:
    from generator.site.config import SITE_FILE

    with replacing(root / SITE_FILE) as temp:
        temp.write_text(text, encoding="utf-8")


def site_url(root: Path) -> str:
    """Return the public site's address as the build reads it from site.yaml (网址; / when it is not usable)."""
    from generator.site.config import read_site_config

    return read_site_config(root)[0].base_url or "/"
