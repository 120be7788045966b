"""Merging a notice into holidays.csv: only the days the notice governs change; staff's other rows stay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from generator.holidays.notice import Arrangement, Notice
from generator.holidays.rows import HolidayRow, Source, notice_order
from generator.problems import InputError, Problem
from generator.workdays import WorkdayCalendar

_EXTENSION_REACH = 30  # an extension continues a holiday that ended at most this many days before


@dataclass(frozen=True)
class Merge:
    """holidays.csv after the import, and what changed."""

    rows: list[HolidayRow]
    added: int  # days the file did not list before
    changed: int  # days listed before, now of the other kind or named after this notice
    removed: int  # rows an earlier import of this holiday wrote that the notice no longer lists
    staff_replaced: list[HolidayRow]  # staff's own rows on days the notice governs

    @property
    def unchanged(self) -> bool:
        return self.added == self.changed == self.removed == 0


def resolve(
    notice: Notice, existing: list[HolidayRow], calendar: WorkdayCalendar, shown: str
) -> dict[date, tuple[bool, str]]:
    """Return every day the notice sets: day → (working day?, holiday name); later items win."""
    days: dict[date, tuple[bool, str]] = {}
    for item in notice.items:
        days.update((day, (False, item.name)) for day in item.rest)
        days.update((day, (True, item.name)) for day in item.work)
        if item.extend_to is not None:
            earlier = [row for row in existing if row.imported is None or row.imported[1] != notice.ref]
            extended = _extension(item, item.extend_to, earlier, days, calendar)
            if not extended:
                message = f"{item.name}：找不到要延长到 {item.extend_to.isoformat()} 的假期"
                fix = "请先导入当年的放假安排通知，再导入延长假期的通知"
                raise InputError([Problem(shown, message, fix, row=item.line)])
            days.update((day, (False, item.name)) for day in extended)
    return days


def _extension(
    item: Arrangement,
    until: date,
    existing: list[HolidayRow],
    days: dict[date, tuple[bool, str]],
    calendar: WorkdayCalendar,
) -> list[date]:
    """Return the days an extension adds: from the holiday's last rest day (exclusive) to until."""
    names = set(item.name.split("、"))
    reach = until - timedelta(_EXTENSION_REACH)
    rested = [d for d, (work, name) in days.items() if not work and set(name.split("、")) & names]
    for row in existing:
        imported = row.imported
        if imported is not None and not row.work and imported[0] & names:
            rested.append(row.day)
    known = [d for d in rested if reach <= d < until]
    if known:
        last = max(known)
        return [last + timedelta(i) for i in range(1, (until - last).days + 1)]
    # Not imported: walk back over working days and weekends to the holiday's last weekday off, then
    # through the holiday to its first day, so the rows hold the whole break even where the calendar has it.
    walked = [until]
    while walked[-1] > reach:
        before = walked[-1] - timedelta(1)
        if before.weekday() < 5 and not calendar.is_workday(before):
            while not calendar.is_workday(before) and before > reach:
                walked.append(before)
                before -= timedelta(1)
            return sorted(walked)
        walked.append(before)
    return []


def merge(
    existing: list[HolidayRow], notice: Notice, days: dict[date, tuple[bool, str]], sources: list[Source]
) -> Merge:
    """Return holidays.csv with the notice applied: days it governs replaced, every other row kept."""
    order = {source.ref: notice_order(source.issued, source.year, source.change) for source in sources}
    this = notice_order(notice.issued, notice.year, notice.change)
    # An arrangement replaces the earlier one of its holidays; an extension only adds days to it.
    names = {name for item in notice.items if item.extend_to is None for name in item.name.split("、")}

    def later(ref: str) -> bool:
        return ref in order and order[ref] > this

    def governed(row: HolidayRow) -> bool:
        imported = row.imported
        if imported is None:
            return row.day in days
        row_names, ref = imported
        if ref == notice.ref:
            return True
        if later(ref):  # a later notice (an in-year change) keeps its days
            return False
        return row.day in days or (row.day.year == notice.year and bool(row_names & names))

    kept = [row for row in existing if not governed(row)]
    kept_days = {row.day for row in kept if row.imported is not None}
    new = [
        HolidayRow(day, work, f"{name}（{notice.ref}）")
        for day, (work, name) in days.items()
        if day not in kept_days
    ]
    before = {row.day: row for row in existing}
    after = {row.day: row for row in new}
    dropped = [row for row in existing if governed(row) and row.day not in after]
    return Merge(
        rows=sorted([*kept, *new], key=lambda row: row.day),
        added=sum(day not in before for day in after),
        changed=sum(day in before and before[day] != row for day, row in after.items()),
        removed=len(dropped),
        staff_replaced=[row for row in existing if row.imported is None and row.day in after],
    )
