"""What staff hand back (a filled worklist, an uploaded SMS batch) checked before the 登记簿 takes it.

Every row must be a certificate of the list it was made from — a day's plan kept when its files were made — or
one its department's 台账 holds: the same 证照编号 (or 持证人 and 证照名称 where there is no number) with the same
期满日期. A worklist holds only its own department's certificates, so a row pasted from another department's
list, or an edited date, cannot mark a certificate reminded that never was. A certificate that left the 台账
after its list was made (a ledger uploaded mid-day) is still recorded, with a warning naming its row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

import numpy as np

from generator.catalog.model import Catalogs
from generator.ledger.model import Ledger
from generator.problems import InputError, Level, Problem
from generator.reminders.registry import Registry, ReminderRecord, certificate_key
from generator.reminders.smsbatch import SMS_HEADERS, SmsMessage, SmsSorting, read_sms_messages
from generator.reminders.worklist import HEADERS, WorklistImport, read_worklist, sheet_title

Held = dict[tuple[str, str], set[date]]  # (department, certificate key) → the 期满日期 the ledger has


@dataclass(frozen=True)
class Columns:
    """Where a returned file shows a row's department, number and expiry: (header, 0-based index) each."""

    department: tuple[str, int]
    number: tuple[str, int]
    expires: tuple[str, int]


_WORKLIST = Columns(*((name, HEADERS.index(name)) for name in ("部门代号", "证照编号", "期满日期")))
_SMS = Columns(*[(SMS_HEADERS[1], 1)] * 3)  # an SMS row shows its certificates only in its text


def returned_worklist(
    path: Path,
    today: date,
    ledger: Ledger,
    catalogs: Catalogs,
    registry: Registry,
    department: str | None = None,
    shown: str = "",
) -> WorklistImport:
    """Return a filled worklist's records once every row is a certificate of the worklist's own department,
    on a list kept when the day's files were made or in its 台账 (warnings: rows on the list, no longer in it).

    department: the department it must belong to (the console's page), else the one its sheet or folder names.
    shown: the file's name in messages (default: its path).
    """
    imported = read_worklist(path, shown or str(path), today)
    own = department or own_department(catalogs, imported.sheet, path.parent.name)
    where = (shown or str(path), imported.sheet)
    kept = registry.planned({r.certificate.department for r in imported.records}, today)
    imported.warnings = check_returned(
        imported.records, imported.rows, where, _WORKLIST, ledger, catalogs, own, kept
    )
    return imported


def returned_sms(
    path: Path, shown: str, registry: Registry, ledger: Ledger, catalogs: Catalogs, sort: SmsSorter
) -> tuple[SmsSorting, list[Problem], int]:
    """Return what an SMS file's confirmation records and leaves out, a warning per certificate no longer in the
    台账 (every message is on the list it was made from: the SMS batch kept in the 登记簿), and how many messages."""
    messages = read_sms_messages(path, shown, registry)
    sorting = sort(messages)
    kept: Held = defaultdict(set)
    for r in sorting.records:
        kept[(r.certificate.department, r.certificate.key[1])].add(r.certificate.expires)
    warnings = check_returned(
        sorting.records, sorting.rows, (shown, None), _SMS, ledger, catalogs, None, kept
    )
    return sorting, warnings, len(messages)


class SmsSorter(Protocol):
    def __call__(self, messages: list[SmsMessage], /) -> SmsSorting: ...


def held_certificates(ledger: Ledger, catalogs: Catalogs, departments: set[str]) -> Held:
    """Return the certificates the ledger holds for these departments, with their expiry dates."""
    wanted = np.array([item.department in departments for item in catalogs.items] or [False])
    held: Held = defaultdict(set)
    for i in np.flatnonzero(wanted[ledger.item]) if len(ledger) else ():
        item = catalogs.items[ledger.item[i]]
        key = certificate_key(ledger.number[i], ledger.holder[i], item.certificate)
        held[(item.department, key)].add(date.fromordinal(int(ledger.expires[i])))
    return held


def check_returned(
    records: Sequence[ReminderRecord],
    rows: Sequence[int],
    where: tuple[str, str | None],
    columns: Columns,
    ledger: Ledger,
    catalogs: Catalogs,
    own_department: str | None = None,
    kept: Held | None = None,
) -> list[Problem]:
    """Raise InputError naming every row (file and sheet in where) that is neither on its kept list (kept) nor a
    certificate its department holds; return a warning per row on its list that the 台账 no longer holds."""
    held = held_certificates(ledger, catalogs, {r.certificate.department for r in records})
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for row, record in zip(rows, records, strict=True):
        found = _mismatch(record, held, catalogs, own_department)
        if found is None:
            continue
        field, message, fix = found
        c = record.certificate
        value = {"department": c.department, "number": c.number}.get(field, c.expires.isoformat())
        if field != "department" and kept and c.expires in kept.get((c.department, c.key[1]), ()):
            header, index = columns.number
            what = c.number or f"{c.holder} {c.certificate}"
            warnings.append(
                Problem(
                    where[0], f"“{what}”在清单生成后已不在台账中（台账已更新），仍按清单登记了这一行",
                    "如果这张证照是误删的，请在台账中补回；已注销或已换证的，不用处理",
                    row, header, index, c.number or c.holder, where[1], Level.WARNING,
                )
            )  # fmt: skip
            continue
        header, index = getattr(columns, field)
        problems.append(Problem(where[0], message, fix, row, header, index, value, where[1]))
    if problems:
        fix = "改正或删除这些行后重新登记（清单中的证照信息不能改）"
        raise InputError(
            [*problems, Problem(where[0], f"共 {len(problems)} 行与台账不符，整个文件未登记", fix)]
        )
    return warnings


def own_department(catalogs: Catalogs, title: str, folder: str) -> str | None:
    """Return the department a worklist belongs to: the one its sheet is named after, else its folder's."""
    named = [d.slug for d in catalogs.departments if sheet_title(d.name) == title]
    if len(named) == 1:
        return named[0]
    return folder if folder in catalogs.slugs else None


def _mismatch(
    record: ReminderRecord, held: Held, catalogs: Catalogs, own: str | None
) -> tuple[str, str, str] | None:
    c = record.certificate
    if c.department not in catalogs.slugs:
        return "department", f"部门代号“{c.department}”不是目录中的部门", "请恢复清单生成时的部门代号"
    if own is not None and c.department != own:
        fix = f"请删除这一行；{c.department} 的证照请在该部门自己的清单中登记"
        return "department", f"这一行是另一个部门（{c.department}）的证照，本清单是 {own} 的", fix
    expiries = held.get((c.department, certificate_key(c.number, c.holder, c.certificate)))
    if not expiries:
        what = f"证照编号“{c.number}”" if c.number.strip() else f"“{c.holder}”的“{c.certificate}”"
        fix = "请核对是否改动过证照信息（清单中的证照信息不能改），或删除这一行"
        return "number", f"{c.department} 的台账中没有{what}", fix
    if c.expires not in expiries:
        shown = "、".join(sorted(d.isoformat() for d in expiries))
        return "expires", f"期满日期与台账不符（台账为 {shown}）", "请恢复清单生成时的期满日期，或删除这一行"
    return None
