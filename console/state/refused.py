"""The rows of a department's current 台账 that are not scheduled, and why: kept until an input file changes, so
今日提醒 can count them on every view and the 台账 page can list them."""

from __future__ import annotations

from console.settings import ConsoleSettings
from console.state.department_day import department_day, stamp_of
from console.state.inputs import department_ledger, published
from generator.problems import Problem
from generator.workflows import ledger as workflow
from generator.workflows.remind import LoadedDay


def refused_rows(settings: ConsoleSettings, slug: str) -> tuple[int, list[Problem]]:
    """Return how many data rows of the current 台账 are refused, and their problems (made again when a file
    changes): rows read = rows scheduled + rows refused."""
    stamp = stamp_of(settings, slug)
    return settings.memory.kept(("refused", slug), stamp, lambda: _refused(settings, slug))


def _refused(settings: ConsoleSettings, slug: str) -> tuple[int, list[Problem]]:
    catalogs, _ = published(settings)
    if catalogs is None or slug not in catalogs.slugs:
        return 0, []
    ledger, problems = department_ledger(settings, catalogs, slug)
    return ledger.rows_rejected, workflow.refused_rows(problems)


def refused_count(settings: ConsoleSettings, slug: str) -> int:
    """Return how many certificates of the department's 台账 are not scheduled for errors (今日提醒 says so):
    from the department's day, the one 今日提醒 plans from (its files are not read again), kept with it (finding
    the department's files among a province's takes a tenth of a second)."""
    day, key = department_day(settings, slug), ("refused count", slug)
    found = settings.memory.get(key)
    if found is not None and isinstance(found[1], tuple) and found[1][0] is day:
        return int(found[1][1])
    return settings.memory.put(key, None, (day, _count(settings, slug, day)))[1]


def _count(settings: ConsoleSettings, slug: str, day: LoadedDay) -> int:
    files = workflow.department_files(settings.inputs.ledgers, day.inputs.catalogs, slug)
    return workflow.refused_row_count(day.inputs.problems.items, files)
