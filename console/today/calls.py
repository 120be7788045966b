"""今日提醒's calls into the day's reminder workflows (remind, record), over the day's plan the console keeps in
memory (console/state/plans.py, each department's own): recording a holder's result, the day's files, SMS, letters and emails."""

from __future__ import annotations

from console.frame.privacy import group_for, mask_phone
from console.settings import ConsoleSettings
from console.state.department_day import department_day
from console.state.inputs import today_of
from console.state.plans import day_plan
from generator.problems import InputError, JiaozaoError
from generator.workflows import today as today_work
from generator.workflows.record import (
    RecordResult,
    SmsCheck,
    check_sms,
    correct_record,
    record_holder,
    sms_file_to_confirm,
)
from generator.workflows.record import confirm_sms as confirm_sms_file
from generator.workflows.remind import (
    hand_out_sms,
    send_emails,
)
from generator.workflows.today import (
    CHANNELS,
    RESULTS,
    BatchDay,
    DayWork,
    Department,
    EmailReport,
    Entry,
    HolderGroup,
    ReminderRecord,
    SmsFile,
    department_work,
    due_groups,
    has_email,
    has_mobile,
    pick_of,
    script_of,
)

__all__ = [
    "CHANNELS",
    "RESULTS",
    "DayWork",
    "EmailReport",
    "Entry",
    "InputError",
    "JiaozaoError",
    "ReminderRecord",
    "SmsCheck",
    "department_work",
    "due_groups",
    "has_email",
    "has_mobile",
    "pick_of",
    "script_of",
]


def batch_of(settings: ConsoleSettings, department: Department) -> BatchDay:
    return today_work.batch_of(
        department, today_of(settings), department_day(settings, department.slug).inputs.calendar
    )


def record(
    settings: ConsoleSettings, slug: str, monthly: bool, picks: list[str], result: str, channel: str,
    remark: str, by_whom: str,
) -> tuple[list[ReminderRecord], list[int | None]]:  # fmt: skip
    """Record one holder's result for the picked certificates due today; return the records and their ids."""
    work = day_plan(settings, slug, monthly)
    return record_holder(settings.inputs, work, slug, picks, result, channel, remark, by_whom)


def correct(
    settings: ConsoleSettings, slug: str, record_id: int, result: str, channel: str, remark: str, by_whom: str
) -> tuple[Entry, int | None]:
    return correct_record(settings.inputs, slug, record_id, result, channel, remark, by_whom)


def import_worklist(settings: ConsoleSettings, slug: str, content: bytes, shown: str) -> RecordResult:
    """Record a filled worklist uploaded for the department (every row checked against its 台账), as `record`."""
    day = department_day(settings, slug)
    return today_work.import_worklist(settings.inputs, slug, content, shown, today_of(settings), day.inputs)


def make_files(settings: ConsoleSettings, slug: str, monthly: bool) -> SmsFile | None:
    """Write the department's worklist, letters and SMS batch into the day's folder (as remind), keep the plan and
    the SMS file as handed out (to confirm later); return that SMS file (None: no SMS today). Only on a POST."""
    return hand_out_sms(settings.inputs, day_plan(settings, slug, monthly), slug, monthly)


def worklist_bytes(settings: ConsoleSettings, slug: str, monthly: bool, shown: bool) -> bytes:
    """Return the department's worklist of the day, made in memory (no file, no 登记簿 row); contacts masked
    unless shown (privacy.sees_contacts)."""
    work = day_plan(settings, slug, monthly)
    title = department_day(settings, slug).inputs.catalogs.department(slug).name
    return today_work.worklist_bytes(work, slug, title, lambda g: group_for(g, shown))


def kept_sms(settings: ConsoleSettings, slug: str, monthly: bool) -> SmsFile | None:
    """Return the department's SMS file made last today (make_files), as kept to confirm; None: none made."""
    return sms_file_to_confirm(settings.inputs, slug, today_of(settings), monthly)


def sms_preview(settings: ConsoleSettings, slug: str, monthly: bool) -> bytes | None:
    """Return the department's SMS file of the day with its contacts masked, made in memory (for those who may
    not see them: a look at what is sent, nothing kept); None when there is no SMS today."""
    work = day_plan(settings, slug, monthly)
    return today_work.sms_preview(work, slug, lambda g: group_for(g, False), mask_phone)


def sms_check(settings: ConsoleSettings, slug: str, monthly: bool, by_whom: str) -> SmsCheck:
    """Return what confirming the SMS file downloaded last today would record and leave out; record nothing."""
    today = today_of(settings)
    kept = sms_file_to_confirm(settings.inputs, slug, today, monthly)
    if kept is None:
        raise JiaozaoError(
            "今天还没有生成本部门的短信文件：请先点“生成今天的文件”，下载短信.csv、上传到短信平台，再确认"
        )
    return check_sms(settings.inputs, slug, kept.id, today, by_whom, department_day(settings, slug).inputs)


def confirm_sms(
    settings: ConsoleSettings, slug: str, file_id: int, by_whom: str
) -> tuple[SmsCheck, RecordResult]:
    """Record the SMS file named by the confirmation page (as `record --sms` records a file)."""
    today = today_of(settings)
    return confirm_sms_file(
        settings.inputs, slug, file_id, today, by_whom, department_day(settings, slug).inputs
    )


def letters(settings: ConsoleSettings, slug: str, monthly: bool, number: int | None = None) -> str | None:
    """Return one holder's letter (number: its place in the list, from 1), or all the day's letters as one
    document titled by the department and the day, each letter on its own page; None when there is none."""
    return today_work.letters(day_plan(settings, slug, monthly), slug, number)


def emails(settings: ConsoleSettings, slug: str) -> EmailReport:
    """Send the department's emails of the day over the configured SMTP server (none configured: none sent)."""
    return send_emails(settings.inputs, day_plan(settings, slug), slug, settings.smtp)


def today_entries(settings: ConsoleSettings, slug: str) -> list[Entry]:
    """Return the department's records of reminders made today (in the console or imported), oldest first."""
    return today_work.entries(
        settings.inputs.registry, slug, "reminded_on = ?", (today_of(settings).isoformat(),)
    )


def unreachable_groups(settings: ConsoleSettings, slug: str) -> list[HolderGroup]:
    """Return the department's holders 联系不上 today (the plan's rule, generator/reminders/reachability.py)."""
    return today_work.unreachable_groups(day_plan(settings, slug), slug)


def unreachable_bytes(settings: ConsoleSettings, slug: str, shown: bool) -> bytes:
    """Return 联系不上.xlsx of the department, made in memory; contacts masked unless shown (sees_contacts)."""
    title = department_day(settings, slug).inputs.catalogs.department(slug).name
    groups = [group_for(g, shown) for g in unreachable_groups(settings, slug)]
    return today_work.unreachable_bytes(title, groups)
