"""督促检查: how a department's reminders went over a period, from the 台账, the schedule and the 登记簿.

For each certificate and each kind (首次/二次) whose reminder date falls in the period (and not after today):
- 应提醒: due; a certificate whose holder applied and was never reminded needed no reminder and is left out;
- 按时完成: the 登记簿's first done reminder (a second counts for the first too) is on or before that date;
- 逾期完成: done, but after that date;   未完成: not done.
For each certificate expiring in the period: 到期前已续证 (applied for, or a newer certificate in a later ledger),
过期未续证 (expired by today without), 未到期未申请 (expires later than today, not applied for yet).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from generator.catalog.model import Catalogs, Department
from generator.ledger.model import Ledger
from generator.reminders.due import FIRST, SECOND
from generator.reminders.registry import RegisteredCertificate, Registry
from generator.schedule import NO_DATE, Schedule

FIGURES = ("应提醒", "按时完成", "逾期完成", "未完成", "到期前已续证", "过期未续证", "未到期未申请")
DETAIL_HEADERS = (
    "持证单位（个人）",
    "证照名称",
    "证照编号",
    "期满日期",
    "提醒类别",
    "应提醒日期",
    "完成日期",
    "情况",
)


@dataclass
class DepartmentReport:
    """One department's figures and the reminders behind them."""

    department: Department
    figures: Counter[str] = field(default_factory=Counter)
    details: list[list[object]] = field(default_factory=list)

    @property
    def rate(self) -> str:
        due = self.figures["应提醒"]
        return f"{100 * self.figures['按时完成'] / due:.0f}%" if due else "—"


def build_report(
    ledger: Ledger, schedule: Schedule, catalogs: Catalogs, registry: Registry, start: date, end: date
) -> list[DepartmentReport]:
    """Return the figures of every department for the period start–end (inclusive), as of the schedule's day."""
    done = _done_dates(registry)
    reports = {d.slug: DepartmentReport(d) for d in catalogs.departments}
    today = schedule.today.toordinal()
    first_day, last_day = start.toordinal(), min(end.toordinal(), today)
    in_period = (schedule.first >= first_day) & (schedule.first <= last_day)
    in_period |= (schedule.second >= first_day) & (schedule.second <= last_day)
    in_period |= (ledger.expires >= start.toordinal()) & (ledger.expires <= end.toordinal())
    for i in np.flatnonzero(in_period).tolist():
        item = catalogs.items[ledger.item[i]]
        report = reports[item.department]
        expires = int(ledger.expires[i])
        c = RegisteredCertificate(
            item.department, ledger.number[i], item.certificate, ledger.holder[i], date.fromordinal(expires)
        )
        applied = bool(ledger.applied[i])
        for kind, on in ((FIRST, int(schedule.first[i])), (SECOND, int(schedule.second[i]))):
            if on == NO_DATE or not first_day <= on <= last_day:
                continue
            reminded = done.get((*c.key, kind))
            if reminded is None and applied:
                continue  # applied without a reminder: none was needed
            outcome = "未完成" if reminded is None else "按时完成" if reminded <= on else "逾期完成"
            report.figures["应提醒"] += 1
            report.figures[outcome] += 1
            report.details.append([
                c.holder, c.certificate, c.number, c.expires, kind, date.fromordinal(on),
                date.fromordinal(reminded) if reminded else None, outcome,
            ])  # fmt: skip
        if start.toordinal() <= expires <= end.toordinal():
            renewal = "到期前已续证" if applied else "过期未续证" if expires < today else "未到期未申请"
            report.figures[renewal] += 1
    return [r for r in reports.values() if r.department.items]


def _done_dates(registry: Registry) -> dict[tuple[str, str, str, str], int]:
    """Return the earliest done date of each reminder; a second reminder also settles the first."""
    earliest: dict[tuple[str, str, str, str], int] = {}
    for record in registry.records():
        if not record.done:
            continue
        day = record.reminded_on.toordinal()
        kinds = (FIRST, SECOND) if record.kind == SECOND else (FIRST,)
        for kind in kinds:
            key = (*record.certificate.key, kind)
            earliest[key] = min(earliest.get(key, day), day)
    return earliest
