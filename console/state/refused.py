"""The rows of a department's current 台账 that are not scheduled, and why: kept until an input file changes, so
今日提醒 can count them on every view and the 台账 page can list them."""

from __future__ import annotations

from console.settings import ConsoleSettings
from console.state.inputs import department_ledger, published, today_of
from console.state.province import input_stamp, loaded_if_ready
from generator.problems import Problem
from generator.workflows import ledger as workflow


def refused_rows(settings: ConsoleSettings, slug: str) -> tuple[int, list[Problem]]:
    """Return how many data rows of the current 台账 are refused, and their problems (made again when a file
    changes): rows read = rows scheduled + rows refused."""
    stamp = (today_of(settings), input_stamp(settings))
    return settings.memory.kept(("refused", slug), stamp, lambda: _refused(settings, slug))


def _refused(settings: ConsoleSettings, slug: str) -> tuple[int, list[Problem]]:
    catalogs, _ = published(settings)
    if catalogs is None or slug not in catalogs.slugs:
        return 0, []
    ledger, problems = department_ledger(settings, catalogs, slug)
    return ledger.rows_rejected, workflow.refused_rows(problems)


def refused_count(settings: ConsoleSettings, slug: str) -> int:
    """Return how many certificates of the department's 台账 are not scheduled for errors (今日提醒 says so):
    from the province's 台账 already in memory when it is (reading the department's file again made the first
    今日提醒 of a million-row 台账 take 11 s), else from the department's file."""
    stamp = (today_of(settings), input_stamp(settings))
    day = loaded_if_ready(settings, stamp)
    if day is None:
        return refused_rows(settings, slug)[0]

    def count() -> (
        int
    ):  # a walk of the 台账 folder and of the province's problems: once per state of the files
        files = workflow.department_files(settings.inputs.ledgers, day.inputs.catalogs, slug)
        return workflow.refused_row_count(day.inputs.problems.items, files)

    return settings.memory.kept(("refused count", slug), stamp, count)
