"""What staff see: the notice as read (节日, 放假, 上班, 共几天), what moves, and where each year comes from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
import numpy as np

from generator.catalog.model import Catalogs
from generator.holidays.apply import Merge
from generator.holidays.dates import WEEKDAYS
from generator.holidays.notice import Notice
from generator.holidays.rows import HolidayRow, Source
from generator.ledger.model import Ledger
from generator.schedule import NO_DATE, compute_schedule
from generator.workdays import WorkdayCalendar

FIRST_YEAR = 2004  # chinese-calendar's first year


@dataclass(frozen=True)
class Impact:
    """How the reminder dates of the current 目录 and 台账 change with the new calendar."""

    certificates: int
    first_earlier: int
    first_later: int
    second_earlier: int
    second_later: int
    estimated_before: int  # reminder dates marked 估算
    estimated_after: int


@dataclass(frozen=True)
class YearSource:
    """Where a year's working days come from."""

    year: int
    kind: str  # chinese-calendar, 国务院通知, 手工填写 or 估算
    detail: str

    @property
    def estimated(self) -> bool:
        return self.kind == "估算"


def notice_title(notice: Notice) -> str:
    """Return the heading of the arrangement table: year, kind, 文号 and date of issue."""
    kind = "调整通知" if notice.change else "放假安排通知"
    issued = f"，{notice.issued.isoformat()}" if notice.issued else ""
    return f"{notice.year} 年{kind}（{notice.ref}{issued}）"


def change_lines(merge: Merge, cleared_years: list[int]) -> tuple[str, list[str], list[str]]:
    """Return what an import does to holidays.csv: the counts, staff rows replaced, years no longer estimated."""
    counts = f"holidays.csv：新增 {merge.added} 天，改动 {merge.changed} 天，删除 {merge.removed} 天。"
    replaced = [
        f"通知取代了手工填写的 {row.day.isoformat()}（{row.note or '无说明'}）"
        for row in merge.staff_replaced
    ]
    cleared = [f"{year} 年不再是估算：按通知算出的提醒日期不再标注“估算”。" for year in cleared_years]
    return counts, replaced, cleared


def impact_lines(impact: Impact) -> list[str]:
    """Return how many reminder dates move and how many 估算 marks remain, one line each."""
    return [
        f"对现有目录和台账（{impact.certificates} 张证照）的影响：",
        f"  首次提醒日期：提前 {impact.first_earlier} 个，推后 {impact.first_later} 个；",
        f"  二次提醒日期：提前 {impact.second_earlier} 个，推后 {impact.second_later} 个；",
        f"  标注“估算”的提醒日期：{impact.estimated_before} 个 → {impact.estimated_after} 个。",
    ]


def estimated_next_year(years: list[YearSource], today: date) -> int | None:
    """Return next year when, from October on, it is still estimated (time to import the notice)."""
    return years[-1].year if today.month >= 10 and years and years[-1].estimated else None


def arrangement_table(notice: Notice, days: dict[date, tuple[bool, str]]) -> list[tuple[str, str, str, str]]:
    """Return one row per item: 节日, 放假, 上班, 共几天 (extensions show the days they add)."""
    listed = {day for item in notice.items for day in (*item.rest, *item.work)}
    rows = []
    for item in notice.items:
        rest = list(item.rest)
        if item.extend_to is not None:
            rest = sorted(
                d for d, (work, name) in days.items() if name == item.name and not work and d not in listed
            )
        shown_rest = format_ranges(rest, notice.year)
        if item.extend_to is not None:
            shown_rest = f"延长至{_day(item.extend_to, notice.year)}：{shown_rest}"
        work = "、".join(f"{_day(d, notice.year)}（周{WEEKDAYS[d.weekday()]}）" for d in item.work)
        rows.append((item.name, shown_rest or "—", work or "—", f"{len(rest)} 天" if rest else "—"))
    return rows


def format_ranges(days: Iterable[date], year: int) -> str:
    """Return days as runs: 1月1日至3日、5月1日."""
    runs: list[list[date]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] + timedelta(1) == day:
            runs[-1].append(day)
        else:
            runs.append([day])
    shown = []
    for run in runs:
        first, last = run[0], run[-1]
        if first == last:
            shown.append(_day(first, year))
        else:
            tail = (
                _day(last, year) if (last.year, last.month) != (first.year, first.month) else f"{last.day}日"
            )
            shown.append(f"{_day(first, year)}至{tail}")
    return "、".join(shown)


def _day(day: date, year: int) -> str:
    prefix = "" if day.year == year else f"{day.year}年"
    return f"{prefix}{day.month}月{day.day}日"


def measure_impact(
    ledger: Ledger, catalogs: Catalogs, today: date, old: WorkdayCalendar, new: WorkdayCalendar
) -> Impact:
    """Return how many first and second reminder dates move, and which way, between two calendars."""
    before = compute_schedule(ledger, catalogs, old, today)
    after = compute_schedule(ledger, catalogs, new, today)

    def moved(a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
        both = (a != NO_DATE) & (b != NO_DATE)
        return int((both & (b < a)).sum()), int((both & (b > a)).sum())

    first = moved(before.first, after.first)
    second = moved(before.second, after.second)
    estimated_before = int(before.first_estimated.sum() + before.second_estimated.sum())
    estimated_after = int(after.first_estimated.sum() + after.second_estimated.sum())
    return Impact(len(ledger), *first, *second, estimated_before, estimated_after)


def year_sources(
    last: int, calendar: WorkdayCalendar, rows: list[HolidayRow], sources: list[Source]
) -> list[YearSource]:
    """Return where each year FIRST_YEAR..last comes from: chinese-calendar, a notice, staff rows, or 估算."""
    result = []
    for year in range(FIRST_YEAR, last + 1):
        notices = "；".join(_source(s) for s in sources if s.year == year)
        if _published(year):
            detail = f"另导入：{notices}" if notices else "chinese-calendar 内置的国务院放假安排"
            result.append(YearSource(year, "chinese-calendar", detail))
        elif notices:
            result.append(YearSource(year, "国务院通知", notices))
        elif year in calendar.covered_years:
            count = sum(row.day.year == year for row in rows)
            result.append(YearSource(year, "手工填写", f"holidays.csv 中 {count} 行"))
        else:
            result.append(YearSource(year, "估算", "按“宁早勿晚”估算，提醒日期标注“估算”"))
    return result


def _source(source: Source) -> str:
    issued = f"{source.issued.isoformat()} 发布，" if source.issued else ""
    return f"{source.ref}（{issued}{source.imported_at} 导入）"


def _published(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 7, 1))
    except NotImplementedError:
        return False
    return True
