"""The site's settings (site.yaml) as the console edits them: read, checked exactly as `jiaozao build` would, and
written atomically where the command line reads them."""

from __future__ import annotations

import tempfile
from pathlib import Path

from console.frame.problems import ProblemRow, problem_row
from console.settings import ConsoleSettings
from generator.atomic import replacing
from generator.problems import InputError


def site_file(settings: ConsoleSettings) -> tuple[tuple[str, ...], str]:
    """Return site.yaml's known keys and the file's text ('' when missing)."""
    from generator.site.config import SITE_FILE, SITE_KEYS

    path = settings.inputs.catalogs / SITE_FILE
    return tuple(SITE_KEYS), path.read_text(encoding="utf-8-sig") if path.is_file() else ""


def check_site(settings: ConsoleSettings, text: str) -> list[ProblemRow]:
    """Return the problems `jiaozao build` would find in this site.yaml."""
    from generator.site.config import SITE_FILE, load_site_config

    with tempfile.TemporaryDirectory(prefix="jiaozao-console-") as scratch:
        folder = Path(scratch) / settings.inputs.catalogs.name
        folder.mkdir()
        (folder / SITE_FILE).write_text(text, encoding="utf-8")
        try:
            load_site_config(folder)
        except InputError as error:
            return [problem_row(p) for p in error.problems]
    return []


def write_site(settings: ConsoleSettings, text: str) -> None:
    from generator.site.config import SITE_FILE

    with replacing(settings.inputs.catalogs / SITE_FILE) as temp:
        temp.write_text(text, encoding="utf-8")
