"""督促检查: how a department's reminders went over a period, from the 台账, the schedule and the 登记簿.

For each certificate and each kind (首次/二次) whose reminder date falls in the period (and not after today):
- 应提醒: due; a certificate whose holder applied and was never reminded needed no reminder and is left out;
- 按时完成: the 登记簿's first done reminder (a second counts for the first too) is on or before that date;
- 逾期完成: done, but after that date;   未完成: not done.
For each certificate expiring in the period: 到期前已续证 (applied for, or a newer certificate in a later ledger),
过期未续证 (expired by today without), 未到期未申请 (expires later than today, not applied for yet).

The counting is done on arrays over the 台账 rows (a `Tally`), so that a province's quarter is counted in a blink;
the lines behind the figures (`Counted`) are made only for what is shown or written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from generator.catalog.model import Catalogs, Department
from generator.ledger.model import IntArray, Ledger
from generator.reminders.due import FIRST, SECOND
from generator.reminders.registry import SMS_DELIVERED, UNVERIFIED_SMS, Registry, certificate_key
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
ON_TIME, LATE, NOT_DONE, RENEWED, LAPSED, PENDING = range(1, 7)  # index in FIGURES; -1: not counted
# How the reminders counted done were done (按时完成 + 逾期完成), shown apart: a person's word on a call or visit,
# an SMS file staff say they uploaded (nobody saw it delivered), a message the channel reported sent.
# An SMS through the platform counts only once its receipt says delivered (短信已送达).
WAYS = ("人工提醒（电话等）", "短信已发送（未核实送达）", "邮件等已发送", "短信已送达")
BY_PERSON, UNVERIFIED, SENT, DELIVERED = 1, 2, 3, 4  # index in WAYS + 1; 0: not done
DoneDates = dict[tuple[str, str, str, str], int]  # (department, certificate key, expires, kind) → ordinal
RowKey = tuple[str, str, int]  # department, certificate key, expires (ordinal)
Codes = npt.NDArray[np.int8]


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
    way: int = 0  # how the first done reminder was done (BY_PERSON, UNVERIFIED, SENT), 0 when none

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
    ways: Counter[str] = field(default_factory=Counter)  # the done ones by WAYS

    @property
    def rate(self) -> str:
        return on_time_rate(self.figures)


def on_time_rate(figures: Counter[str]) -> str:
    """Return 按时率 (按时完成 / 应提醒) as a percentage, or — when nothing was due."""
    return percentage(figures["按时完成"], figures["应提醒"])


def percentage(part: int, whole: int) -> str:
    """Return part / whole as a whole percentage ("83%"), or — when there is no whole (nothing to count)."""
    return f"{100 * part / whole:.0f}%" if whole else "—"


@dataclass(frozen=True)
class DoneRows:
    """The 登记簿's done dates laid on the 台账: per row, when its first and second reminders were done (0: not)."""

    first: IntArray
    second: IntArray
    first_way: IntArray | None = None  # BY_PERSON, UNVERIFIED or SENT per row; None: not known
    second_way: IntArray | None = None


@dataclass(frozen=True)
class Tally:
    """A period counted row by row: each 台账 row in the period, how its two reminders and its expiry count."""

    rows: npt.NDArray[np.int32]  # 台账 rows in the period, in 台账 order
    department: npt.NDArray[np.int16]  # index into Catalogs.departments
    first: Codes  # ON_TIME, LATE or NOT_DONE; -1 when not counted
    second: Codes
    renewal: Codes  # RENEWED, LAPSED or PENDING; -1 when it does not expire in the period

    def figures(self, departments: int) -> IntArray:
        """Return a (departments × FIGURES) table of counts."""
        table = np.zeros((departments, len(FIGURES)), dtype=np.int64)
        for codes in (self.first, self.second, self.renewal):
            counted = codes >= 0
            np.add.at(table, (self.department[counted], codes[counted]), 1)
        table[:, 0] = table[:, ON_TIME] + table[:, LATE] + table[:, NOT_DONE]
        return table

    def ways(self, done: DoneRows, departments: int) -> IntArray:
        """Return a (departments × WAYS) table: how the reminders counted done were done."""
        table = np.zeros((departments, len(WAYS)), dtype=np.int64)
        for codes, way in ((self.first, done.first_way), (self.second, done.second_way)):
            if way is None:
                continue
            picked = way[self.rows]
            counted = ((codes == ON_TIME) | (codes == LATE)) & (picked > 0)
            np.add.at(table, (self.department[counted], picked[counted] - 1), 1)
        return table


def build_report(
    ledger: Ledger, schedule: Schedule, catalogs: Catalogs, registry: Registry, start: date, end: date
) -> list[DepartmentReport]:
    """Return the figures of every department for the period start–end (inclusive), as of the schedule's day."""
    done = done_rows(ledger, catalogs, *_with_ways(registry))
    return summarize(catalogs, count_period(ledger, schedule, catalogs, done, start, end))


def _with_ways(registry: Registry) -> tuple[DoneDates, None, DoneDates]:
    dates, ways = done_dates_and_ways(registry)
    return dates, None, ways


def summarize(catalogs: Catalogs, counted: Iterable[Counted]) -> list[DepartmentReport]:
    """Return each department's figures and detail rows (departments without a 目录 row left out)."""
    reports = {d.slug: DepartmentReport(d) for d in catalogs.departments}
    for c in counted:
        report = reports[c.department]
        report.figures.update(c.figures)
        if c.kind:
            report.details.append(c.detail())
        if c.kind and c.way and c.figure in REMINDER_FIGURES[:2]:
            report.ways[WAYS[c.way - 1]] += 1
    return [r for r in reports.values() if r.department.items]


def count_period(
    ledger: Ledger, schedule: Schedule, catalogs: Catalogs, done: DoneRows, start: date, end: date
) -> Iterator[Counted]:
    """Yield every reminder and expiry the period's figures count, in 台账 order (first, second, expiry)."""
    return lines(tally(ledger, schedule, catalogs, done, start, end), ledger, schedule, catalogs, done)


def tally(
    ledger: Ledger, schedule: Schedule, catalogs: Catalogs, done: DoneRows, start: date, end: date
) -> Tally:
    """Return how each 台账 row counts in the period start–end, as of the schedule's day."""
    today = schedule.today.toordinal()
    first_day, last_day = start.toordinal(), min(end.toordinal(), today)
    expiring = (ledger.expires >= start.toordinal()) & (ledger.expires <= end.toordinal())
    in_period = (schedule.first >= first_day) & (schedule.first <= last_day)
    in_period |= (schedule.second >= first_day) & (schedule.second <= last_day)
    rows = np.flatnonzero(in_period | expiring)
    applied = ledger.applied[rows]

    def outcome(on: IntArray, reminded: IntArray) -> IntArray:
        # applied without a reminder: none was needed, so it is not counted
        counted = (on != NO_DATE) & (on >= first_day) & (on <= last_day) & ~((reminded == 0) & applied)
        code = np.where(reminded == 0, NOT_DONE, np.where(reminded <= on, ON_TIME, LATE))
        return np.where(counted, code, -1)

    expires = ledger.expires[rows]
    renewal = np.where(applied, RENEWED, np.where(expires < today, LAPSED, PENDING))
    slugs = {d.slug: n for n, d in enumerate(catalogs.departments)}
    item_department = np.array([slugs[i.department] for i in catalogs.items] or [0], dtype=np.int64)
    small = np.int8  # codes and department numbers: a cached quarter of a province stays a few MB
    return Tally(
        rows.astype(np.int32), item_department[ledger.item[rows]].astype(np.int16),
        outcome(schedule.first[rows], done.first[rows]).astype(small),
        outcome(schedule.second[rows], done.second[rows]).astype(small),
        np.where(expiring[rows], renewal, -1).astype(small),
    )  # fmt: skip


def lines(
    counted: Tally, ledger: Ledger, schedule: Schedule, catalogs: Catalogs, done: DoneRows,
    department: int | None = None,
) -> Iterator[Counted]:  # fmt: skip
    """Yield the lines behind a tally (or one department's part of it), in 台账 order."""
    picked = (
        np.arange(len(counted.rows))
        if department is None
        else np.flatnonzero(counted.department == department)
    )
    items = catalogs.items
    for n in picked.tolist():
        i = int(counted.rows[n])
        item = items[ledger.item[i]]
        expires = int(ledger.expires[i])
        about = (ledger.holder[i], item.certificate, ledger.number[i], date.fromordinal(expires))
        for kind, code, on, reminded, way in (
            (
                FIRST,
                int(counted.first[n]),
                int(schedule.first[i]),
                int(done.first[i]),
                _way(done.first_way, i),
            ),
            (
                SECOND,
                int(counted.second[n]),
                int(schedule.second[i]),
                int(done.second[i]),
                _way(done.second_way, i),
            ),
        ):
            if code >= 0:
                yield Counted(item.department, FIGURES[code], on, *about, kind, reminded, way)
        if counted.renewal[n] >= 0:
            yield Counted(item.department, FIGURES[int(counted.renewal[n])], expires, *about)


def done_dates(registry: Registry) -> DoneDates:
    """Return the earliest done date of each reminder; a second (or 临期) reminder also settles the first."""
    return done_dates_and_ways(registry)[0]


def done_dates_and_ways(
    registry: Registry, departments: Collection[str] | None = None, expiring_from: date | None = None
) -> tuple[DoneDates, DoneDates]:
    """Return the earliest done date of each reminder, and how that record was done (BY_PERSON …); of these
    departments only, when given; of certificates expiring on or after expiring_from only, when given."""
    earliest: dict[tuple[str, str, str, str], str] = {}
    ways: DoneDates = {}
    for department, key, expires, kind, day, result in registry.done_reminders(departments, expiring_from):
        # A done 临期 settles both earlier stages, as in the plan (generator/reminders/due.py).
        settles = (FIRST,) if kind == FIRST else (FIRST, SECOND)
        for settled in ((department, key, expires, k) for k in settles):
            if day < earliest.get(settled, "9999"):  # ISO dates sort as dates
                earliest[settled] = day
                ways[settled] = way_of(result)
    return {key: _ordinal(day) for key, day in earliest.items()}, ways


def way_of(result: str) -> int:
    """Return how a done record was done: an SMS file confirmed by hand, sent by a channel, or by a person."""
    if result == UNVERIFIED_SMS:
        return UNVERIFIED
    if result == SMS_DELIVERED:
        return DELIVERED
    return SENT if result == "已发送" else BY_PERSON


def _way(ways: IntArray | None, row: int) -> int:
    return 0 if ways is None else int(ways[row])


def row_index(ledger: Ledger, catalogs: Catalogs) -> dict[RowKey, list[int]]:
    """Return the 台账 rows of each certificate as the 登记簿 names it (department, key, expiry)."""
    items = catalogs.items
    index: dict[RowKey, list[int]] = {}
    for i, (item, number, holder, expires) in enumerate(
        zip(ledger.item.tolist(), ledger.number, ledger.holder, ledger.expires.tolist(), strict=True)
    ):
        found = items[item]
        key = (found.department, certificate_key(number, holder, found.certificate), expires)
        index.setdefault(key, []).append(i)
    return index


def done_rows(
    ledger: Ledger, catalogs: Catalogs, done: DoneDates, index: dict[RowKey, list[int]] | None = None,
    ways: DoneDates | None = None,
) -> DoneRows:  # fmt: skip
    """Return the done dates of each 台账 row's two reminders (index: `row_index`, when already made), and how
    each was done when ways (from `done_dates_and_ways`) are given."""
    index = row_index(ledger, catalogs) if index is None else index
    found: dict[str, tuple[list[int], list[int], list[int]]] = {FIRST: ([], [], []), SECOND: ([], [], [])}
    for (department, key, expires, kind), day in done.items():
        rows = index.get((department, key, _ordinal(expires)))
        if rows:
            found[kind][0].extend(rows)
            found[kind][1].extend([day] * len(rows))
            found[kind][2].extend([(ways or {}).get((department, key, expires, kind), 0)] * len(rows))
    arrays: list[IntArray] = []
    for kind in (FIRST, SECOND):
        at, on, how = (np.asarray(values, dtype=np.int64) for values in found[kind])
        days, way = np.zeros(len(ledger), dtype=np.int64), np.zeros(len(ledger), dtype=np.int64)
        days[at], way[at] = on, how
        arrays += [days, way]
    first, first_way, second, second_way = arrays
    known = ways is not None
    return DoneRows(first, second, first_way if known else None, second_way if known else None)


@lru_cache(maxsize=8192)
def _ordinal(day: str) -> int:
    return date.fromisoformat(day).toordinal()  # a few thousand distinct days among a province's records
