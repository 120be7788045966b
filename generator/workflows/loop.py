"""续证闭环: a newly read 台账 closes the reminders of the certificates it shows renewed or applied for.

One function for both front doors: the console calls it when staff accept a 台账, `jiaozao remind` when it
reads the 台账. Each closure is a 登记簿 record the system writes (channel 台账, by 系统), dated the day it was
first seen and naming the upload or file that showed it; the outbox's waiting SMS for it are cancelled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from generator.catalog.model import Catalogs
from generator.ledger.model import Ledger
from generator.reminders.registry import KINDS, Registry, ReminderRecord
from generator.reminders.renewals import APPLIED, RENEWED, Renewal, find_renewals
from generator.reminders.smsoutbox import SmsOutbox
from generator.reminders.store import Target

CHANNEL = "台账"  # the 提醒方式 of a record the system writes from what a 台账 showed
BY_SYSTEM = "系统（台账）"


@dataclass(frozen=True)
class LoopClosed:
    """What a 台账 closed: the certificates newly seen renewed or applied for, and the SMS cancelled."""

    renewals: tuple[Renewal, ...]
    sms_cancelled: int

    @property
    def renewed(self) -> int:
        return sum(r.result == RENEWED for r in self.renewals)

    @property
    def applied(self) -> int:
        return sum(r.result == APPLIED for r in self.renewals)


def close_loop(
    db: Target, catalogs: Catalogs, ledger: Ledger, today: date, departments: Iterable[str], shown: str = ""
) -> LoopClosed:
    """Close the reminders of every certificate of these departments the ledger shows renewed or applied for.

    shown: how the upload is named in the record (上传编号 …); without it, the 台账 file and row that showed it.
    A certificate already closed the same way is not recorded again, so reading the same 台账 twice adds nothing.
    """
    with Registry(db) as registry:
        seen = registry.results_by(CHANNEL)
        known = registry.tracked(departments)
        fresh = tuple(
            r
            for r in find_renewals(known, ledger, catalogs)
            if r.result not in seen.get(r.certificate.key, {})
        )
        registry.add(_record(r, kind, today, shown) for r in fresh for kind in KINDS)
    closed = {r.certificate.key for r in fresh} | {
        key for key, results in seen.items() if {RENEWED, APPLIED} & results.keys()
    }
    with SmsOutbox(db) as outbox:
        cancelled = outbox.cancel(closed)
    return LoopClosed(fresh, cancelled)


def _record(renewal: Renewal, kind: str, today: date, shown: str) -> ReminderRecord:
    where = f"{renewal.file} 第 {renewal.row} 行"
    source = f"{shown}（{where}）" if shown else where
    later = f"，新期满日期 {renewal.new_expires.isoformat()}" if renewal.new_expires else ""
    number = f"，证照编号 {renewal.new_number}" if renewal.new_number != renewal.certificate.number else ""
    remark = f"台账显示{renewal.result}{later}{number}"
    return ReminderRecord(
        renewal.certificate, kind, CHANNEL, today, BY_SYSTEM, renewal.result, remark, source
    )
