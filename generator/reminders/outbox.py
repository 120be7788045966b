"""The day's emails: written as .eml files in a dry run, else sent, each success recorded at once in the 登记簿."""

from __future__ import annotations

from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path

from generator.atomic import replacing
from generator.reminders.batch import DayWork
from generator.reminders.due import HolderGroup, gets_email
from generator.reminders.letters import file_stem
from generator.reminders.mail import Outcome, SmtpSettings, compose, send_all
from generator.reminders.registry import Registry, ReminderRecord

EMAIL_FOLDER = "邮件"
SENDER = "叫早（邮件）"


@dataclass
class EmailReport:
    """What happened to the day's emails."""

    written: list[Path] = field(default_factory=list)  # .eml files of a dry run
    sent: int = 0
    failed: list[Outcome] = field(default_factory=list)
    unsent: int = 0  # no SMTP server configured


def email_day(
    work: DayWork, out: Path, settings: SmtpSettings | None, registry: Registry, dry_run: bool
) -> EmailReport:
    """Send (or, in a dry run, write) one email per holder with an address; record each one sent."""
    report = EmailReport()
    sender = settings.sender if settings is not None else "jiaozao@localhost"
    for item in work.departments:
        messages = [(g, compose(g, sender, work.today)) for g in item.groups if gets_email(g)]
        if not messages:
            continue
        if dry_run:
            report.written += [
                _write_eml(out / item.department.slug / EMAIL_FOLDER, n, g, m)
                for n, (g, m) in enumerate(messages, 1)
            ]
        elif settings is None:
            report.unsent += len(messages)
        else:
            for outcome in send_all(settings, messages):
                if outcome.error:
                    report.failed.append(outcome)
                else:
                    registry.add(
                        _records(outcome, work)
                    )  # at once: a later crash cannot make it be sent again
                    report.sent += 1
    return report


def _records(outcome: Outcome, work: DayWork) -> list[ReminderRecord]:
    source = f"邮件 {outcome.message['Message-ID']}"
    return [
        ReminderRecord(
            r.certificate, r.kind, "电子邮件", work.today, SENDER, "已发送", outcome.group.email, source
        )
        for r in outcome.group.reminders
    ]


def _write_eml(folder: Path, number: int, group: HolderGroup, message: EmailMessage) -> Path:
    path = folder / f"{number:03d}-{file_stem(group.holder)}.eml"
    with replacing(path, private=True) as temp:
        temp.write_bytes(message.as_bytes(policy=policy.SMTP))
    return path
