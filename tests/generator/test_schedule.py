"""Reminder dates: working-day and calendar rules, 估算 years, status, days left, the second reminder."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from generator.catalog.load import load_catalogs
from generator.catalog.model import Catalogs
from generator.config import DEMO_CATALOGS
from generator.ledger.load import load_ledgers
from generator.phrases import parse_lead_time
from generator.schedule import (
    NO_DATE,
    Schedule,
    compute_schedule,
    late_reminder_problems,
    reminder_date,
)
from generator.workdays import WorkdayCalendar
from portal.rules.status import Status
from tests.conftest import write_xlsx


@pytest.fixture(scope="module")
def calendar() -> WorkdayCalendar:
    return WorkdayCalendar.build()


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return load_catalogs(DEMO_CATALOGS)[0]


def _stepped(expiry: date, workdays: int) -> date:
    """The slow, obviously right answer: step back a day at a time."""
    day = expiry
    while workdays:
        day -= timedelta(days=1)
        workdays -= chinese_calendar.is_workday(day)
    return day


@pytest.mark.parametrize(
    ("expiry", "rule", "expected", "estimated"),
    [
        ("2026-02-25", "到期前5个工作日", "2026-02-11", False),  # 春节 and the make-up Saturday 02-14
        ("2026-10-09", "到期前90个工作日", _stepped(date(2026, 10, 9), 90).isoformat(), False),
        ("2026-01-05", "到期前2个工作日", "2025-12-31", False),  # 元旦 01-01..03 off, Sunday 01-04 on
        ("2026-05-31", "到期前3个月", "2026-02-28", False),  # month end clamped; 02-28 is a make-up Saturday
        ("2026-06-01", "到期前3个月", "2026-02-28", False),  # 03-01 is a Sunday: back to the make-up Saturday
        ("2026-10-31", "到期前30天", "2026-09-30", False),  # 10-01 is 国庆: the working day before
        ("2026-10-11", "到期前10天", "2026-09-30", False),  # 10-01 again
        (
            "2026-03-31",
            "有效期届满前30日",
            "2026-02-28",
            False,
        ),  # 03-01 is a Sunday, 02-28 a make-up Saturday
        ("2027-03-31", "到期前30天", "2027-03-01", True),  # 2027 is not published yet: 估算
        ("2027-01-10", "到期前5个工作日", None, True),
        ("2026-12-20", "到期前5个工作日", "2026-12-14", False),  # entirely within 2026
    ],
)
def test_reminder_dates(
    calendar: WorkdayCalendar, expiry: str, rule: str, expected: str | None, estimated: bool
) -> None:
    day, is_estimate = reminder_date(calendar, date.fromisoformat(expiry), parse_lead_time(rule))
    if expected is not None:
        assert day.isoformat() == expected
    assert is_estimate is estimated


def test_a_2027_estimate_errs_early(calendar: WorkdayCalendar) -> None:
    weekends_only = date(2027, 2, 19)
    left = 10
    while left:
        weekends_only -= timedelta(days=1)
        left -= weekends_only.weekday() < 5
    day, estimated = reminder_date(calendar, date(2027, 2, 19), parse_lead_time("到期前10个工作日"))
    assert estimated and day < weekends_only  # 春节 2027 counted as rest


def _schedule(
    tmp_path: Path, catalogs: Catalogs, calendar: WorkdayCalendar, rows: list[list[object]], today: date
) -> Schedule:
    header = ["证照持有单位（个人）", "证照名称", "证照编号", "期满日期", "办理状态"]
    ledger, problems = load_ledgers(write_xlsx(tmp_path / "anshan.xlsx", [header, *rows]), catalogs)
    assert problems == [] and len(ledger) == len(rows)
    return compute_schedule(ledger, catalogs, calendar, today)


def test_status_days_left_and_second_reminder(
    tmp_path: Path, catalogs: Catalogs, calendar: WorkdayCalendar
) -> None:
    today = date(2026, 11, 23)
    rows = [
        ["甲公司", "采矿许可证", "A1", "2026-11-22", ""],  # expired yesterday
        ["乙公司", "采矿许可证", "A2", "2026-11-23", ""],  # last valid day
        ["丙公司", "采矿许可证", "A3", "2027-01-15", "已申请延续"],  # due soon, applied: no second reminder
        ["丁公司", "采矿许可证", "A4", "2028-06-30", ""],  # far away
    ]
    schedule = _schedule(tmp_path, catalogs, calendar, rows, today)
    assert schedule.days_left.tolist() == [-1, 0, 53, (date(2028, 6, 30) - today).days]
    assert [Status(s).label for s in schedule.status] == ["已过期", "即将到期", "即将到期", "有效"]
    assert schedule.second[2] == NO_DATE and not schedule.second_estimated[2]
    assert (
        schedule.second[3] != NO_DATE
        and schedule.first[3] < schedule.second[3] < date(2028, 6, 30).toordinal()
    )
    assert schedule.first_estimated.tolist() == [False, False, True, True]


def test_a_reminder_after_the_statutory_deadline_is_flagged(
    tmp_path: Path, catalogs: Catalogs, calendar: WorkdayCalendar
) -> None:
    # 鞍山 排污许可证: second reminder 到期前 30 天, but the law says apply 60 days before expiry.
    # 取水许可证: second reminder 到期前45日, the law says 45 days: just in time.
    rows = [
        ["甲公司", "排污许可证", "P1", "2026-12-31", ""],
        ["乙公司", "取水许可证", "P2", "2026-12-31", ""],
    ]
    schedule = _schedule(tmp_path, catalogs, calendar, rows, date(2026, 11, 1))
    assert schedule.late.tolist() == [True, False]
    assert (
        schedule.deadline[0] == date(2026, 11, 1).toordinal()
    )  # 12-31 − 60 days: holidays do not move the law
    warnings = late_reminder_problems(catalogs, calendar, date(2026, 11, 1))
    assert any("排污许可证" in p.message and p.column == "二次提醒时限" for p in warnings)
    assert not any("取水许可证" in p.message for p in warnings)
    # 鞍山's 20-working-day second calls (about 28 days) fall after 行政许可法's 30-day deadline: flagged too.
    assert any("采矿许可证" in p.message for p in warnings)


def test_vectorised_schedule_equals_day_stepping(
    tmp_path: Path, catalogs: Catalogs, calendar: WorkdayCalendar
) -> None:
    expiries = [date(2025, 3, 1) + timedelta(days=11 * i) for i in range(50)]
    rows: list[list[object]] = [
        [f"公司{i}", "采矿许可证", f"N{i}", e.isoformat(), ""] for i, e in enumerate(expiries)
    ]
    schedule = _schedule(tmp_path, catalogs, calendar, rows, date(2025, 1, 1))
    assert [date.fromordinal(int(d)) for d in schedule.first] == [_stepped(e, 90) for e in expiries]
    assert [date.fromordinal(int(d)) for d in schedule.second] == [_stepped(e, 20) for e in expiries]
