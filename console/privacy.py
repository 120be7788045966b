"""Who sees a holder's contact details in the console (联系人, 电话, 邮箱, 身份证号), and what everyone else sees.

The one rule: only the department's own staff (a 科员 of that department) see them as written in the 台账; 督查,
管理员 and every other user see them masked, by the rules the public site uses for a natural person's name and
number (generator/ledger/identifiers.py). Every page and download of a department that shows a contact passes
through here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from console.certificates import CertificateRow
from console.users import Role, User
from console.work import ProblemRow
from generator.workflows.contacts import mask_number, mask_person_name
from generator.workflows.today import Entry, HolderGroup, Outcome


def sees_contacts(user: User, slug: str) -> bool:
    """Return whether the user sees the department's contact details unmasked: its own staff only."""
    return user.role is Role.CLERK and slug in user.departments


def mask_contact(text: str) -> str:
    """联系人 as others see it: the surname only (张三 → 张*)."""
    text = text.strip()
    return mask_person_name(text) if text else ""


def mask_phone(text: str) -> str:
    """电话 as others see it: the first and last two digits only (13812345678 → 13*******78)."""
    text = text.strip()
    return mask_number(text) if text else ""


def mask_email(text: str) -> str:
    """邮箱 as others see it: the first and last two characters only."""
    text = text.strip()
    return mask_number(text) if text else ""


def mask_id_number(text: str) -> str:
    """身份证号 as others see it: the first and last two characters only."""
    text = text.strip()
    return mask_number(text) if text else ""


def group_for(group: HolderGroup, shown: bool) -> HolderGroup:
    """Return a holder's group of the day as the user may see it (shown: sees_contacts)."""
    if shown:
        return group
    reminders = [
        replace(r, contact=mask_contact(r.contact), phone=mask_phone(r.phone), email=mask_email(r.email))
        for r in group.reminders
    ]
    return replace(
        group,
        contact=mask_contact(group.contact),
        phone=mask_phone(group.phone),
        email=mask_email(group.email),
        reminders=reminders,
    )


def outcome_for(outcome: Outcome, shown: bool) -> Outcome:
    """Return what became of an email as the user may see it: its address masked in the reason too."""
    if shown or not outcome.group.email:
        return outcome
    address = outcome.group.email
    return replace(
        outcome,
        group=group_for(outcome.group, False),
        error=outcome.error.replace(address, mask_email(address)),
    )


def row_for(row: CertificateRow, shown: bool) -> CertificateRow:
    """Return a certificate of the staff table as the user may see it."""
    return row if shown else replace(row, contact=mask_contact(row.contact), phone=mask_phone(row.phone))


_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")


def entry_for(entry: Entry, shown: bool) -> Entry:
    """Return a 登记簿 record as the user may see it: a mobile number in its remark masked (the SMS platform's
    records name the number a message went to: 短信：空号（13800138000）)."""
    remark = entry.record.remark
    if shown or not _MOBILE.search(remark):
        return entry
    return replace(
        entry, record=replace(entry.record, remark=_MOBILE.sub(lambda m: mask_phone(m.group(0)), remark))
    )


_FIELDS = (  # a column's name in a 台账 or a worklist → how its values are masked
    (re.compile("身份证|证件号"), mask_id_number),
    (re.compile("邮箱|邮件"), mask_email),
    (re.compile("联系人"), mask_contact),
    (re.compile("电话|联系方式|手机"), mask_phone),
)
_CHANGE = re.compile(r"(联系人|联系方式|电子邮箱|身份证号) ([^；→]*)→([^；]*)")


def _mask_of(column: str) -> Callable[[str], str] | None:
    return next((mask for name, mask in _FIELDS if name.search(column)), None)


def problem_for(problem: ProblemRow | dict[str, Any], shown: bool) -> ProblemRow:
    """Return a problem of a 台账 or a worklist as the user may see it: a contact's value masked where it
    stands, in the value column and in the message."""
    row = problem if isinstance(problem, ProblemRow) else ProblemRow(**problem)
    mask = None if shown or not row.value else _mask_of(row.column)
    if mask is None:
        return row
    hidden = mask(row.value)
    return replace(row, value=hidden, message=row.message.replace(row.value, hidden))


def change_for(detail: str, shown: bool) -> str:
    """Return what an uploaded 台账 changes in a certificate (联系人 张三→李四；…) as the user may see it."""
    if shown:
        return detail

    def masked(m: re.Match[str]) -> str:
        mask = _mask_of(m.group(1)) or mask_contact
        was, now = (x if x == "（空）" else mask(x) for x in (m.group(2), m.group(3)))
        return f"{m.group(1)} {was}→{now}"

    return _CHANGE.sub(masked, detail)
