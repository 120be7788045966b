"""A day's reminder work for every department: what is due, grouped, and the staff files made from it."""

from __future__ import annotations

import csv
import hashlib
import io
from bisect import bisect_left, insort
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TypeVar

import numpy as np

from generator.atomic import replacing
from generator.catalog.model import Department
from generator.ledger.identifiers import is_mobile, normalize_phone
from generator.pipeline import Inputs
from generator.problems import Problem, ProblemList
from generator.reminders.due import (
    FINAL,
    Attempt,
    DueReminder,
    HolderGroup,
    contact_problems,
    due_reminders,
    group_by_holder,
    holder_key,
    holder_order,
    holder_rows,
    settled,
)
from generator.reminders.letters import LETTER_FOLDER, write_letters
from generator.reminders.reachability import load_history
from generator.reminders.registry import (
    CertificateKey,
    DoneKey,
    Registry,
    ReminderRecord,
    SmsFile,
    certificate_key,
)
from generator.reminders.sms import (
    LONGEST,
    SINGLE,
    Template,
    fill,
    load_template,
    segments,
    sign,
    sms_length,
    too_long,
)
from generator.reminders.smsbatch import SMS_HEADERS
from generator.reminders.unreachable import write_unreachable
from generator.reminders.worklist import worklist_rows, write_worklist
from generator.schedule import Schedule
from generator.spreadsheet import csv_row

WORKLIST_FILE, SMS_FILE, UNREACHABLE_FILE = "电话提醒清单.xlsx", "短信.csv", "联系不上.xlsx"
T = TypeVar("T")


@dataclass
class DepartmentWork:
    """One department's share of the day: its holder groups and SMS batch."""

    department: Department
    template: Template
    groups: list[HolderGroup]
    sms: list[tuple[str, str, HolderGroup]] = field(default_factory=list)  # phone, text, group
    problems: ProblemList = field(default_factory=ProblemList)  # its share of the day's problems
    # the groups by certificate (made once for these groups; carried over, changed, by replan): a record finds its
    # holder without a walk over the thousands due
    index: dict[CertificateKey, tuple[HolderGroup, ...]] | None = field(
        default=None, repr=False, compare=False
    )

    def indexed(self) -> dict[CertificateKey, tuple[HolderGroup, ...]]:
        """Return the index, made now if it is not yet (a plan kept for records makes it with the plan)."""
        if self.index is None:
            index: dict[CertificateKey, tuple[HolderGroup, ...]] = {}
            for group in self.groups:
                for reminder in group.reminders:
                    key = reminder.certificate.key
                    index[key] = (*index.get(key, ()), group)
            self.index = index
        return self.index

    def groups_of(self, certificates: Iterable[CertificateKey]) -> list[HolderGroup]:
        """Return the groups with any of these certificates due, each once."""
        index = self.indexed()
        found = {id(g): g for key in certificates for g in index.get(key, ())}
        return list(found.values())

    def reindexed(
        self, gone: Iterable[HolderGroup], made: Iterable[HolderGroup]
    ) -> dict[CertificateKey, tuple[HolderGroup, ...]] | None:
        """Return the index once these groups are gone and these made (None when none was made yet)."""
        if self.index is None:
            return None
        index = dict(self.index)
        for group in gone:
            for reminder in group.reminders:
                key = reminder.certificate.key
                left = tuple(g for g in index.get(key, ()) if g is not group)
                if left:
                    index[key] = left
                else:
                    index.pop(key, None)
        for group in made:
            for reminder in group.reminders:
                key = reminder.certificate.key
                index[key] = (*index.get(key, ()), group)
        return index

    @property
    def certificates(self) -> int:
        return sum(len(g.reminders) for g in self.groups)

    @property
    def unreachable(self) -> list[HolderGroup]:
        """Return the holders 联系不上 (every channel failed), for a letter or a visit."""
        return [g for g in self.groups if g.unreachable]

    @property
    def sms_certificates(self) -> int:
        return sum(len(g.reminders) for _, _, g in self.sms)

    @property
    def segments(self) -> int:
        return sum(segments(text) for _, text, _ in self.sms)


@dataclass
class DayWork:
    """Everything due on one day, by department, with every problem that keeps a reminder from a channel."""

    today: date
    departments: list[DepartmentWork]
    problems: ProblemList

    @property
    def certificates(self) -> int:
        return sum(d.certificates for d in self.departments)

    @property
    def groups(self) -> int:
        return sum(len(d.groups) for d in self.departments)


def plan_day(
    inputs: Inputs,
    schedule: Schedule,
    registry: Registry,
    batch: np.ndarray | None = None,
    departments: Collection[str] | None = None,
) -> DayWork:
    """Return what is due on the schedule's day (or the monthly batch rows), grouped by department and holder.

    departments: plan only these (all when None).
    """
    earliest = inputs.ledger.earliest_expiry()  # records of earlier expiries are about no certificate here
    done = registry.done_keys(departments, earliest)
    history = load_history(registry, departments, earliest)
    history.phone_corrected = inputs.phone_corrected  # a corrected number starts with no failed calls
    failed = history.sms_failed
    reminders = due_reminders(inputs.ledger, schedule, inputs.catalogs, done, batch, departments, history)
    reminders = with_attempts(reminders, registry)
    groups = group_by_holder(reminders, inputs.catalogs)
    problems = ProblemList()
    work = []
    for department in inputs.catalogs.departments:
        mine = [g for g in groups if g.department.slug == department.slug]
        if not mine:
            continue
        template, template_problems = load_template(Path(inputs.catalogs.root), department)
        item = DepartmentWork(department, template, mine)
        item.problems.extend(template_problems)
        for group in mine:
            for reminder in group.reminders:
                item.problems.extend(contact_problems(reminder))
            _add_sms(item, group, item.problems, failed)
        problems.extend(item.problems)
        work.append(item)
    return DayWork(schedule.today, work, problems)


def replan(work: DayWork, done: set[DoneKey]) -> DayWork:
    """Return the plan as plan_day would make it once these reminders are done too (records correcting none).

    What is done leaves, a holder with nothing left leaves, a holder with fewer certificates gets its message
    made again; everything else is kept as it was (the same objects, in the same order). A correction can bring a
    reminder back: plan again then. Only the holders with a certificate among those done are looked at (found by
    the department's index): a record costs the same in a department of 100 holders due as in one of 10,000.
    """
    if not done:
        return work
    certificates = {key[:3] for key in done}
    touched = {key[0] for key in done}  # the departments these reminders are of: the others stay as they are
    removed: set[tuple[str, int]] = set()
    departments = []
    for item in work.departments:
        changed = _settled_groups(item, certificates, done) if item.department.slug in touched else {}
        if not changed:
            departments.append(item)
            continue
        for old, new in changed.values():
            left = {(r.file, r.row) for r in new.reminders} if new is not None else set()
            removed |= {(r.file, r.row) for r in old.reminders} - left
        remade = [new for _, new in changed.values() if new is not None]
        gone = [old for old, _ in changed.values()]
        groups = _placed(_without(item.groups, gone), remade)
        if not groups:
            continue
        fresh = DepartmentWork(item.department, item.template, groups, index=item.reindexed(gone, remade))
        _messages_again(fresh, item, gone, remade, ProblemList())  # its rows' problems are kept
        fresh.problems.extend(p for p in item.problems if p.row is None or (p.file, p.row) not in removed)
        departments.append(fresh)
    if not removed:
        return DayWork(work.today, departments, work.problems)
    problems = ProblemList([p for p in work.problems if p.row is None or (p.file, p.row) not in removed])
    return DayWork(work.today, departments, problems)


def _placed(groups: list[HolderGroup], made: list[HolderGroup]) -> list[HolderGroup]:
    """Return the groups (in holder_order already) with these made groups put in their places."""
    for group in made:
        insort(groups, group, key=holder_order)
    return groups


def _without(groups: list[HolderGroup], gone: Iterable[HolderGroup]) -> list[HolderGroup]:
    """Return a copy of the groups (in holder_order) without these, each found by bisection, not by a walk."""
    left = list(groups)
    for group in gone:
        if not _drop(left, group, _itself):  # not where its order says: a walk, never a group left behind
            left = [g for g in left if g is not group]
    return left


def _itself(group: HolderGroup) -> HolderGroup:
    return group


def _group_of(message: tuple[str, str, HolderGroup]) -> HolderGroup:
    return message[2]


def _drop(items: list[T], group: HolderGroup, of: Callable[[T], HolderGroup]) -> bool:
    """Remove the item of this group from items in holder_order of their groups; say whether it was there."""
    order = holder_order(group)
    at = bisect_left(items, order, key=lambda item: holder_order(of(item)))
    while at < len(items) and holder_order(of(items[at])) == order:  # groups of one order: few, if any
        if of(items[at]) is group:
            del items[at]
            return True
        at += 1
    return False


def replan_holders(
    inputs: Inputs, schedule: Schedule, registry: Registry, work: DayWork, certificates: set[CertificateKey]
) -> DayWork:
    """Return the plan as plan_day would make it now, the holders of these certificates planned afresh from the
    登记簿 (a failed call, a wrong number or a decline recorded about them changes who is reachable or due), every
    other holder kept as it was (the same objects). Not for a monthly batch, nor after a correction: plan again."""
    if not certificates:
        return work
    slugs = {slug for slug, _, _ in certificates}
    rows, holders = holder_rows(inputs.ledger, schedule, inputs.catalogs, certificates)
    earliest, ledger, items = inputs.ledger.earliest_expiry(), inputs.ledger, inputs.catalogs.items
    due_keys = {
        (items[ledger.item[i]].department, certificate_key(ledger.number[i], ledger.holder[i],
         items[ledger.item[i]].certificate), date.fromordinal(int(ledger.expires[i])).isoformat())
        for i in rows.tolist()
    }  # fmt: skip
    keys = {key for _, key, _ in due_keys}
    history = load_history(registry, slugs, earliest, keys)  # the records of these holders' certificates only
    history.phone_corrected = inputs.phone_corrected
    done = registry.done_keys(slugs, earliest, keys)
    due = due_reminders(ledger, schedule, inputs.catalogs, done, None, slugs, history, rows)
    fresh = group_by_holder(with_attempts(due, registry), inputs.catalogs)
    departments = []
    for item in work.departments:
        slug = item.department.slug
        if slug not in slugs:
            departments.append(item)
            continue
        mine = [g for g in fresh if g.department.slug == slug]
        gone = [g for g in item.groups_of(c for c in due_keys if c[0] == slug) if _key_of(g) in holders]
        rows_gone = {(r.file, r.row) for g in gone for r in g.reminders}
        groups = _placed(_without(item.groups, gone), mine)
        if not groups:
            continue
        remade = DepartmentWork(item.department, item.template, groups, index=item.reindexed(gone, mine))
        remade.problems.extend(p for p in item.problems if p.row is None or (p.file, p.row) not in rows_gone)
        _messages_again(remade, item, gone, mine, remade.problems, history.sms_failed, contacts=True)
        departments.append(remade)
    return DayWork(work.today, departments, ProblemList([p for d in departments for p in d.problems]))


def _messages_again(
    fresh: DepartmentWork, old: DepartmentWork, gone: Iterable[HolderGroup], made: list[HolderGroup],
    problems: ProblemList, failed: dict[tuple[str, str], str] | None = None, *, contacts: bool = False,
) -> None:  # fmt: skip
    """Give fresh the messages of old's groups it kept (those not gone) and new ones for the groups made, in the
    groups' order (holder_order) as plan_day makes them; the made groups' problems go to problems (with contacts,
    their reminders' contact problems first, each group's before its message's). Each message gone or made is
    found by bisection: a record costs the same whatever the number of messages."""
    fresh.sms.extend(old.sms)
    for group in gone:
        _drop(fresh.sms, group, _group_of)  # a group without a mobile number had none
    for group in sorted(made, key=holder_order):  # as _placed put them: stable among groups of one order
        if contacts:
            for reminder in group.reminders:
                problems.extend(contact_problems(reminder))
        before = len(fresh.sms)
        _add_sms(fresh, group, problems, failed)
        if len(fresh.sms) > before:
            insort(fresh.sms, fresh.sms.pop(), key=lambda m: holder_order(m[2]))


def _key_of(group: HolderGroup) -> tuple[str, str, str]:
    first = group.reminders[0]  # every reminder of a group has the holder's key (group_by_holder)
    return holder_key(
        group.department.slug, first.certificate.holder, first.contact, first.phone, first.email
    )


def _settled_groups(
    item: DepartmentWork, certificates: set[tuple[str, str, str]], done: set[DoneKey]
) -> dict[int, tuple[HolderGroup, HolderGroup | None]]:
    """Return, by id of the old group, the groups these done reminders change: the old group, and the group with
    what is left of it or None when nothing is left."""
    changed: dict[int, tuple[HolderGroup, HolderGroup | None]] = {}
    for group in item.groups_of(certificates):
        left = [r for r in (settled(r, done) for r in group.reminders) if r is not None]
        if left == group.reminders:
            continue
        new = HolderGroup(group.department, group.holder, group.contact, group.phone, group.email, left)
        changed[id(group)] = (group, new if left else None)
    return changed


def with_attempts(reminders: list[DueReminder], registry: Registry) -> list[DueReminder]:
    """Return the reminders with every earlier attempt attached to each 临期 one (the list staff call from)."""
    keys = [r.certificate.key for r in reminders if r.kind == FINAL]
    if not keys:
        return reminders
    found = registry.attempts(keys)
    return [
        replace(r, attempts=tuple(_attempt(a) for a in found.get(r.certificate.key, ())))
        if r.kind == FINAL
        else r
        for r in reminders
    ]


def _attempt(record: ReminderRecord) -> Attempt:
    return Attempt(record.reminded_on, record.kind, record.channel, record.result, record.by_whom)


def _add_sms(
    work: DepartmentWork,
    group: HolderGroup,
    problems: ProblemList,
    failed: dict[tuple[str, str], str] | None = None,
) -> None:
    if not is_mobile(group.phone):
        return  # already a contact problem of each of its reminders
    reason = (failed or {}).get((work.department.slug, normalize_phone(group.phone)))
    if reason:  # the platform said this number cannot get SMS: phone the holder, and have the number checked
        group.sms_note = f"短信：{reason}"
        message = f"短信平台回执：{group.phone} {reason}，收不到短信，已改为电话提醒"
        for reminder in group.reminders:
            problems.add(
                Problem(
                    reminder.file,
                    message,
                    "请电话核实号码，并在台账中改正",
                    reminder.row,
                    "联系方式",
                    None,
                    group.phone,
                )
            )
        return
    if group.kind == FINAL:
        return  # 临期 is staff's phone call or visit, not an SMS
    text = sign(fill(work.template.text, group), work.department)
    if too_long(text):
        first = group.reminders[0]
        message = f"给{group.holder}的短信有 {sms_length(text)} 字，超过短信平台 {LONGEST} 字的上限，未生成"
        fix = f"请缩短短信模板（{work.template.source}），或改为电话、函告提醒"
        for reminder in group.reminders:
            problems.add(Problem(reminder.file, message, fix, reminder.row, "联系方式", None, first.phone))
        return
    work.sms.append((normalize_phone(group.phone), text, group))


def long_messages(work: DayWork) -> list[tuple[str, int]]:
    """Return (department, length) of each message longer than one SMS."""
    return [
        (d.department.name, sms_length(t))
        for d in work.departments
        for _, t, _ in d.sms
        if sms_length(t) > SINGLE
    ]


def write_day(work: DayWork, out: Path) -> list[Path]:
    """Write each department's worklist, letters and SMS batch into out/<部门代号>/; return the files written."""
    written = []
    for item in work.departments:
        folder = out / item.department.slug
        worklist = folder / WORKLIST_FILE
        write_worklist(worklist, item.department.name, worklist_rows(item.groups, item.template.script))
        written.append(worklist)
        written += write_letters(folder / LETTER_FOLDER, item.department, item.groups, work.today)
        if item.sms:
            written.append(_write_sms(folder / SMS_FILE, item.sms))
        if item.unreachable:
            write_unreachable(folder / UNREACHABLE_FILE, item.department.name, item.unreachable)
            written.append(folder / UNREACHABLE_FILE)
    return written


def keep_day(work: DayWork, registry: Registry) -> None:
    """Keep the day's plan and every SMS of its batches in the 登记簿, so what staff hand back later (a filled
    worklist, an SMS confirmation) is checked against the list it was made from, not a ledger changed since."""
    for item in work.departments:
        registry.keep_plan(((r.certificate, r.kind) for g in item.groups for r in g.reminders), work.today)
        if item.sms:
            registry.keep_sms(
                ((phone, text, r.certificate, r.kind) for phone, text, g in item.sms for r in g.reminders),
                work.today,
            )


def keep_sms_file(registry: Registry, department: str, made_on: date, monthly: bool, path: Path) -> SmsFile:
    """Keep an SMS file as handed to staff (its bytes, when, how many messages); return it as kept."""
    content = path.read_bytes()
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1:]
    messages = sum(1 for row in rows if any(cell.strip() for cell in row))
    return registry.keep_sms_file(
        department, made_on, monthly, content, messages, hashlib.sha256(content).hexdigest()
    )


def _write_sms(path: Path, messages: list[tuple[str, str, HolderGroup]]) -> Path:
    with replacing(path, private=True) as temp:
        temp.write_bytes(sms_content(messages))
    return path


def sms_content(messages: list[tuple[str, str, HolderGroup]]) -> bytes:
    """Return the SMS batch file (手机号, 短信内容) as bytes, made in memory."""
    handle = io.StringIO(newline="")
    writer = csv.writer(handle)
    writer.writerow(SMS_HEADERS)
    writer.writerows(csv_row((phone, text)) for phone, text, _ in messages)
    return handle.getvalue().encode("utf-8-sig")
