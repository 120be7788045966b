"""Results entered one holder at a time (the console's 今日提醒), as the same 登记簿 records a filled worklist gives.

A holder's certificates are named by picks — certificate key, 期满日期 and kind — and must all be due in the
day's plan of that department: a result cannot be recorded for a certificate nobody was asked to remind of.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from generator.problems import JiaozaoError
from generator.reminders.batch import DayWork
from generator.reminders.due import DueReminder, HolderGroup
from generator.reminders.registry import CHANNELS, PLATFORM_RESULTS, RESULTS, ReminderRecord

LONGEST_REMARK = 200
CLERK_RESULTS = tuple(r for r in RESULTS if r not in PLATFORM_RESULTS)  # what a person may say happened
SOURCE = "工作台"


def pick_of(reminder: DueReminder) -> str:
    """Return how a form names one due reminder: certificate key, 期满日期 and kind (no phone, no contact)."""
    _, key, expires = reminder.certificate.key
    return f"{key}\t{expires}\t{reminder.kind}"


def due_groups(work: DayWork, department: str) -> list[HolderGroup]:
    """Return the department's holder groups in the plan (empty when nothing is due)."""
    return next((d.groups for d in work.departments if d.department.slug == department), [])


def check_result(result: str, channel: str, remark: str) -> None:
    """Raise JiaozaoError unless result and channel are choices of the worklist and the remark is short."""
    if result not in CLERK_RESULTS:
        raise JiaozaoError(f"联系结果“{result}”不在可选范围内：请选择{'、'.join(CLERK_RESULTS)}")
    if channel not in CHANNELS:
        raise JiaozaoError(f"提醒方式“{channel}”不在可选范围内：请选择{'、'.join(CHANNELS)}")
    if len(remark) > LONGEST_REMARK:
        raise JiaozaoError(f"备注最多 {LONGEST_REMARK} 字，现在有 {len(remark)} 字：请缩短")


def results_for(
    work: DayWork, department: str, picks: Sequence[str], result: str, channel: str, remark: str, by_whom: str,
    on: date,
) -> list[ReminderRecord]:  # fmt: skip
    """Return a record per picked reminder, each of which must be due today in the department's plan."""
    check_result(result, channel, remark)
    item = next((d for d in work.departments if d.department.slug == department), None)
    asked = {(department, p.split("\t")[0], p.split("\t")[1]) for p in picks if p.count("\t") == 2}
    found = item.groups_of(asked) if item is not None else []  # a department has thousands due: no walk
    due = {pick_of(r): r for g in found for r in g.reminders}
    missing = [p for p in picks if p not in due]
    if not picks or missing:
        raise JiaozaoError(
            "这些证照已不在今天的提醒清单中（可能刚被登记过，或台账已更新）：请刷新页面后重新登记"
        )
    source = f"{SOURCE} {on.isoformat()}"
    return [
        ReminderRecord(due[p].certificate, due[p].kind, channel, on, by_whom, result, remark.strip(), source)
        for p in dict.fromkeys(picks)
    ]
