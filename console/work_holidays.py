"""The console's calls into the holidays workflow: each year's source, and a pasted notice previewed or imported.

The preview says what `jiaozao holidays import --dry-run` prints, in the same words; the import writes the same
holidays.csv as `jiaozao holidays import` of the same text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from console.settings import ConsoleSettings
from console.work import today_of
from generator.workflows.holidays import (
    ImportResult,
    YearSource,
    change_lines,
    estimated_next_year,
    impact_lines,
    import_notice_text,
    list_year_sources,
    notice_title,
)

PASTED = "粘贴的通知"  # how problems name the text (the command line names the file)
LONGEST = 100_000  # characters: a notice is a few thousand


@dataclass(frozen=True)
class NoticePreview:
    """What an import of a notice reads and changes, worded as the command line words it."""

    title: str
    table: list[tuple[str, str, str, str]]  # 节日, 放假, 上班, 共几天
    counts: str  # holidays.csv：新增 …，改动 …，删除 …
    replaced: list[str]  # staff rows the notice replaces
    cleared: list[str]  # years no longer estimated
    impact: list[str]  # reminder dates moved, 估算 marks before → after
    impact_note: str  # why there is no impact, when there is none
    unchanged: bool  # holidays.csv would stay as it is
    written: bool


def year_sources(settings: ConsoleSettings) -> tuple[list[YearSource], int | None]:
    """Return where each year comes from, and next year when (October on) it is still estimated."""
    today = today_of(settings)
    years = list_year_sources(settings.inputs, today)
    return years, estimated_next_year(years, today)


def preview(settings: ConsoleSettings, text: str) -> NoticePreview:
    """Return what importing the text would do; nothing is written. Problems raise InputError."""
    return _preview(import_notice_text(text, PASTED, settings.inputs, today_of(settings), dry_run=True))


def import_text(settings: ConsoleSettings, text: str) -> NoticePreview:
    """Merge the text into holidays.csv (and record the notice) as `jiaozao holidays import` does."""
    return _preview(import_notice_text(text, PASTED, settings.inputs, today_of(settings), dry_run=False))


def holidays_digest(settings: ConsoleSettings) -> str:
    """Return the SHA-256 of holidays.csv ('' when there is none), to tell whether it changed since a preview."""
    path = settings.inputs.holidays
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def _preview(result: ImportResult) -> NoticePreview:
    counts, replaced, cleared = change_lines(result.merge, result.cleared_years)
    impact = impact_lines(result.impact) if result.impact is not None else []
    return NoticePreview(
        notice_title(result.notice), result.table, counts, replaced, cleared, impact, result.impact_note,
        result.merge.unchanged, result.written,
    )  # fmt: skip
