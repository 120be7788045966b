"""Record: a filled phone worklist, or an uploaded SMS batch, into the 登记簿 — all of a file or none of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from generator.config import Settings
from generator.ledger.load import Progress
from generator.pipeline import Inputs, load_inputs
from generator.problems import JiaozaoError
from generator.reminders.registry import Entry, Registry, ReminderRecord
from generator.reminders.results import check_result
from generator.reminders.returned import returned_sms, returned_worklist


@dataclass(frozen=True)
class RecordResult:
    """How many records a file gave, how many were new, and how many rows were left blank."""

    file: Path
    records: int
    added: int
    blank: int
    registry: Path

    @property
    def repeated(self) -> int:
        return self.records - self.added


def record_worklist(
    settings: Settings, path: Path, today: date, progress: Progress | None = None, *,
    department: str | None = None, shown: str = "", inputs: Inputs | None = None,
) -> RecordResult:  # fmt: skip
    """Put the reminders of a filled 电话提醒清单 into the 登记簿, every row checked against its department's ledger.

    department: the department every row must belong to (the console's page); shown: the name in messages;
    inputs: already loaded 目录 and 台账 of today.
    """
    _must_exist(path)
    inputs = inputs or load_inputs(settings, today, progress)
    imported = returned_worklist(path, today, inputs.ledger, inputs.catalogs, department, shown)
    with Registry(settings.db) as registry:
        added = registry.add(imported.records)
    return RecordResult(path, len(imported.records), added, imported.blank, settings.db)


def record_sms(
    settings: Settings, path: Path, sent_on: date, by_whom: str, today: date, progress: Progress | None = None
) -> RecordResult:
    """Put the messages of an SMS batch uploaded to the SMS platform into the 登记簿 as sent (still in the ledger)."""
    _must_exist(path)
    inputs = load_inputs(settings, today, progress)
    with Registry(settings.db) as registry:
        records = returned_sms(path, registry, sent_on, by_whom, inputs.ledger, inputs.catalogs)
        added = registry.add(records)
    return RecordResult(path, len(records), added, 0, settings.db)


def record_results(settings: Settings, records: Sequence[ReminderRecord]) -> list[int | None]:
    """Put results entered in the console into the 登记簿 in one transaction; return each record's id.

    The same records as a filled worklist gives (same ON CONFLICT rule): a repeat gets None.
    """
    with Registry(settings.db) as registry:
        return registry.add_each(records)


def correct_record(
    settings: Settings, department: str, record_id: int, result: str, channel: str, remark: str, by_whom: str
) -> tuple[Entry, int | None]:
    """Add a record superseding one of the department's (更正); return the old entry and the new id.

    Never an edit in place: the old record stays in the 登记簿, marked as corrected by the new one.
    """
    check_result(result, channel, remark)
    with Registry(settings.db) as registry:
        old = registry.entry(department, record_id)
        if old is None or old.superseded_by is not None:
            raise JiaozaoError(f"没有找到第 {record_id} 条记录，或它已被更正过：请刷新页面后重试")
        fixed = replace(
            old.record, result=result, channel=channel, remark=remark.strip(), by_whom=by_whom,
            source=f"更正第 {record_id} 条",
        )  # fmt: skip
        return old, registry.correct(fixed, record_id)


def _must_exist(path: Path) -> None:
    if not path.is_file():
        raise JiaozaoError(f"找不到文件“{path}”。请写出清单文件的路径")
