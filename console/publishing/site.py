"""The site's settings (site.yaml) as the console edits them: read, checked exactly as `jiaozao build` would, and
written atomically where the command line reads them."""

from __future__ import annotations

from console.frame.problems import ProblemRow, problem_row
from console.settings import ConsoleSettings
from generator.workflows import facts


def site_file(settings: ConsoleSettings) -> tuple[tuple[str, ...], str]:
    """Return site.yaml's known keys and the file's text ('' when missing)."""
    return facts.site_file(settings.inputs.catalogs)


def check_site(settings: ConsoleSettings, text: str) -> list[ProblemRow]:
    """Return the problems `jiaozao build` would find in this site.yaml."""
    return [problem_row(p) for p in facts.check_site(settings.inputs.catalogs, text)]


def write_site(settings: ConsoleSettings, text: str) -> None:
    facts.write_site(settings.inputs.catalogs, text)
