"""What is due on a day (今日应提醒), and who gets one call for it (一并提醒).

The due rule, on day D, for each certificate in the 台账 that has not expired (期满日期 ≥ D) and whose holder has
not applied for renewal (办理状态, or a newer 期满日期 for the same 证照编号 in another ledger file):

- its 首次提醒 is due when the first reminder date ≤ D and the 登记簿 holds no done first (or second) reminder
  for it (same certificate and 期满日期);
- its 二次提醒 is due when the second reminder date ≤ D and the 登记簿 holds no done second reminder for it.
  When both are due and undone it is listed once, as the second reminder, noted 首次提醒未做;
- its 临期 (staff phone or visit) is due when the 临期 date ≤ D — or at once when its holder is 联系不上
  (generator/reminders/reachability.py) — and the 登记簿 holds no done 临期 for it, whether or not the earlier
  reminders reached the holder. It is then listed once, as 临期, with every earlier attempt; a done 临期
  settles the earlier stages too.
A certificate whose holder said they will not renew (持证人表示不再延续) is due for nothing any more.

A holder is the same 持证单位（个人） name with the same phone (or, without a phone, the same 联系人 or email)
within one department: their certificates due that day are listed together, for one call, message and letter.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import numpy.typing as npt

from generator.catalog.model import CatalogItem, Catalogs, Department
from generator.ledger.identifiers import is_email_address, is_landline, is_mobile, normalize_phone
from generator.ledger.model import Ledger
from generator.problems import Level, Problem
from generator.reminders.reachability import ContactHistory, declined, unreachable_reasons
from generator.reminders.registry import CertificateKey, DoneKey, RegisteredCertificate, certificate_key
from generator.schedule import NO_DATE, Schedule
from portal.rules.china import chinese_date
from portal.rules.status import deadline_passed as passed_on

FIRST, SECOND, FINAL = "首次", "二次", "临期"


@dataclass(frozen=True)
class Attempt:
    """An earlier reminder of a certificate, as the 登记簿 holds it: day, channel, result and who."""

    day: date
    kind: str
    channel: str
    result: str
    by_whom: str

    def text(self) -> str:
        return f"{self.day.isoformat()} {self.kind} {self.channel} {self.result} {self.by_whom}".strip()


@dataclass(frozen=True)
class DueReminder:
    """One certificate to remind of today."""

    certificate: RegisteredCertificate
    item: CatalogItem
    kind: str  # 首次 / 二次
    due_on: date  # the scheduled reminder date
    first_missed: bool  # a second reminder whose first was never recorded (首次提醒未做)
    days_left: int
    contact: str
    phone: str
    email: str
    person: bool
    file: str
    row: int  # Excel row in the ledger file
    deadline: date | None = None  # 法定申请截止日 of this certificate, None where the guide gives none
    unreachable: tuple[str, ...] = ()  # why the holder is 联系不上 (empty: reachable as far as we know)
    attempts: tuple[Attempt, ...] = ()  # every earlier attempt, for a 临期 reminder (oldest first)

    @property
    def deadline_passed(self) -> bool:
        """Whether the 法定申请截止 is already behind on the day of this reminder (the one rule, in portal.rules)."""
        today = self.certificate.expires.toordinal() - self.days_left
        deadline = self.deadline.toordinal() if self.deadline else None
        return bool(passed_on(today, deadline, self.certificate.expires.toordinal()))


@dataclass
class HolderGroup:
    """One holder's certificates due today in one department: one call, one message, one letter."""

    department: Department
    holder: str
    contact: str
    phone: str
    email: str
    reminders: list[DueReminder] = field(default_factory=list)
    sms_note: str = ""  # why the SMS platform cannot reach this holder (短信：空号), for the phone list

    @property
    def earliest(self) -> DueReminder:
        return min(self.reminders, key=lambda r: r.certificate.expires)

    @property
    def kind(self) -> str:
        kinds = {r.kind for r in self.reminders}
        return FINAL if FINAL in kinds else SECOND if SECOND in kinds else FIRST

    @property
    def unreachable(self) -> tuple[str, ...]:
        """Why this holder is 联系不上, from any of its certificates (empty: not)."""
        return tuple(dict.fromkeys(reason for r in self.reminders for reason in r.unreachable))

    def passed_deadline_notice(self) -> str:
        """Return what to say when a certificate's 法定申请截止 has passed (empty when none has): never a past
        date given as the day to apply by, but the day it passed and to contact the office at once."""
        passed = sorted({r.deadline for r in self.reminders if r.deadline and r.deadline_passed})
        if not passed:
            return ""
        days = "、".join(chinese_date(d) for d in passed)
        phone = f"（电话 {self.department.phone}）" if self.department.phone else ""
        return f"法定申请截止日（{days}）已过，请立即联系{self.department.name}{phone}，说明情况并尽快办理。"


def due_rows(ledger: Ledger, schedule: Schedule, today: date) -> np.ndarray:
    """Return the ledger rows that may be due: first date come, not expired, not renewed."""
    return np.flatnonzero(_due_mask(ledger, schedule, today))


def _due_mask(ledger: Ledger, schedule: Schedule, today: date) -> npt.NDArray[np.bool_]:
    mask = (schedule.first != NO_DATE) & (schedule.first <= today.toordinal())
    mask &= (schedule.days_left >= 0) & ~ledger.applied
    return np.asarray(mask, dtype=np.bool_)


def due_reminders(
    ledger: Ledger,
    schedule: Schedule,
    catalogs: Catalogs,
    done: set[DoneKey],
    batch: np.ndarray | None = None,
    departments: Collection[str] | None = None,
    history: ContactHistory | None = None,
    rows: np.ndarray | None = None,
) -> list[DueReminder]:
    """Return the reminders due on the schedule's day that the 登记簿 does not show as done.

    batch: rows of a monthly batch (每月叫早), whose first reminder is due today whatever its own date.
    departments: only these departments' certificates (all when None).
    history: who is 联系不上 or declined (none when None).
    rows: only these of the rows that may be due (`holder_rows`: every such row of some holders, so that each
    holder's reachability is worked out as in a plan of all).
    """
    history = history or ContactHistory()
    today = schedule.today.toordinal()
    candidates = due_rows(ledger, schedule, schedule.today) if batch is None else batch
    if rows is not None:
        candidates = np.intersect1d(candidates, rows)
    if departments is not None and len(candidates):
        wanted = np.array([item.department in departments for item in catalogs.items] or [False])
        candidates = candidates[wanted[ledger.item[candidates]]]
    reach = _holder_reach(ledger, catalogs, candidates, history) if batch is None else {}
    due = []
    for i in candidates.tolist():
        item = catalogs.items[ledger.item[i]]
        expires = date.fromordinal(int(ledger.expires[i]))
        certificate = RegisteredCertificate(
            item.department, ledger.number[i], item.certificate, ledger.holder[i], expires
        )
        key = certificate.key
        if declined(history, key) is not None:
            continue
        first_done, second_done = (*key, FIRST) in done, (*key, SECOND) in done
        second, final = int(schedule.second[i]), int(schedule.final[i]) if len(schedule.final) else NO_DATE
        unreachable = reach.get(_holder_of(ledger, item, i), ())
        if (*key, FINAL) in done:
            continue  # a done 临期 settles every stage
        if batch is None and final != NO_DATE and (final <= today or unreachable):
            reminder = _reminder(ledger, schedule, i, certificate, item, FINAL, min(final, today), False)
            due.append(replace(reminder, unreachable=unreachable))
        elif second != NO_DATE and second <= today:
            if not second_done:
                due.append(_reminder(ledger, schedule, i, certificate, item, SECOND, second, not first_done))
        elif not first_done and not second_done:
            first = min(int(schedule.first[i]), today)
            due.append(_reminder(ledger, schedule, i, certificate, item, FIRST, first, False))
    return due


def holder_rows(
    ledger: Ledger, schedule: Schedule, catalogs: Catalogs, certificates: Collection[CertificateKey]
) -> tuple[np.ndarray, set[tuple[str, str, str]]]:
    """Return the rows that may be due today of the holders of these certificates (every such row of each holder,
    not only those of the certificates), and those holders (holder_key). The rows are found by number and by
    holder name (Ledger.rows_named): a few holders cost what they have, not what the department has due."""
    due = _due_mask(ledger, schedule, schedule.today)
    holders: set[tuple[str, str, str]] = set()
    names = set()
    for department, key, expires in certificates:
        # a key without a number is holder|certificate name, and either may hold a | itself: each split is tried
        named = {i for at, c in enumerate(key) if c == "|" for i in ledger.rows_named(holder=key[:at])}
        for i in sorted(named.union(ledger.rows_named(key))):
            if not due[i]:
                continue
            item = catalogs.items[ledger.item[i]]
            found = certificate_key(ledger.number[i], ledger.holder[i], item.certificate)
            expiry = date.fromordinal(int(ledger.expires[i])).isoformat()
            if (item.department, found, expiry) == (department, key, expires):
                holders.add(_holder_of(ledger, item, i))
                names.add(ledger.holder[i].strip())
    found_rows = {
        i for name in names for i in ledger.rows_named(holder=name)
        if due[i] and _holder_of(ledger, catalogs.items[ledger.item[i]], i) in holders
    }  # fmt: skip
    return np.asarray(sorted(found_rows), dtype=np.int64), holders


def holder_key(department: str, holder: str, contact: str, phone: str, email: str) -> tuple[str, str, str]:
    """Return who a holder is within a department: the name, and the phone (or, without one, contact or email)."""
    phone = phone.strip()
    return (
        department,
        holder.strip(),
        normalize_phone(phone) if phone else (contact.strip() or email.strip()),
    )


def _holder_of(ledger: Ledger, item: CatalogItem, i: int) -> tuple[str, str, str]:
    return holder_key(item.department, ledger.holder[i], ledger.contact[i], ledger.phone[i], ledger.email[i])


def _holder_reach(
    ledger: Ledger, catalogs: Catalogs, rows: np.ndarray, history: ContactHistory
) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """Return why each holder among these rows is 联系不上 (holders reachable as far as we know left out)."""
    if not (history.sms_failed or history.wrong or history.no_answer):
        return {}
    keys: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {}
    phones: dict[tuple[str, str, str], str] = {}
    for i in rows.tolist():
        item = catalogs.items[ledger.item[i]]
        holder = _holder_of(ledger, item, i)
        expires = date.fromordinal(int(ledger.expires[i])).isoformat()
        keys.setdefault(holder, []).append(
            (item.department, certificate_key(ledger.number[i], ledger.holder[i], item.certificate), expires)
        )
        phones.setdefault(holder, ledger.phone[i])
    found = {holder: tuple(unreachable_reasons(history, k, phones[holder])) for holder, k in keys.items()}
    return {holder: reasons for holder, reasons in found.items() if reasons}


def _reminder(
    ledger: Ledger,
    schedule: Schedule,
    i: int,
    certificate: RegisteredCertificate,
    item: CatalogItem,
    kind: str,
    on: int,
    missed: bool,
) -> DueReminder:
    return DueReminder(
        certificate, item, kind, date.fromordinal(on), missed, int(schedule.days_left[i]), ledger.contact[i].strip(),
        ledger.phone[i].strip(), ledger.email[i].strip(), bool(ledger.person[i]), ledger.files[ledger.file[i]],
        int(ledger.row[i]), date.fromordinal(int(schedule.deadline[i])) if schedule.deadline[i] != NO_DATE else None,
    )  # fmt: skip


def group_by_holder(reminders: list[DueReminder], catalogs: Catalogs) -> list[HolderGroup]:
    """Return one group per department and holder, departments in 目录 order, then by earliest expiry."""
    groups: dict[tuple[str, str, str], HolderGroup] = {}
    for reminder in reminders:
        slug = reminder.certificate.department
        key = holder_key(slug, reminder.certificate.holder, reminder.contact, reminder.phone, reminder.email)
        group = groups.get(key)
        if group is None:
            group = groups[key] = HolderGroup(
                catalogs.department(slug), key[1], reminder.contact, reminder.phone, reminder.email
            )
        group.reminders.append(reminder)
        group.contact = group.contact or reminder.contact
        group.email = group.email or reminder.email
    order = {slug: n for n, slug in enumerate(catalogs.slugs)}
    for group in groups.values():
        group.reminders.sort(
            key=lambda r: (r.certificate.expires, r.certificate.certificate, r.certificate.number)
        )
    return sorted(groups.values(), key=lambda g: (order[g.department.slug], *holder_order(g)))


def holder_order(group: HolderGroup) -> tuple[bool, date, str, str]:
    """Return how a department's holder groups are ordered: 临期 first, then earliest expiry, name and phone."""
    return (group.kind != FINAL, group.earliest.certificate.expires, group.holder, group.phone)


def settled(reminder: DueReminder, done: set[DoneKey]) -> DueReminder | None:
    """Return the reminder as it stands once these reminders are done too, or None when it is no longer due.

    The rule of due_reminders: a done second settles both; a done first settles a first, and makes a second
    no longer 首次提醒未做.
    """
    key = reminder.certificate.key
    if reminder.kind == FINAL:
        return None if (*key, FINAL) in done else reminder
    if reminder.kind == SECOND:
        if (*key, SECOND) in done:
            return None
        if reminder.first_missed and (*key, FIRST) in done:
            return replace(reminder, first_missed=False)
        return reminder
    return None if (*key, FIRST) in done or (*key, SECOND) in done else reminder


def usable_email(text: str) -> bool:
    """Return whether text is exactly one email address (a list, a display name or junk is not)."""
    return is_email_address(text.strip())


def gets_email(group: HolderGroup) -> bool:
    """Return whether the day's e-mail goes to this holder: one usable address, and not 临期 (staff's call)."""
    return bool(group.email) and usable_email(group.email) and group.kind != FINAL


def contact_problems(reminder: DueReminder) -> list[Problem]:
    """Return what keeps a reminder from the phone, SMS or email channel, located in its ledger row."""
    phone, where = reminder.phone, (reminder.file, "", reminder.row)
    name = f"{reminder.certificate.holder}的{reminder.certificate.certificate}"
    problems = []
    if not phone:
        message = f"{name}今天应{reminder.kind}提醒，但台账中没有联系电话，无法电话或短信提醒"
        problems.append(
            _problem(where, message, "请在台账补上手机号或固定电话（含区号），或改用函告", "联系方式", "")
        )
    elif not is_mobile(phone):
        landline = is_landline(phone)
        message = f"{name}今天应{reminder.kind}提醒，但联系电话不是手机号，" + (
            "不能发短信（电话清单照常列出）" if landline else "也不是带区号的固定电话，无法电话或短信提醒"
        )
        fix = (
            "如有手机号请补到台账；短信只能发给 11 位手机号"
            if landline
            else "请改成 11 位手机号或带区号的固定电话"
        )
        problems.append(_problem(where, message, fix, "联系方式", phone))
    if reminder.email and not usable_email(reminder.email):
        message = f"{name}的电子邮箱格式不对，未发邮件"
        problems.append(
            _problem(
                where,
                message,
                "一格只写一个邮箱地址，如 name@example.com（不要写姓名、不要用逗号或分号列出多个）",
                "电子邮箱",
                reminder.email,
            )
        )
    return problems


def _problem(where: tuple[str, str, int], message: str, fix: str, column: str, value: str) -> Problem:
    file, _, row = where
    return Problem(file, message, fix, row, column, None, value, level=Level.WARNING)
