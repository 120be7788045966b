"""Schedule: load → compute both reminder dates for every certificate → the schedule table (and problem list)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.atomic import OutputError
from generator.config import Settings
from generator.export import (
    PROBLEM_HEADERS,
    SCHEDULE_HEADERS,
    TableOutput,
    problem_rows,
    schedule_rows,
    write_tables,
)
from generator.ledger.load import Progress
from generator.pipeline import Inputs, load_inputs, refuse_broken_catalogs
from generator.schedule import compute_schedule
from portal.rules.status import Status

OUTPUT_SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class ScheduleResult:
    """The inputs scheduled, the count per status and the files written."""

    inputs: Inputs
    counts: dict[str, int]  # status label → certificates
    written: list[Path]


def refuse_bad_outputs(out: Path, problems_out: Path | None) -> None:
    """Refuse unusable output names before any data is read."""
    for path in (out, problems_out):
        if path is not None and path.suffix.lower() not in OUTPUT_SUFFIXES:
            raise OutputError(f"输出文件“{path}”的类型不支持：请用 .csv 或 .xlsx 结尾")
    if problems_out is not None and problems_out.resolve() == out.resolve():
        raise OutputError("--out 和 --problems 不能是同一个文件")


def write_schedule(
    settings: Settings, today: date, out: Path, problems_out: Path | None = None,
    progress: Progress | None = None,
) -> ScheduleResult:  # fmt: skip
    """Write the schedule table to out (and every problem to problems_out) and return the figures."""
    refuse_bad_outputs(out, problems_out)
    inputs = load_inputs(settings, today, progress)
    refuse_broken_catalogs(inputs)  # the whole table or none: a department missing from it would go unseen
    ledger = inputs.ledger
    schedule = compute_schedule(ledger, inputs.catalogs, inputs.calendar, today)
    tables = [TableOutput(out, SCHEDULE_HEADERS, schedule_rows(ledger, schedule, inputs.catalogs))]
    if problems_out is not None:
        tables.append(TableOutput(problems_out, PROBLEM_HEADERS, problem_rows(inputs.problems)))
    write_tables(*tables)  # both or neither: a failure leaves the previous files as they were
    written = [t.path for t in tables]
    counts = {s.label: int((schedule.status == s).sum()) for s in Status}
    return ScheduleResult(inputs, counts, written)
