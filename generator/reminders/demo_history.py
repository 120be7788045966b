"""A demo 登记簿's past: the reminders an ordinary office would have recorded before the demo day, reproducibly.

Day by day over the working days before the demo day, the rule of `jiaozao remind` (due_reminders) says who was
due; a named demo clerk records most of them that day (phone, SMS, e-mail, letter …), some calls are 未接通 and
tried again the next working day, and a few holders' numbers are wrong (号码有误: tried once, left on the list
for someone to correct the 台账). Every choice comes from the seed and the reminder, never from the clock or the
order of the run, so the same inputs and day always give the same records.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, timedelta

from generator.catalog.model import Catalogs
from generator.ledger.identifiers import is_mobile, normalize_phone
from generator.ledger.model import Ledger
from generator.reminders.due import FINAL, DueReminder, due_reminders
from generator.reminders.registry import WRONG_NUMBER, DoneKey, ReminderRecord
from generator.schedule import compute_schedule
from generator.workdays import WorkdayCalendar

DEMO_CLERK = "王晓梅（演示）"
DEMO_SOURCE = "演示历史"
HISTORY_DAYS = 400  # how far back the history reaches (calendar days before the demo day)
WRONG_NUMBER_SHARE = 0.03  # holders whose number turns out wrong
NOT_REACHED_SHARE = 0.10  # calls not answered, tried again the next working day
NOT_REACHED_TRIES = 2  # after this many unanswered calls the clerk sends an SMS or a letter instead


def demo_history(
    ledger: Ledger, catalogs: Catalogs, calendar: WorkdayCalendar, today: date, seed: int,
    done: Iterable[DoneKey] = (),
) -> list[ReminderRecord]:  # fmt: skip
    """Return the records of the working days before today (today itself left for the demo), in day order.

    done: reminders the 登记簿 already shows as done (a history written again adds only what is missing).
    """
    settled: set[DoneKey] = set(done)
    tries: dict[DoneKey, int] = {}
    wrong_tried: set[DoneKey] = set()
    records: list[ReminderRecord] = []
    start = today - timedelta(days=HISTORY_DAYS)
    day = start
    while day < today:
        if calendar.is_workday(day):
            schedule = compute_schedule(ledger, catalogs, calendar, day)
            for reminder in due_reminders(ledger, schedule, catalogs, settled):
                key: DoneKey = (*reminder.certificate.key, reminder.kind)
                if key in wrong_tried:
                    continue  # left on the list until the 台账's number is corrected
                on = reminder.due_on if reminder.due_on < start else day  # before the history: done on time
                record = _outcome(reminder, on, seed, tries.get(key, 0), on == day)
                records.append(record)
                if record.done:
                    settled.add(key)
                elif record.result == WRONG_NUMBER:
                    wrong_tried.add(key)
                else:
                    tries[key] = tries.get(key, 0) + 1
        day += timedelta(days=1)
    return records


def _outcome(reminder: DueReminder, on: date, seed: int, tried: int, may_fail: bool) -> ReminderRecord:
    """Return what the clerk recorded for one due reminder on a day; tried: unanswered calls before."""
    certificate = reminder.certificate
    holder = random.Random(f"{seed}|{certificate.department}|{certificate.holder}|{reminder.phone}")
    draw = random.Random(f"{seed}|{'|'.join(certificate.key)}|{reminder.kind}|{on.isoformat()}").random()
    phone = normalize_phone(reminder.phone) if reminder.phone else ""

    def record(channel: str, result: str, remark: str = "") -> ReminderRecord:
        return ReminderRecord(
            certificate, reminder.kind, channel, on, DEMO_CLERK, result, remark, DEMO_SOURCE
        )

    if may_fail and phone and holder.random() < WRONG_NUMBER_SHARE:
        return record("电话", WRONG_NUMBER, "空号，请核实台账中的联系电话")
    if may_fail and phone and tried < NOT_REACHED_TRIES and draw < NOT_REACHED_SHARE:
        return record("电话", "未接通", "无人接听，下一个工作日再打")
    if reminder.kind == FINAL:  # staff only: a phone call, or a visit
        return record("上门", "已上门") if draw > 0.7 or not phone else record("电话", "已电话告知")
    if reminder.email and draw > 0.9:
        return record("电子邮件", "已发送")
    if phone and is_mobile(phone) and (draw > 0.55 or tried):
        return record("短信", "已发送")
    if not phone:
        return record("函告", "已发送", "无联系电话，寄送提醒函")
    return record("电话", "已告知", "已提醒及时办理延续" if draw > 0.8 else "")
