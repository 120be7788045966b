from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import numpy as np
import pytest

from generator.problems import Level
from generator.workdays import (
    TABLE_FIRST,
    TABLE_LAST,
    CalendarRangeError,
    WorkdayCalendar,
    load_holiday_supplement,
    months_before_ord,
)


@pytest.fixture(scope="module")
def calendar() -> WorkdayCalendar:
    return WorkdayCalendar.build()


def ords(*days: date) -> np.ndarray:
    return np.array([d.toordinal() for d in days], dtype=np.int64)


def weekends_only_nth_before(expiry: date, n: int) -> date:
    day = expiry
    while n:
        day -= timedelta(1)
        n -= day.weekday() < 5
    return day


# --- the official years -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, date(2026, 2, 24)), (2, date(2026, 2, 14)), (3, date(2026, 2, 13)), (5, date(2026, 2, 11))],
)
def test_spring_festival_2026_counts_make_up_saturday(
    calendar: WorkdayCalendar, n: int, expected: date
) -> None:
    assert calendar.nth_workday_before(date(2026, 2, 25), n) == (expected, False)


@pytest.mark.parametrize(
    ("day", "work"),
    [
        # 2025 元旦
        (date(2024, 12, 31), True),
        (date(2025, 1, 1), False),
        (date(2025, 1, 2), True),
        # 2025 春节 01-28..02-04, make-up 01-26 (Sun) and 02-08 (Sat)
        (date(2025, 1, 26), True),
        (date(2025, 1, 27), True),
        (date(2025, 1, 28), False),
        (date(2025, 2, 4), False),
        (date(2025, 2, 5), True),
        (date(2025, 2, 8), True),
        # 2025 清明 04-04..04-06
        (date(2025, 4, 3), True),
        (date(2025, 4, 4), False),
        (date(2025, 4, 6), False),
        (date(2025, 4, 7), True),
        # 2025 劳动节 05-01..05-05, make-up 04-27 (Sun)
        (date(2025, 4, 27), True),
        (date(2025, 4, 30), True),
        (date(2025, 5, 1), False),
        (date(2025, 5, 5), False),
        (date(2025, 5, 6), True),
        # 2025 端午 05-31..06-02
        (date(2025, 5, 30), True),
        (date(2025, 5, 31), False),
        (date(2025, 6, 2), False),
        (date(2025, 6, 3), True),
        # 2025 国庆中秋 10-01..10-08, make-up 09-28 (Sun) and 10-11 (Sat)
        (date(2025, 9, 28), True),
        (date(2025, 9, 30), True),
        (date(2025, 10, 1), False),
        (date(2025, 10, 8), False),
        (date(2025, 10, 9), True),
        (date(2025, 10, 11), True),
        # 2026 元旦 01-01..01-03, make-up 01-04 (Sun)
        (date(2025, 12, 31), True),
        (date(2026, 1, 1), False),
        (date(2026, 1, 3), False),
        (date(2026, 1, 4), True),
        # 2026 春节 02-15..02-23, make-up 02-14 (Sat) and 02-28 (Sat)
        (date(2026, 2, 13), True),
        (date(2026, 2, 14), True),
        (date(2026, 2, 15), False),
        (date(2026, 2, 23), False),
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),
    ],
)
def test_holiday_edges_and_make_up_days(calendar: WorkdayCalendar, day: date, work: bool) -> None:
    assert calendar.is_workday(day) is work
    assert not calendar.is_estimated(day)


@pytest.mark.parametrize("year", range(2004, 2027))
def test_official_years_match_chinese_calendar_day_by_day(calendar: WorkdayCalendar, year: int) -> None:
    days = [date(year, 1, 1) + timedelta(i) for i in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)]
    assert [calendar.is_workday(d) for d in days] == [chinese_calendar.is_workday(d) for d in days]
    assert year in calendar.covered_years


@pytest.mark.parametrize(
    ("expiry", "n", "expected"),
    [
        (date(2026, 1, 6), 1, date(2026, 1, 5)),
        (date(2026, 1, 6), 2, date(2026, 1, 4)),  # the Sunday make-up day counts
        (date(2026, 1, 6), 3, date(2025, 12, 31)),
        (date(2026, 1, 6), 4, date(2025, 12, 30)),
        (date(2026, 1, 2), 1, date(2025, 12, 31)),
    ],
)
def test_counting_across_new_year_2025_2026(
    calendar: WorkdayCalendar, expiry: date, n: int, expected: date
) -> None:
    assert calendar.nth_workday_before(expiry, n) == (expected, False)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 20), date(2026, 2, 14)),  # holiday → the make-up Saturday before it
        (date(2025, 10, 5), date(2025, 9, 30)),
        (date(2026, 1, 3), date(2025, 12, 31)),
        (date(2025, 10, 11), date(2025, 10, 11)),  # a make-up Saturday is itself a working day
        (date(2026, 3, 4), date(2026, 3, 4)),
        (date(2026, 3, 8), date(2026, 3, 6)),
    ],
)
def test_workday_on_or_before(calendar: WorkdayCalendar, day: date, expected: date) -> None:
    assert calendar.workday_on_or_before(day) == (expected, False)


# --- estimated years --------------------------------------------------------------------------------------


def test_2027_is_estimated_and_rests_spring_festival(calendar: WorkdayCalendar) -> None:
    assert 2027 not in calendar.covered_years
    assert calendar.is_estimated(date(2027, 7, 1))
    spring = [date(2027, 2, 5) + timedelta(i) for i in range(9)]  # 除夕 02-05 … 初七 02-12, then Saturday
    assert not any(calendar.is_workday(d) for d in spring)
    assert calendar.is_workday(date(2027, 2, 4)) and calendar.is_workday(date(2027, 2, 15))
    assert calendar.nth_workday_before(date(2027, 2, 16), 1) == (date(2027, 2, 15), True)
    assert calendar.nth_workday_before(date(2027, 2, 16), 2) == (date(2027, 2, 4), True)


def test_estimated_years_never_invent_make_up_days(calendar: WorkdayCalendar) -> None:
    weekend = [d for d in (date(2027, 1, 1) + timedelta(i) for i in range(365 * 10)) if d.weekday() >= 5]
    assert not any(calendar.is_workday(d) for d in weekend)


@pytest.mark.parametrize("n", [1, 3, 5, 10, 20, 30])
def test_estimate_errs_early_against_weekends_only(calendar: WorkdayCalendar, n: int) -> None:
    for offset in range(1, 365 * 4, 3):
        expiry = date(2027, 1, 1) + timedelta(offset)
        day, estimated = calendar.nth_workday_before(expiry, n)
        assert estimated
        assert day <= weekends_only_nth_before(expiry, n)


@pytest.mark.parametrize(
    ("day", "work"),
    [
        (date(2027, 1, 1), False),  # 元旦 (Friday)
        (date(2027, 4, 5), False),  # 清明
        (date(2027, 5, 3), False),  # 劳动节 05-01..05-05
        (date(2027, 5, 6), True),
        (date(2027, 6, 8), True),  # 端午 06-09 is a Wednesday: nothing bridged
        (date(2027, 6, 9), False),
        (date(2027, 9, 15), False),  # 中秋
        (date(2027, 10, 7), False),  # 国庆 10-01..10-07
        (date(2027, 10, 8), True),
        (date(2029, 12, 31), False),  # 2030 元旦 is a Tuesday: the Monday is bridged
        (date(2032, 1, 2), False),  # 2032 元旦 is a Thursday: the Friday is bridged
        (date(2031, 6, 23), False),  # 2031 端午 06-24 is a Tuesday
        (date(2030, 9, 13), False),  # 2030 中秋 09-12 is a Thursday
        (date(2029, 6, 18), False),  # 2029 端午 06-16 is a Saturday: Monday in lieu (补休)
        (date(2036, 10, 8), False),  # 2036 中秋 10-04 falls inside 国庆
        (date(2037, 10, 8), True),  # 2037 中秋 09-24 does not
    ],
)
def test_estimated_holidays(calendar: WorkdayCalendar, day: date, work: bool) -> None:
    assert calendar.is_workday(day) is work
    assert calendar.is_estimated(day)


@pytest.mark.parametrize("day", [date(1998, 1, 1), date(2003, 12, 31), date(2100, 12, 31)])
def test_years_outside_chinese_calendar_are_estimated(calendar: WorkdayCalendar, day: date) -> None:
    assert calendar.is_estimated(day)


def test_last_table_year_has_no_lunar_library_data_yet_works(calendar: WorkdayCalendar) -> None:
    assert calendar.nth_workday_before(TABLE_LAST, 10)[1]
    assert not calendar.is_workday(date(2100, 2, 9))  # 春节 2100


@pytest.mark.parametrize(
    ("expiry", "n", "expected", "estimated"),
    [
        (date(2027, 1, 1), 1, date(2026, 12, 31), False),  # the expiry day itself is not counted
        (date(2027, 1, 4), 1, date(2026, 12, 31), True),  # counts over 2027-01-01..03
        (date(2026, 12, 31), 3, date(2026, 12, 28), False),
    ],
)
def test_estimated_only_when_counted_range_touches_2027(
    calendar: WorkdayCalendar, expiry: date, n: int, expected: date, estimated: bool
) -> None:
    assert calendar.nth_workday_before(expiry, n) == (expected, estimated)


def test_on_or_before_and_any_estimated_across_2026_2027(calendar: WorkdayCalendar) -> None:
    assert calendar.workday_on_or_before(date(2027, 1, 2)) == (date(2026, 12, 31), True)
    assert calendar.workday_on_or_before(date(2026, 12, 31)) == (date(2026, 12, 31), False)
    first = ords(date(2026, 12, 20), date(2026, 12, 20), date(2027, 1, 2))
    last = ords(date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 1))
    assert calendar.any_estimated_ord(first, last).tolist() == [False, True, False]


# --- the staff supplement ---------------------------------------------------------------------------------

SUPPLEMENT_2027 = """日期,类型,说明
2027-02-05,休,春节（除夕）
2027/2/8,休,春节
2027年2月9日,休,春节
2027-02-10,休,春节
2027-02-11,休,春节
2027-02-20,班,春节调休上班（星期六）
"""


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_supplement_covers_2027(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "holidays.csv"
    path.write_bytes(SUPPLEMENT_2027.encode(encoding))
    supplement, problems = load_holiday_supplement(path)
    assert problems == []
    assert supplement[date(2027, 2, 9)] is False and supplement[date(2027, 2, 20)] is True
    calendar = WorkdayCalendar.build(supplement)
    assert 2027 in calendar.covered_years and not calendar.is_estimated(date(2027, 6, 1))
    assert calendar.is_workday(date(2027, 2, 20))  # a Saturday, made a working day
    assert not calendar.is_workday(date(2027, 2, 9))
    assert calendar.is_workday(date(2027, 2, 12))  # not in the file: the weekend rule, not the estimate
    assert calendar.is_workday(date(2027, 10, 1))
    assert calendar.nth_workday_before(date(2027, 2, 22), 2) == (date(2027, 2, 19), False)
    assert calendar.nth_workday_before(date(2027, 2, 15), 2) == (date(2027, 2, 4), False)


def test_supplement_overrides_a_covered_year() -> None:
    calendar = WorkdayCalendar.build({date(2026, 3, 7): True, date(2026, 3, 9): False})
    assert calendar.is_workday(date(2026, 3, 7))  # a Saturday
    assert not calendar.is_workday(date(2026, 3, 9))
    assert calendar.workday_on_or_before(date(2026, 3, 9)) == (date(2026, 3, 7), False)


def test_missing_supplement_is_empty(tmp_path: Path) -> None:
    assert load_holiday_supplement(tmp_path / "holidays.csv") == ({}, [])


BAD_ROWS = """日期,类型,说明
2027-01-01,休,元旦
2027-02-30,休,不存在的日期
2027-02-06,假,写错类型
2027/1/1,班,与第 2 行冲突
2027年2月7日,休,春节
2101-01-01,休,超出范围
,班,
"""


@pytest.mark.parametrize(
    ("row", "column", "value"),
    [
        (3, "日期", "2027-02-30"),
        (4, "类型", "假"),
        (5, "类型", "班"),
        (7, "日期", "2101-01-01"),
        (8, "日期", ""),
    ],
)
def test_bad_supplement_rows(tmp_path: Path, row: int, column: str, value: str) -> None:
    path = tmp_path / "holidays.csv"
    path.write_text(BAD_ROWS, encoding="utf-8")
    supplement, problems = load_holiday_supplement(path)
    assert supplement == {date(2027, 1, 1): False, date(2027, 2, 7): False}
    assert len(problems) == 5
    (problem,) = [p for p in problems if p.row == row]
    assert (problem.file, problem.column, problem.value, problem.level) == (
        "holidays.csv",
        column,
        value,
        Level.ERROR,
    )
    assert f"第 {row} 行" in str(problem) and problem.fix


@pytest.mark.parametrize("header", ["日期,说明", "日子,类型"])
def test_supplement_missing_column(tmp_path: Path, header: str) -> None:
    path = tmp_path / "holidays.csv"
    path.write_text(f"{header}\n2027-01-01,休\n", encoding="utf-8")
    supplement, problems = load_holiday_supplement(path)
    assert supplement == {}
    assert len(problems) == 1 and problems[0].level is Level.ERROR


# --- range errors -----------------------------------------------------------------------------------------


def test_dates_outside_the_table_raise(calendar: WorkdayCalendar) -> None:
    with pytest.raises(CalendarRangeError, match=r"1997-12-31.*1998-01-01 至 2100-12-31"):
        calendar.nth_workday_before(date(1997, 12, 31), 1)
    with pytest.raises(CalendarRangeError, match="2101-01-01"):
        calendar.is_workday(date(2101, 1, 1))
    with pytest.raises(CalendarRangeError, match="1998-01-02"):
        calendar.nth_workday_before(date(1998, 1, 2), 5)  # the count runs off the table's start
    with pytest.raises(CalendarRangeError):
        calendar.workday_on_or_before(TABLE_FIRST)  # 1998 元旦 (estimated rest) has no working day before it
    with pytest.raises(CalendarRangeError, match="2101-01-01"):
        calendar.workday_on_or_before_ord(ords(date(2026, 1, 1), date(2101, 1, 1)))
    with pytest.raises(CalendarRangeError):
        WorkdayCalendar.build({date(2101, 1, 1): True})


def test_n_must_be_positive(calendar: WorkdayCalendar) -> None:
    with pytest.raises(ValueError):
        calendar.nth_workday_before_ord(ords(date(2026, 3, 2)), 0)


# --- months -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 5, 31), 3, date(2026, 2, 28)),
        (date(2028, 5, 31), 3, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 7, 31), 1, date(2026, 6, 30)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
        (date(2026, 1, 31), 13, date(2024, 12, 31)),
        (date(2026, 2, 28), 24, date(2024, 2, 28)),
        (date(2026, 3, 15), 0, date(2026, 3, 15)),
        (date(2026, 1, 31), -1, date(2026, 2, 28)),  # negative counts forward
    ],
)
def test_months_before(day: date, months: int, expected: date) -> None:
    assert months_before_ord(ords(day), months).tolist() == [expected.toordinal()]


def test_months_before_vectorised_months() -> None:
    result = months_before_ord(ords(date(2026, 5, 31), date(2026, 5, 31)), np.array([1, 3]))
    assert result.tolist() == [date(2026, 4, 30).toordinal(), date(2026, 2, 28).toordinal()]


# --- vectorised = scalar = day by day ---------------------------------------------------------------------


def naive_nth_before(calendar: WorkdayCalendar, expiry: date, n: int) -> tuple[date, bool]:
    day, estimated = expiry, False
    while n:
        day -= timedelta(1)
        n -= calendar.is_workday(day)
        estimated |= calendar.is_estimated(day)
    return day, estimated


def test_vectorised_equals_scalar_on_random_dates(calendar: WorkdayCalendar) -> None:
    rng = np.random.default_rng(20260225)
    expiry = rng.integers(date(1999, 1, 1).toordinal(), date(2100, 12, 31).toordinal(), 2000)
    n = rng.integers(1, 40, 2000)
    days, estimated = calendar.nth_workday_before_ord(expiry, n)
    on_or_before, on_estimated = calendar.workday_on_or_before_ord(expiry)
    span_estimated = calendar.any_estimated_ord(days, expiry - 1)
    for i, (e, k) in enumerate(zip(expiry.tolist(), n.tolist(), strict=True)):
        expected = calendar.nth_workday_before(date.fromordinal(e), k)
        assert (date.fromordinal(int(days[i])), bool(estimated[i])) == expected
        assert naive_nth_before(calendar, date.fromordinal(e), k) == expected
        assert bool(span_estimated[i]) == expected[1]
        scalar = calendar.workday_on_or_before(date.fromordinal(e))
        assert (date.fromordinal(int(on_or_before[i])), bool(on_estimated[i])) == scalar
