"""闭环 figures of 督促检查: per department, how many certificates expiring in a period were closed by the 台账,
who could not be reached, and which expired without renewal after every stage was done.

- 应闭环: certificates expiring in the period (in the 台账 now, or named by the 登记簿 and since renewed);
- 已闭环: of those, applied for (办理状态) or shown renewed/applied by a 台账 (续证闭环) on or before expiry;
- 闭环率: 已闭环 / 应闭环;
- 联系不上: holders with a certificate expiring on or after the period's start, not closed, whom the one
  reachability rule (generator/reminders/reachability.py: SMS failed for good, 号码有误, 未接通 on 3 days, and
  not reached since) finds unreachable;
- 全部提醒后过期未续证: expired by today, not closed, with every reminder its item has (首次, 二次) done.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from generator.catalog.model import Catalogs, Department
from generator.ledger.model import Ledger
from generator.reminders.reachability import ContactHistory, unreachable_reasons
from generator.reminders.registry import (
    WRONG_NUMBER,
    CertificateKey,
    RegisteredCertificate,
    ReminderRecord,
    certificate_key,
)
from generator.reminders.renewals import APPLIED, RENEWED
from generator.reminders.report import DoneRows, percentage
from generator.schedule import NO_DATE, Schedule

LOOP_FIGURES = ("应闭环", "已闭环", "联系不上", "全部提醒后过期未续证")
LOOP_HEADERS = ("情况", "持证单位（个人）", "证照名称", "证照编号", "期满日期", "说明")
NOT_ANSWERED = "未接通"


@dataclass(frozen=True)
class LoopLine:
    """A certificate (or for 联系不上 a holder's certificate) behind a 闭环 figure."""

    figure: str
    holder: str
    certificate: str
    number: str
    expires: date
    note: str  # how it was closed, or the failed attempts

    def row(self) -> list[object]:
        return [self.figure, self.holder, self.certificate, self.number, self.expires, self.note]


@dataclass
class LoopFigures:
    """One department's 闭环 figures over a period and the lines behind them."""

    department: Department
    figures: Counter[str] = field(default_factory=Counter)
    lines: list[LoopLine] = field(default_factory=list)

    @property
    def rate(self) -> str:
        return closing_rate(self.figures)

    def behind(self, figure: str) -> list[LoopLine]:
        return [
            line
            for line in self.lines
            if line.figure == figure or (figure == "应闭环" and line.figure == "已闭环")
        ]


def closing_rate(figures: Counter[str]) -> str:
    """Return 闭环率 (已闭环 / 应闭环) as a percentage, or — when nothing expired in the period."""
    return percentage(figures["已闭环"], figures["应闭环"])


@dataclass(frozen=True)
class _Certificate:
    department: str
    holder: str
    certificate: str
    number: str
    expires: date
    applied: bool = False
    every_stage_done: bool = False


def count_loop(
    ledger: Ledger, schedule: Schedule, catalogs: Catalogs, done: DoneRows, closures: dict[CertificateKey, dict[str, date]],
    records: Iterable[ReminderRecord], tracked: Iterable[RegisteredCertificate], start: date, end: date,
    history: ContactHistory | None = None,
) -> list[LoopFigures]:  # fmt: skip
    """Return each department's 闭环 figures for the period start–end, as of the schedule's day.
    history: what the 登记簿 and the SMS outbox say about reaching holders (none: nobody is 联系不上)."""
    today = schedule.today
    expiring = _expiring(ledger, schedule, catalogs, done, start, end)
    for t in tracked:  # certificates the 登记簿 names whose row a renewal took out of the 台账
        if t.key not in expiring and start <= t.expires <= end and t.key in closures:
            expiring[t.key] = _Certificate(t.department, t.holder, t.certificate, t.number, t.expires)
    found = {d.slug: LoopFigures(d) for d in catalogs.departments if d.items}
    closed_keys = set()
    for key, c in expiring.items():
        report = found.get(c.department)
        if report is None:
            continue
        report.figures["应闭环"] += 1
        how = _closed(c, closures.get(key, {}))
        if how:
            closed_keys.add(key)
            report.figures["已闭环"] += 1
            report.lines.append(LoopLine("已闭环", c.holder, c.certificate, c.number, c.expires, how))
        elif c.expires < today and c.every_stage_done:
            report.figures["全部提醒后过期未续证"] += 1
            report.lines.append(
                LoopLine(
                    "全部提醒后过期未续证", c.holder, c.certificate, c.number, c.expires, "各阶段提醒均已完成"
                )
            )
        else:
            report.lines.append(LoopLine("未闭环", c.holder, c.certificate, c.number, c.expires, ""))
    phones = (
        {(ledger.number[i], ledger.holder[i]): ledger.phone[i] for i in range(len(ledger))} if history else {}
    )
    _unreachable(found, records, closures, start, history or ContactHistory(), phones)
    return list(found.values())


def _closed(c: _Certificate, closure: dict[str, date]) -> str:
    for result in (RENEWED, APPLIED):
        on = closure.get(result)
        if on is not None and on <= c.expires:
            return f"{on.isoformat()} 台账显示{result}"
    return "台账办理状态：已申请延续" if c.applied else ""


def _unreachable(
    found: dict[str, LoopFigures], records: Iterable[ReminderRecord], closures: dict[CertificateKey, dict[str, date]],
    start: date, history: ContactHistory, phones: dict[tuple[str, str], str],
) -> None:  # fmt: skip
    holders: dict[tuple[str, str], list[ReminderRecord]] = {}
    for r in records:  # the holders with a failed call on a certificate still standing
        standing = r.certificate.expires >= start and r.certificate.key not in closures
        if standing and r.result in (WRONG_NUMBER, NOT_ANSWERED):
            holders.setdefault((r.certificate.department, r.certificate.holder.strip()), []).append(r)
    for (department, _), attempts in sorted(holders.items()):
        report = found.get(department)
        if report is None:
            continue
        c = attempts[-1].certificate
        keys = list(dict.fromkeys(a.certificate.key for a in attempts))
        if not unreachable_reasons(history, keys, phones.get((c.number, c.holder), "")):
            continue
        report.figures["联系不上"] += 1
        note = "；".join(
            f"{a.reminded_on.isoformat()} {a.channel} {a.result}（{a.by_whom}）" for a in attempts
        )
        report.lines.append(LoopLine("联系不上", c.holder, c.certificate, c.number, c.expires, note))


def _expiring(
    ledger: Ledger, schedule: Schedule, catalogs: Catalogs, done: DoneRows, start: date, end: date
) -> dict[CertificateKey, _Certificate]:
    items = catalogs.items
    found: dict[CertificateKey, _Certificate] = {}
    first, last = start.toordinal(), end.toordinal()
    for i in np.flatnonzero((ledger.expires >= first) & (ledger.expires <= last)).tolist():
        expires = int(ledger.expires[i])
        item = items[int(ledger.item[i])]
        every = bool(done.first[i]) and (int(schedule.second[i]) == NO_DATE or bool(done.second[i]))
        c = _Certificate(
            item.department, ledger.holder[i], item.certificate, ledger.number[i], date.fromordinal(expires),
            bool(ledger.applied[i]), every,
        )  # fmt: skip
        found[(c.department, certificate_key(c.number, c.holder, c.certificate), c.expires.isoformat())] = c
    return found
