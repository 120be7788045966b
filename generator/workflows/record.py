"""Record: a filled phone worklist, or an uploaded SMS batch, into the 登记簿 — all of a file or none of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.config import Settings
from generator.ledger.load import Progress
from generator.pipeline import load_inputs
from generator.problems import JiaozaoError
from generator.reminders.registry import Registry
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
    settings: Settings, path: Path, today: date, progress: Progress | None = None
) -> RecordResult:
    """Put the reminders of a filled 电话提醒清单 into the 登记簿, every row checked against its department's ledger."""
    _must_exist(path)
    inputs = load_inputs(settings, today, progress)
    imported = returned_worklist(path, today, inputs.ledger, inputs.catalogs)
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


def _must_exist(path: Path) -> None:
    if not path.is_file():
        raise JiaozaoError(f"找不到文件“{path}”。请写出清单文件的路径")
