"""Today's reminders of one department, from the day's plan (workflows/remind.py): the plan kept up to date with
the 登记簿, the text read out to a holder, the worklist, SMS file, letters and 联系不上 list made in memory, and the
department's 登记簿 records."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.catalog.model import Department as Department
from generator.config import Settings
from generator.ledger.identifiers import is_mobile
from generator.pipeline import Inputs
from generator.reminders.batch import WORKLIST_FILE, replan, sms_content
from generator.reminders.batch import DayWork as DayWork
from generator.reminders.batch import DepartmentWork as DepartmentWork
from generator.reminders.due import HolderGroup as HolderGroup
from generator.reminders.due import gets_email as gets_email
from generator.reminders.due import usable_email
from generator.reminders.letters import reference_of, render_letter, render_letters
from generator.reminders.mail import Outcome as Outcome
from generator.reminders.monthly import batch_day, next_batch_day
from generator.reminders.outbox import EmailReport as EmailReport
from generator.reminders.registry import CHANNELS as CHANNELS
from generator.reminders.registry import MACHINE_RESULTS as MACHINE_RESULTS
from generator.reminders.registry import RESULTS as RESULTS
from generator.reminders.registry import Entry as Entry
from generator.reminders.registry import Registry
from generator.reminders.registry import ReminderRecord as ReminderRecord
from generator.reminders.registry import SmsFile as SmsFile
from generator.reminders.results import due_groups as due_groups
from generator.reminders.results import pick_of as pick_of
from generator.reminders.sms import fill, sign
from generator.reminders.smsplatform import on_platform as on_platform
from generator.reminders.store import Target
from generator.reminders.unreachable import unreachable_content
from generator.reminders.worklist import worklist_content, worklist_rows
from generator.workdays import WorkdayCalendar
from generator.workflows.record import RecordResult, record_worklist

Mask = Callable[[HolderGroup], HolderGroup]  # a holder's contacts as the viewer may see them


def brought_up_to_date(
    db: Target, previous: tuple[DayWork, int] | None, departments: Collection[str] | None = None
) -> tuple[int, DayWork | None, set[str]]:
    """Return the 登记簿's last record id; the previous plan (its work and the last id it saw) with the records added
    since applied to it (None: plan the whole day again — no previous plan, or the 登记簿 went back); and the
    departments whose day must be planned again (a correction of a done record can make a reminder due again; a
    failed call, a wrong number or a declining holder changes who is reachable or due).

    Records are never changed or deleted and one writer at a time adds them, so the last id says what the plan has
    seen: reading it is one index lookup, and only the records after it are read (of these departments only, when
    the plan is of them)."""
    with Registry(db) as registry:
        last = registry.last_id()
        if previous is None:
            return last, None, set()
        work, plan_last = previous
        if last == plan_last:
            return last, work, set()
        if last < plan_last:
            return last, None, set()
        done, _, again = registry.since(plan_last, last, departments)
        return last, replan(work, done), again


def department_work(work: DayWork, slug: str) -> DepartmentWork | None:
    return next((d for d in work.departments if d.department.slug == slug), None)


@dataclass(frozen=True)
class BatchDay:
    """Whether the department runs the monthly 叫早 batch, and whether today is its day (else the next one)."""

    runs: bool
    today: bool
    next_day: date | None


def batch_of(department: Department, today: date, calendar: WorkdayCalendar) -> BatchDay:
    if not department.monthly_batch:
        return BatchDay(False, False, None)
    if today == batch_day(calendar, today.year, today.month):
        return BatchDay(True, True, today)
    return BatchDay(True, False, next_batch_day(calendar, today))


def script_of(work: DayWork, slug: str, group: HolderGroup) -> str:
    """Return the text to read out to a holder (the worklist's 提醒内容)."""
    item = department_work(work, slug)
    return fill(item.template.text, group) if item else ""


def import_worklist(
    inputs: Settings, slug: str, content: bytes, shown: str, today: date, loaded: Inputs
) -> RecordResult:
    """Record a filled worklist uploaded for the department (every row checked against its 台账), as `record`."""
    with tempfile.TemporaryDirectory(prefix="jiaozao-console-") as scratch:
        path = Path(scratch) / slug / WORKLIST_FILE
        path.parent.mkdir()
        path.write_bytes(content)
        loaded.require(slug)
        return record_worklist(inputs, path, today, department=slug, shown=shown, inputs=loaded)


def worklist_bytes(work: DayWork, slug: str, title: str, mask: Mask) -> bytes:
    """Return the department's worklist of the day, made in memory (no file, no 登记簿 row); title names the
    department when it has no work today."""
    item = department_work(work, slug)
    if item is None:
        return worklist_content(title, [])
    groups = [mask(g) for g in item.groups]
    return worklist_content(item.department.name, worklist_rows(groups, item.template.text))


def sms_preview(work: DayWork, slug: str, mask: Mask, mask_phone: Callable[[str], str]) -> bytes | None:
    """Return the department's SMS file of the day with its contacts masked, made in memory (a look at what is
    sent, nothing kept); None when there is no SMS today."""
    item = department_work(work, slug)
    if item is None or not item.sms:
        return None
    masked = [mask(g) for _, _, g in item.sms]
    return sms_content(
        [
            (mask_phone(p), sign(fill(item.template.text, g), item.department), g)
            for (p, _, _), g in zip(item.sms, masked, strict=True)
        ]
    )


def letters(work: DayWork, slug: str, number: int | None = None) -> str | None:
    """Return one holder's letter (number: its place in the list, from 1), or all the day's letters as one
    document titled by the department and the day, each letter on its own page; None when there is none."""
    item = department_work(work, slug)
    if item is None or not item.groups or (number is not None and not 1 <= number <= len(item.groups)):
        return None
    groups = item.groups
    if number is not None:
        return render_letter(
            groups[number - 1], work.today, reference_of(item.department, work.today, number)
        )
    return render_letters(item.department, list(enumerate(groups, 1)), work.today)


def has_mobile(group: HolderGroup) -> bool:
    return is_mobile(group.phone)


def has_email(group: HolderGroup) -> bool:
    return bool(group.email) and usable_email(group.email)


def unreachable_groups(work: DayWork, slug: str) -> list[HolderGroup]:
    """Return the department's holders 联系不上 today (the plan's rule, generator/reminders/reachability.py)."""
    item = department_work(work, slug)
    return item.unreachable if item else []


def unreachable_bytes(title: str, groups: list[HolderGroup]) -> bytes:
    """Return 联系不上.xlsx of the department, made in memory."""
    return unreachable_content(title, groups)


def entries(
    db: Target, slug: str, where: str = "", values: tuple[object, ...] = (), *,
    newest_first: bool = False, limit: int = -1, offset: int = 0,
) -> list[Entry]:  # fmt: skip
    """Return the department's 登记簿 records matching an SQL condition (values bound), oldest first or newest."""
    with Registry(db) as registry:
        return registry.entries(slug, where, values, newest_first=newest_first, limit=limit, offset=offset)


def count(db: Target, slug: str, where: str = "", values: tuple[object, ...] = ()) -> int:
    with Registry(db) as registry:
        return registry.count(slug, where, values)
