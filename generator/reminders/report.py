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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from generator.catalog.model import Catalogs, Department
from generator.ledger.model import Ledger
from generator.reminders.due import FIRST, SECOND
from generator.reminders.registry import Registry, certificate_key
from generator.schedule import NO_DATE, Schedule

FIGURES = ("应提醒", "按时完成", "逾期完成", "未完成", "到期前已续证", "过期未续证", "未到期未申请")
REMINDER_FIGURES = FIGURES[1:4]  # each also counts in 应提醒
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
DoneDates = dict[tuple[str, str, str, str], int]  # (department, certificate key, expires, kind) → ordinal


@dataclass(frozen=True)
class Counted:
    """One reminder due, or one certificate expiring, in the period: a line behind the figures (明细)."""

    department: str
    figure: str  # 按时完成 / 逾期完成 / 未完成, or 到期前已续证 / 过期未续证 / 未到期未申请
    day: int  # the reminder date, or for the renewal figures the expiry date (ordinal)
    holder: str
    certificate: str
    number: str
    expires: date
    kind: str = ""  # 首次 / 二次; empty for the renewal figures
    done: int = 0  # the first done reminder's date (ordinal), 0 when none

    @property
    def figures(self) -> tuple[str, ...]:
        return ("应提醒", self.figure) if self.kind else (self.figure,)

    def counts_in(self, figure: str) -> bool:
        return figure == self.figure or (figure == "应提醒" and bool(self.kind))

    @property
    def on(self) -> date:
        """Return the reminder date (应提醒日期), or the expiry date for the renewal figures."""
        return date.fromordinal(self.day)

    @property
    def done_on(self) -> date | None:
        return date.fromordinal(self.done) if self.done else None

    def detail(self) -> list[object]:
        """Return the .xlsx detail row (reminders only)."""
        return [
            self.holder, self.certificate, self.number, self.expires, self.kind, self.on, self.done_on,
            self.figure,
        ]  # fmt: skip


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
    counted = count_period(ledger, schedule, catalogs, done_dates(registry), start, end)
    return summarize(catalogs, counted)


def summarize(catalogs: Catalogs, counted: Iterable[Counted]) -> list[DepartmentReport]:
    """Return each department's figures and detail rows (departments without a 目录 row left out)."""
    reports = {d.slug: DepartmentReport(d) for d in catalogs.departments}
    for c in counted:
        report = reports[c.department]
        report.figures.update(c.figures)
        if c.kind:
            report.details.append(c.detail())
    return [r for r in reports.values() if r.department.items]


def count_period(
    ledger: Ledger, schedule: Schedule, catalogs: Catalogs, done: DoneDates, start: date, end: date
) -> Iterator[Counted]:
    """Yield every reminder and expiry the period's figures count, in 台账 order (first, second, expiry)."""
    today = schedule.today.toordinal()
    first_day, last_day = start.toordinal(), min(end.toordinal(), today)
    in_period = (schedule.first >= first_day) & (schedule.first <= last_day)
    in_period |= (schedule.second >= first_day) & (schedule.second <= last_day)
    in_period |= (ledger.expires >= start.toordinal()) & (ledger.expires <= end.toordinal())
    items = catalogs.items
    for i in np.flatnonzero(in_period).tolist():
        item = items[ledger.item[i]]
        slug, number, holder = item.department, ledger.number[i], ledger.holder[i]
        expires = int(ledger.expires[i])
        on_expiry = date.fromordinal(expires)
        key = (slug, certificate_key(number, holder, item.certificate), on_expiry.isoformat())
        applied = bool(ledger.applied[i])
        for kind, on in ((FIRST, int(schedule.first[i])), (SECOND, int(schedule.second[i]))):
            if on == NO_DATE or not first_day <= on <= last_day:
                continue
            reminded = done.get((*key, kind))
            if reminded is None and applied:
                continue  # applied without a reminder: none was needed
            outcome = "未完成" if reminded is None else "按时完成" if reminded <= on else "逾期完成"
            yield Counted(slug, outcome, on, holder, item.certificate, number, on_expiry, kind, reminded or 0)
        if start.toordinal() <= expires <= end.toordinal():
            renewal = "到期前已续证" if applied else "过期未续证" if expires < today else "未到期未申请"
            yield Counted(slug, renewal, expires, holder, item.certificate, number, on_expiry)


def done_dates(registry: Registry) -> DoneDates:
    """Return the earliest done date of each reminder; a second reminder also settles the first."""
    earliest: DoneDates = {}
    for record in registry.records():
        if not record.done:
            continue
        day = record.reminded_on.toordinal()
        kinds = (FIRST, SECOND) if record.kind == SECOND else (FIRST,)
        for kind in kinds:
            key = (*record.certificate.key, kind)
            earliest[key] = min(earliest.get(key, day), day)
    return earliest
