"""Remind: load → schedule → who is due today (登记簿 consulted) → phone worklist, SMS batch, letters, e-mails."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.atomic import replacing_folder
from generator.config import Settings
from generator.export import PROBLEM_HEADERS, problem_rows, write_table
from generator.ledger.load import Progress
from generator.pipeline import Inputs, load_calendar, load_inputs
from generator.reminders.batch import DayWork, keep_sms, plan_day, write_day
from generator.reminders.mail import SmtpSettings
from generator.reminders.monthly import batch_day, monthly_rows
from generator.reminders.outbox import EmailReport, email_day
from generator.reminders.registry import Registry
from generator.schedule import compute_schedule

PROBLEMS_FILE = "问题清单.csv"


@dataclass(frozen=True)
class RemindResult:
    """The day's work per department, the files written and how the e-mails went."""

    inputs: Inputs
    work: DayWork
    out: Path
    written: list[Path]
    emails: EmailReport


def default_remind_folder(settings: Settings, today: date, monthly: bool) -> Path:
    return settings.out / "remind" / (today.isoformat() + ("-每月叫早" if monthly else ""))


def is_batch_day(settings: Settings, today: date) -> bool:
    """Say whether today is the monthly 叫早 day (the 15th, moved past rest days)."""
    calendar = load_calendar(settings)
    return today == batch_day(calendar, today.year, today.month)


def remind(
    settings: Settings, today: date, out: Path, smtp: SmtpSettings | None, *, monthly: bool = False,
    dry_run: bool = False, whole_folder: bool = True, progress: Progress | None = None,
) -> RemindResult:  # fmt: skip
    """Plan today's reminders, write the day's files into out, send (or with dry_run write) the e-mails.

    The day's files are swapped in together; with whole_folder the folder is replaced as one (the default day
    folder), otherwise entry by entry (a folder staff named, which may hold other files).
    """
    inputs = load_inputs(settings, today, progress)
    schedule = compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, today)
    batch = monthly_rows(inputs.ledger, inputs.catalogs, today) if monthly else None
    with Registry(settings.db) as registry:
        work = plan_day(inputs, schedule, registry, batch)
        # Every file of the day is written beside the folder and swapped in at the end: all of them or none.
        with replacing_folder(out, whole=whole_folder) as stage:
            written = [out / p.relative_to(stage) for p in write_day(work, stage)]
            if dry_run:
                emails = email_day(work, stage, smtp, registry, dry_run=True)
                emails.written = [out / p.relative_to(stage) for p in emails.written]
            if work.problems:
                write_table(stage / PROBLEMS_FILE, PROBLEM_HEADERS, problem_rows(work.problems))
        keep_sms(work, registry)
        if not dry_run:  # sent only once the files are in place
            emails = email_day(work, out, smtp, registry, dry_run=False)
    return RemindResult(inputs, work, out, written, emails)
