"""Record: a filled phone worklist, or an SMS file uploaded to the platform, into the 登记簿 — all of a file or none."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from generator.config import Settings
from generator.ledger.load import Progress
from generator.pipeline import Inputs, load_inputs
from generator.problems import JiaozaoError, Problem
from generator.reminders.batch import SMS_FILE, DayWork
from generator.reminders.registry import Entry, Registry, ReminderRecord, SmsFile
from generator.reminders.results import check_result, results_for
from generator.reminders.returned import returned_sms, returned_worklist
from generator.reminders.smsbatch import LeftOut, SmsMessage, SmsSorting, sort_sms
from generator.reminders.store import place_name


@dataclass(frozen=True)
class RecordResult:
    """How many records a file gave, how many were new, how many rows were left blank, and what was said."""

    file: Path
    records: int
    added: int
    blank: int
    registry: str  # the file, or the database URL without its password
    warnings: list[Problem] = field(default_factory=list)  # rows recorded that the 台账 no longer holds
    left_out: list[LeftOut] = field(default_factory=list)  # SMS messages not recorded, and why

    @property
    def repeated(self) -> int:
        return self.records - self.added


@dataclass(frozen=True)
class SmsCheck:
    """What confirming an SMS file records and leaves out (and why), and the file: when made, how many messages."""

    name: str  # as staff know it: 短信.csv, or the path given
    made_at: str  # YYYY-MM-DD HH:MM, or empty when the file is not one kept when it was handed out
    messages: int
    kept: SmsFile | None
    records: list[ReminderRecord]
    left_out: list[LeftOut]
    warnings: list[Problem]

    @property
    def holders(self) -> int:
        return len({r.certificate.holder for r in self.records})


def record_worklist(
    settings: Settings, path: Path, today: date, progress: Progress | None = None, *,
    department: str | None = None, shown: str = "", inputs: Inputs | None = None,
) -> RecordResult:  # fmt: skip
    """Put the reminders of a filled 电话提醒清单 into the 登记簿, every row checked against the day's kept list
    (else its department's ledger); a row on the list the ledger no longer holds is recorded with a warning.

    department: the department every row must belong to (the console's page); shown: the name in messages;
    inputs: already loaded 目录 and 台账 of today.
    """
    _must_exist(path)
    inputs = inputs or load_inputs(settings, today, progress)
    with Registry(settings.registry) as registry:
        imported = returned_worklist(path, today, inputs.ledger, inputs.catalogs, registry, department, shown)
        added = registry.add(imported.records)
    return RecordResult(
        path, len(imported.records), added, imported.blank, place_name(settings.registry), imported.warnings
    )


def record_sms(
    settings: Settings, path: Path, sent_on: date, by_whom: str, today: date, progress: Progress | None = None
) -> RecordResult:
    """Put the messages of an SMS file uploaded to the SMS platform into the 登记簿 as 已发送（未核实送达）,
    leaving out those the confirmation must not record (see smsbatch)."""
    _must_exist(path)
    inputs = load_inputs(settings, today, progress)
    with Registry(settings.registry) as registry:
        kept = registry.sms_file_of(hashlib.sha256(path.read_bytes()).hexdigest())
        check = _check(registry, path, str(path), kept, sent_on, by_whom, inputs)
        added = registry.add(check.records)
    return RecordResult(
        path, len(check.records), added, 0, place_name(settings.registry), check.warnings, check.left_out
    )


def sms_file_to_confirm(settings: Settings, department: str, made_on: date, monthly: bool) -> SmsFile | None:
    """Return the department's SMS file handed out last that day (None: none handed out)."""
    with Registry(settings.registry) as registry:
        return registry.last_sms_file(department, made_on, monthly)


def check_sms(
    settings: Settings, department: str, file_id: int, sent_on: date, by_whom: str, inputs: Inputs
) -> SmsCheck:
    """Return what confirming a kept SMS file of the department would record and leave out; record nothing."""
    with Registry(settings.registry) as registry:
        return _check_kept(registry, department, file_id, sent_on, by_whom, inputs)


def confirm_sms(
    settings: Settings, department: str, file_id: int, sent_on: date, by_whom: str, inputs: Inputs
) -> tuple[SmsCheck, RecordResult]:
    """Record a kept SMS file of the department as uploaded: what check_sms says, as it says it now."""
    with Registry(settings.registry) as registry:
        check = _check_kept(registry, department, file_id, sent_on, by_whom, inputs)
        added = registry.add(check.records)
    path = Path(check.name)
    return check, RecordResult(
        path, len(check.records), added, 0, place_name(settings.registry), check.warnings, check.left_out
    )


def _check_kept(
    registry: Registry, department: str, file_id: int, sent_on: date, by_whom: str, inputs: Inputs
) -> SmsCheck:
    kept = registry.sms_file(file_id)
    if kept is None or kept.department != department:
        raise JiaozaoError("找不到这份短信文件：请刷新今日提醒页面，重新下载短信.csv 并上传短信平台后再确认")
    with tempfile.TemporaryDirectory(prefix="jiaozao-sms-") as scratch:
        path = Path(scratch) / SMS_FILE
        path.write_bytes(kept.content)
        return _check(registry, path, SMS_FILE, kept, sent_on, by_whom, inputs)


def _check(
    registry: Registry,
    path: Path,
    shown: str,
    kept: SmsFile | None,
    sent_on: date,
    by_whom: str,
    inputs: Inputs,
) -> SmsCheck:
    made_at = f"{kept.made_on.isoformat()} {kept.made_at[11:16]}" if kept else ""  # the day as staff work it
    source = f"{shown}（{made_at} 生成）" if made_at else shown
    last, since = (
        (kept.last_record, None) if kept else (0, sent_on)
    )  # unknown file: what was recorded that day

    def sort(messages: list[SmsMessage]) -> SmsSorting:
        return sort_sms(messages, registry, sent_on, by_whom, source, last, since)

    sorting, warnings, messages = returned_sms(path, shown, registry, inputs.ledger, inputs.catalogs, sort)
    return SmsCheck(shown, made_at, messages, kept, sorting.records, sorting.left_out, warnings)


def record_holder(
    settings: Settings, work: DayWork, slug: str, picks: Sequence[str], result: str, channel: str, remark: str,
    by_whom: str,
) -> tuple[list[ReminderRecord], list[int | None]]:  # fmt: skip
    """Record one holder's result for the picked certificates due in the day's plan (the console's 登记 of one
    household); return the records and their ids (None for a repeat). Picks not due that day raise InputError."""
    records = results_for(work, slug, list(picks), result, channel, remark, by_whom, work.today)
    return records, record_results(settings, records)


def record_results(settings: Settings, records: Sequence[ReminderRecord]) -> list[int | None]:
    """Put results entered in the console into the 登记簿 in one transaction; return each record's id.

    The same records as a filled worklist gives (same ON CONFLICT rule): a repeat gets None.
    """
    with Registry(settings.registry) as registry:
        return registry.add_each(records)


def correct_record(
    settings: Settings, department: str, record_id: int, result: str, channel: str, remark: str, by_whom: str
) -> tuple[Entry, int | None]:
    """Add a record superseding one of the department's (更正); return the old entry and the new id.

    Never an edit in place: the old record stays in the 登记簿, marked as corrected by the new one.
    """
    check_result(result, channel, remark)
    with Registry(settings.registry) as registry:
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
