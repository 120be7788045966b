"""The department's facts (department.yaml, renewal.yaml) and the site's settings (site.yaml) as the console edits
them: read, checked exactly as `jiaozao check` would, and written atomically where the command line reads them."""

from __future__ import annotations

from console.settings import ConsoleSettings
from console.work import Files, ProblemRow, calendar_of, catalog_file, problem_row, today_of
from generator.workflows import facts

# -- department.yaml and renewal.yaml ------------------------------------------------------------------


def fact_keys() -> tuple[dict[str, str], tuple[str, ...]]:
    """Return department.yaml's keys with their help texts, and renewal.yaml's guide keys."""
    return facts.fact_keys()


def fact_files(settings: ConsoleSettings, slug: str) -> tuple[str, str]:
    """Return the text of the department's department.yaml and renewal.yaml ('' when missing)."""
    return facts.fact_files(settings.inputs.catalogs, slug)


def check_facts(
    settings: ConsoleSettings, slug: str, department_text: str, renewal_text: str
) -> list[ProblemRow]:
    """Return the problems `jiaozao check` finds in the department with these two files (errors and warnings)."""
    problems = facts.check_facts(
        settings.inputs.catalogs, slug, catalog_file(settings, slug), department_text, renewal_text,
        lambda: calendar_of(settings), today_of(settings),
    )  # fmt: skip
    return [problem_row(p) for p in problems]


def facts_now(settings: ConsoleSettings, slug: str) -> Files:
    """Return department.yaml and renewal.yaml as they are now, for putting back after a failed publish."""
    return facts.facts_now(settings.inputs.catalogs, slug)


def write_facts(settings: ConsoleSettings, slug: str, department_text: str, renewal_text: str) -> None:
    """Write both files atomically where the command line reads them."""
    facts.write_facts(settings.inputs.catalogs, slug, department_text, renewal_text)


# -- site.yaml (管理员) ---------------------------------------------------------------------------------


def site_file(settings: ConsoleSettings) -> tuple[tuple[str, ...], str]:
    """Return site.yaml's known keys and the file's text ('' when missing)."""
    return facts.site_file(settings.inputs.catalogs)


def check_site(settings: ConsoleSettings, text: str) -> list[ProblemRow]:
    """Return the problems `jiaozao build` would find in this site.yaml."""
    return [problem_row(p) for p in facts.check_site(settings.inputs.catalogs, text)]


def write_site(settings: ConsoleSettings, text: str) -> None:
    facts.write_site(settings.inputs.catalogs, text)
