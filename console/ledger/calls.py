"""The console's 台账 work over the ledger workflow: check and preview an upload, accept it, and the current
台账's refused rows (kept until an input file changes, so 今日提醒 can count them on every view).
"""

from __future__ import annotations

from dataclasses import dataclass

from console.frame.problems import ProblemRow, problem_row
from console.settings import ConsoleSettings
from console.state.inputs import Files, department_ledger, published, today_of
from console.state.refused import refused_rows
from generator.problems import JiaozaoError
from generator.workflows import ledger as workflow
from generator.workflows import ledger_upload
from generator.workflows.ledger import LedgerCheck
from generator.workflows.loop import LoopClosed, close_loop
from generator.workflows.published import Catalogs


@dataclass(frozen=True)
class Refused:
    """The rows of the department's current 台账 that are not scheduled, and why."""

    rows: int  # data rows refused: rows read = rows scheduled + rows refused
    problems: list[ProblemRow]


def _catalogs(settings: ConsoleSettings, slug: str) -> Catalogs:
    catalogs, _ = published(settings)
    if catalogs is None or slug not in catalogs.slugs:
        raise JiaozaoError("本部门目录有错误，暂时无法处理台账：请先在“目录”页修正并发布目录")
    return catalogs


def catalogs_of(settings: ConsoleSettings, slug: str) -> Catalogs:
    """Return the published 目录 a department's 台账 is read with (an error when it cannot be used)."""
    return _catalogs(settings, slug)


def check(settings: ConsoleSettings, slug: str, content: bytes, ext: str, shown: str) -> LedgerCheck:
    """Return the uploaded 台账 checked and compared with the department's current one."""
    catalogs = _catalogs(settings, slug)
    current, _ = department_ledger(settings, catalogs, slug)
    return ledger_upload.check_department_upload(
        settings.inputs, catalogs, slug, current, content, ext, today_of(settings), f"上传的文件 {shown}",
        owners(settings),
    )  # fmt: skip


def owners(settings: ConsoleSettings) -> workflow.Owners | None:
    """Return where to ask which departments' current 台账 hold some 证照编号 (None: no 目录 can be used)."""
    catalogs, _ = published(settings)
    if catalogs is None:
        return None
    return lambda numbers: workflow.owners_among(settings.inputs, catalogs, numbers)


def fingerprint(settings: ConsoleSettings, slug: str) -> str:
    """Return what identifies the department's current 台账 (a preview holds only against it)."""
    catalogs = _catalogs(settings, slug)
    return workflow.fingerprint(workflow.department_files(settings.inputs.ledgers, catalogs, slug))


def current_content(settings: ConsoleSettings, slug: str) -> tuple[bytes, str] | None:
    """Return the department's current 台账 file and its kind, when it is one file."""
    files = workflow.department_files(settings.inputs.ledgers, _catalogs(settings, slug), slug)
    if len(files) != 1 or files[0].suffix.lower() not in (".xlsx", ".csv"):
        return None
    return files[0].read_bytes(), files[0].suffix.lower().lstrip(".")


def files_now(settings: ConsoleSettings, slug: str, ext: str) -> Files:
    """Return the department's 台账 files, and the one an upload of kind ext would write, as they are now."""
    return ledger_upload.files_now(settings.inputs.ledgers, _catalogs(settings, slug), slug, ext)


def replace(settings: ConsoleSettings, slug: str, content: bytes, ext: str) -> None:
    """Make content the department's 台账, where every command reads it."""
    ledger_upload.accept_ledger(settings.inputs.ledgers, _catalogs(settings, slug), slug, content, ext)


def close(settings: ConsoleSettings, slug: str, shown: str) -> LoopClosed:
    """Close the reminders the department's 台账, just accepted, shows renewed or applied for (续证闭环)."""
    catalogs = _catalogs(settings, slug)
    ledger, _ = department_ledger(settings, catalogs, slug)
    return close_loop(settings.inputs.registry, catalogs, ledger, today_of(settings), [slug], shown)


def refused(settings: ConsoleSettings, slug: str) -> Refused:
    """Return the current 台账's refused rows with the Excel row and the fix (computed again when a file changes)."""
    rows, problems = refused_rows(settings, slug)
    return Refused(rows, [problem_row(p) for p in problems])
