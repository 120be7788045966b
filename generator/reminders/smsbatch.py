"""Reading back an SMS file staff uploaded to the SMS platform, matched to the certificates it was about.

What is recorded is only what the file held, as 已发送（未核实送达） (nobody saw it delivered), and not a message
whose number was recorded that day as 号码有误, nor a certificate whose holder was recorded as reminded (已告知 …)
after the file was made: each left out is named with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from generator.ledger.identifiers import normalize_phone
from generator.problems import InputError, Problem
from generator.reminders.registry import (
    UNVERIFIED_SMS,
    WRONG_NUMBER,
    RegisteredCertificate,
    Registry,
    ReminderRecord,
)
from generator.spreadsheet import csv_original
from generator.tabular import cell_text, read_sheet

SMS_HEADERS = ("手机号", "短信内容")


@dataclass(frozen=True)
class SmsMessage:
    """One message of an SMS file: its CSV row, number, and the certificates (with kind) it was about."""

    row: int
    phone: str
    certificates: list[tuple[RegisteredCertificate, str]]


@dataclass(frozen=True)
class LeftOut:
    """A message (or one certificate of it) that confirming the file does not record, and why."""

    row: int
    holder: str
    certificates: str
    reason: str


@dataclass
class SmsSorting:
    """What confirming an SMS file records (a record per certificate, with its CSV row) and what it leaves out."""

    records: list[ReminderRecord] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)


def read_sms_messages(path: Path, shown: str, registry: Registry) -> list[SmsMessage]:
    """Return every message of an SMS file made by 叫早; a changed or unknown one refuses the file."""
    sheet = read_sheet(path, shown)
    headers = tuple(cell_text(v) for v in sheet.rows[0][:2]) if sheet.rows else ()
    if headers != SMS_HEADERS:
        fix = "请登记叫早生成的短信文件（表头：手机号,短信内容），不要改动"
        raise InputError([Problem(shown, "不是叫早生成的短信批量文件，整个文件未登记", fix, 1)])
    messages, problems = list[SmsMessage](), list[Problem]()
    for row, cells in enumerate(sheet.rows[1:], start=2):
        phone = normalize_phone(cell_text(cells[0]))
        text = csv_original(str(cells[1] if len(cells) > 1 else ""))
        if not phone and not text:
            continue
        found = registry.sms_certificates(phone, text)
        if not found:
            fix = "该条短信不是叫早生成的，或手机号、内容被改过；请用原文件登记"
            problems.append(Problem(shown, "登记簿中找不到这条短信", fix, row, "手机号", 0, phone))
        messages.append(SmsMessage(row, phone, found))
    if problems:
        raise InputError(
            [*problems, Problem(shown, f"共 {len(problems)} 处错误，整个文件未登记", "改正后重新登记")]
        )
    return messages


def sort_sms(
    messages: list[SmsMessage], registry: Registry, sent_on: date, by_whom: str, source: str, last: int,
    since: date | None = None,
) -> SmsSorting:  # fmt: skip
    """Return the records confirming these messages gives, and what it leaves out and why.

    last: the 登记簿's last record id when the file was made (what was recorded after it counts as after);
    since: with no such id known, the day the file was made.
    """
    wrong = registry.results_on(sent_on, WRONG_NUMBER)
    done = registry.done_after(last, since)
    sorting = SmsSorting()
    for message in messages:
        keys = [c.key for c, _ in message.certificates]
        holder = message.certificates[0][0].holder if message.certificates else ""
        if any(k in wrong for k in keys):
            named = "、".join(_name(c) for c, _ in message.certificates)
            sorting.left_out.append(
                LeftOut(message.row, holder, named, f"今天已登记为“{WRONG_NUMBER}”：这个号码收不到短信")
            )
            continue
        for c, kind in message.certificates:
            result = done.get(c.key)
            if result is not None:
                reason = (
                    "此前已确认过这条短信，已登记"
                    if result == UNVERIFIED_SMS
                    else f"短信文件生成后已登记为“{result}”"
                )
                sorting.left_out.append(LeftOut(message.row, c.holder, _name(c), reason))
                continue
            sorting.records.append(
                ReminderRecord(
                    c, kind, "短信", sent_on, by_whom, UNVERIFIED_SMS, "", f"{source} 第 {message.row} 行"
                )
            )
            sorting.rows.append(message.row)
    return sorting


def _name(c: RegisteredCertificate) -> str:
    return f"{c.certificate}（{c.number}）" if c.number else c.certificate
