"""续证闭环: which reminded certificates a later 台账 shows renewed (已续证) or applied for (已申请延续).

A certificate is renewed when the 台账 holds the same 证照编号 with a later 期满日期, or — its number gone — a
certificate of the same holder and 证照名称 with a later 期满日期 (a new certificate replacing it); it is applied
for when the same certificate is there with 办理状态 已申请延续/已换证.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from generator.catalog.model import Catalogs
from generator.ledger.model import Ledger
from generator.reminders.registry import RegisteredCertificate, certificate_key

RENEWED, APPLIED = "已续证", "已申请延续"


@dataclass(frozen=True)
class Renewal:
    """A certificate a 台账 shows renewed or applied for, and the row that shows it."""

    certificate: RegisteredCertificate
    result: str  # 已续证 | 已申请延续
    new_expires: date | None  # the later 期满日期 (已续证)
    new_number: str  # the number of the certificate that shows it
    file: str  # the 台账 file that shows it
    row: int  # its Excel row


def find_renewals(
    known: Iterable[RegisteredCertificate], ledger: Ledger, catalogs: Catalogs
) -> list[Renewal]:
    """Return each known certificate that the ledger shows renewed or applied for."""
    by_key: dict[tuple[str, str], list[int]] = {}
    by_holder: dict[tuple[str, str, str], list[int]] = {}
    items = catalogs.items
    for i in range(len(ledger)):
        item = items[int(ledger.item[i])]
        key = certificate_key(ledger.number[i], ledger.holder[i], item.certificate)
        by_key.setdefault((item.department, key), []).append(i)
        by_holder.setdefault((item.department, ledger.holder[i].strip(), item.certificate), []).append(i)
    found = []
    for c in known:
        department, key, _ = c.key
        rows = by_key.get((department, key), [])
        if not rows and c.number.strip():  # its number is gone: a new certificate may have replaced it
            rows = by_holder.get((department, c.holder.strip(), c.certificate), [])
        renewal = _renewal(c, rows, ledger)
        if renewal is not None:
            found.append(renewal)
    return found


def _renewal(c: RegisteredCertificate, rows: list[int], ledger: Ledger) -> Renewal | None:
    was = c.expires.toordinal()
    later = [i for i in rows if int(ledger.expires[i]) > was]
    if later:
        i = max(later, key=lambda j: int(ledger.expires[j]))
        return Renewal(
            c, RENEWED, date.fromordinal(int(ledger.expires[i])), ledger.number[i], *_where(ledger, i)
        )
    same = [i for i in rows if int(ledger.expires[i]) == was and bool(ledger.applied[i])]
    if same:
        return Renewal(c, APPLIED, None, ledger.number[same[0]], *_where(ledger, same[0]))
    return None


def _where(ledger: Ledger, i: int) -> tuple[str, int]:
    return ledger.files[int(ledger.file[i])], int(ledger.row[i])
