"""Remind: load → schedule → who is due today (登记簿 consulted) → phone worklist, SMS batch, letters, e-mails."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from generator.atomic import replacing_folder
from generator.catalog.load import CatalogsApart
from generator.config import Settings
from generator.export import PROBLEM_HEADERS, problem_rows, write_table
from generator.ledger.load import Progress
from generator.pipeline import Inputs, load_calendar, load_inputs
from generator.problems import ProblemList
from generator.reminders.batch import (
    SMS_FILE,
    DayWork,
    keep_day,
    keep_sms_file,
    plan_day,
    replan_holders,
    write_day,
)
from generator.reminders.mail import SmtpSettings as SmtpSettings
from generator.reminders.monthly import batch_day, monthly_rows
from generator.reminders.outbox import EmailReport, email_day
from generator.reminders.registry import Registry, SmsFile
from generator.reminders.smsplatform import on_platform
from generator.schedule import Schedule, compute_schedule
from generator.workdays import WorkdayCalendar
from generator.workflows.loop import LoopClosed, close_loop

PROBLEMS_FILE = "问题清单.csv"


@dataclass(frozen=True)
class RemindResult:
    """The day's work per department, the files written and how the e-mails went."""

    inputs: Inputs
    work: DayWork
    out: Path
    written: list[Path]
    emails: EmailReport
    closed: LoopClosed | None = None  # what the 台账 showed renewed or applied for (续证闭环)


def default_remind_folder(settings: Settings, today: date, monthly: bool) -> Path:
    return settings.out / "remind" / (today.isoformat() + ("-每月叫早" if monthly else ""))


def is_batch_day(settings: Settings, today: date) -> bool:
    """Say whether today is the monthly 叫早 day (the 15th, moved past rest days)."""
    calendar = load_calendar(settings)
    return today == batch_day(calendar, today.year, today.month)


def remind(
    settings: Settings, today: date, out: Path, smtp: SmtpSettings | None, *, monthly: bool = False,
    dry_run: bool = False, whole_folder: bool = True, progress: Progress | None = None, sms_platform: bool = False,
) -> RemindResult:  # fmt: skip
    """Plan today's reminders, write the day's files into out, send (or with dry_run write) the e-mails.

    The day's files are swapped in together; with whole_folder the folder is replaced as one (the default day
    folder), otherwise entry by entry (a folder staff named, which may hold other files).
    """
    day = load_day(settings, today, progress)
    closed = close_ledger_loop(settings, day.inputs, today)
    work = plan_today(settings, today, monthly=monthly, loaded=day)
    if sms_platform:
        work = without_platform_sms(work)
    with Registry(settings.registry) as registry:
        # Every file of the day is written beside the folder and swapped in at the end: all of them or none.
        with replacing_folder(out, whole=whole_folder, private=True) as stage:
            written = [out / p.relative_to(stage) for p in write_day(work, stage)]
            if dry_run:
                emails = email_day(work, stage, smtp, registry, dry_run=True)
                emails.written = [out / p.relative_to(stage) for p in emails.written]
            if work.problems:
                write_table(stage / PROBLEMS_FILE, PROBLEM_HEADERS, problem_rows(work.problems))
        keep_day(work, registry)
        for item in work.departments:  # each SMS file as handed out, to confirm its upload against later
            if item.sms:
                keep_sms_file(
                    registry, item.department.slug, today, monthly, out / item.department.slug / SMS_FILE
                )
        if not dry_run:  # sent only once the files are in place
            emails = email_day(work, out, smtp, registry, dry_run=False)
    return RemindResult(day.inputs, work, out, written, emails, closed)


def close_ledger_loop(settings: Settings, inputs: Inputs, today: date) -> LoopClosed:
    """Close the reminders the 台账 just read shows renewed or applied for (departments left out are not read)."""
    slugs = [slug for slug in inputs.catalogs.slugs if slug not in inputs.unusable]
    return close_loop(settings.registry, inputs.catalogs, inputs.ledger, today, slugs)


@dataclass(frozen=True)
class LoadedDay:
    """A day's 目录, 台账 and schedule, loaded once (the console keeps it while no input file changes)."""

    inputs: Inputs
    schedule: Schedule


def load_day(settings: Settings, today: date, progress: Progress | None = None) -> LoadedDay:
    """Load the inputs and schedule them for today."""
    inputs = load_inputs(settings, today, progress)
    return LoadedDay(inputs, compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, today))


def load_department_day(
    settings: Settings, today: date, slug: str, apart: CatalogsApart | None = None,
    calendar: WorkdayCalendar | None = None,
) -> LoadedDay:  # fmt: skip
    """Load every 目录 but only this department's 台账 and corrections, and schedule them for today: its day as
    load_day has it, without reading the other departments' 台账 (a clerk works on their own department).
    apart, calendar: the 目录 and calendar already loaded from these settings, else they are read."""
    inputs = load_inputs(settings, today, only=slug, apart=apart, calendar=calendar)
    return LoadedDay(inputs, compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, today))


def plan_today(
    settings: Settings, today: date, *, monthly: bool = False, departments: set[str] | None = None,
    loaded: LoadedDay | None = None,
) -> DayWork:  # fmt: skip
    """Return who is due today by the rule of `jiaozao remind` (or the monthly batch), writing and sending nothing."""
    day = loaded or load_day(settings, today)
    batch = monthly_rows(day.inputs.ledger, day.inputs.catalogs, today) if monthly else None
    with Registry(settings.registry) as registry:
        return plan_day(day.inputs, day.schedule, registry, batch, departments)


def plan_each(
    settings: Settings,
    today: date,
    slugs: Iterable[str],
    day_of: Callable[[str], LoadedDay | None] | None = None,
) -> DayWork:
    """Return the day's plan of these departments, each planned from its own day (day_of: the one already in memory,
    else None and it is read), one department's 台账 at a time; a department whose inputs cannot be used has none."""
    departments, problems = [], ProblemList()
    for slug in slugs:
        day = (day_of(slug) if day_of else None) or load_department_day(settings, today, slug)
        if slug not in day.inputs.catalogs.slugs:  # its 目录 or 台账 cannot be used (Inputs.unusable)
            continue
        work = plan_today(settings, today, departments={slug}, loaded=day)
        departments.extend(work.departments)
        problems.extend(work.problems)
    return DayWork(today, departments, problems)


def department_day(work: DayWork, slug: str) -> DayWork:
    """Return the plan cut down to one department, with its own problems (those its planning found: its SMS
    template's, its holders' contacts' and messages') — not another department's, even about a 台账 file both
    departments' rows are in. Walks the departments, not their reminders: a page after a record cuts again."""
    mine = [d for d in work.departments if d.department.slug == slug]
    return DayWork(work.today, mine, ProblemList([p for d in mine for p in d.problems]))


def plan_again(
    settings: Settings, work: DayWork, slugs: Collection[str], loaded: LoadedDay, *, monthly: bool = False
) -> DayWork:
    """Return the day's plan with these departments planned afresh from the 登记簿, the others kept as they are."""
    if not slugs:
        return work
    fresh = plan_today(settings, work.today, monthly=monthly, departments=set(slugs), loaded=loaded)
    order = {d.slug: n for n, d in enumerate(loaded.inputs.catalogs.departments)}
    kept = [d for d in work.departments if d.department.slug not in slugs]
    departments = sorted([*kept, *fresh.departments], key=lambda d: order.get(d.department.slug, len(order)))
    problems = ProblemList([p for d in departments for p in d.problems])
    return DayWork(work.today, departments, problems)


def plan_holders_again(
    settings: Settings, work: DayWork, slugs: Collection[str], since: int, upto: int, loaded: LoadedDay
) -> DayWork:
    """Return the day's plan brought up to the records after id since (up to upto) that change who is reachable or
    due in these departments: only the holders they are about are planned afresh — a failed call in a department of
    thousands of holders due costs what one holder costs. A correction among them plans the departments again."""
    if not slugs:
        return work
    with Registry(settings.registry) as registry:
        certificates, corrected = registry.reach_changes(since, upto, slugs)
        if corrected:
            return plan_again(settings, work, slugs, loaded)
        return replan_holders(loaded.inputs, loaded.schedule, registry, work, certificates)


def write_department_files(settings: Settings, work: DayWork, slug: str, monthly: bool = False) -> Path:
    """Write one department's worklist, letters and SMS batch where `jiaozao remind` puts them; return the folder.

    The plan and the SMS batch are kept in the 登记簿, so what comes back is checked against what was handed out.
    """
    day = department_day(work, slug)
    out = default_remind_folder(settings, work.today, monthly)
    with replacing_folder(
        out, private=True
    ) as stage:  # the department's folder swapped in whole, the others left as they are
        write_day(day, stage)
    with Registry(settings.registry) as registry:
        keep_day(day, registry)
    return out / slug


def hand_out_sms(settings: Settings, work: DayWork, slug: str, monthly: bool = False) -> SmsFile | None:
    """Write the department's files of the day and keep its SMS file as handed out (None: no SMS today)."""
    path = write_department_files(settings, work, slug, monthly) / SMS_FILE
    if not path.is_file():
        return None
    with Registry(settings.registry) as registry:
        return keep_sms_file(registry, slug, work.today, monthly, path)


def send_emails(settings: Settings, work: DayWork, slug: str, smtp: SmtpSettings | None) -> EmailReport:
    """Send one department's emails of the day over SMTP; each one sent is recorded at once, no other."""
    day = department_day(work, slug)
    with Registry(settings.registry) as registry:
        return email_day(
            day, default_remind_folder(settings, work.today, False), smtp, registry, dry_run=False
        )


def without_platform_sms(work: DayWork) -> DayWork:
    """Return the day's work without the SMS of departments whose SMS the platform sends (a template code set):
    they go by `jiaozao sms send` or the console's automatic send, so no 短信.csv to upload by hand and confirm,
    and none is sent twice."""
    departments = [replace(d, sms=[]) if on_platform(d.department) else d for d in work.departments]
    return replace(work, departments=departments)
