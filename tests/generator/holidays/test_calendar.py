"""The working-day calendar a notice feeds: imported years are official, the estimate errs early."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

from generator.workdays import WorkdayCalendar


def test_the_estimate_never_makes_a_real_rest_day_a_working_day_2016_2026() -> None:
    """Estimate 2016–2026 as if unpublished: a reminder counted on the estimate may come early, never late."""
    years = range(2016, 2027)
    calendar = WorkdayCalendar.build(unpublished=years)
    day, last = date(years[0], 1, 1), date(years[-1], 12, 31)
    wrongly_working = []
    while day <= last:
        assert calendar.is_estimated(day)
        if calendar.is_workday(day) and not chinese_calendar.is_workday(day):
            wrongly_working.append(day)
        day += timedelta(1)
    assert wrongly_working == []


def test_rows_of_a_notice_make_the_year_official() -> None:
    calendar = WorkdayCalendar.build({date(2027, 2, 9): False, date(2027, 2, 20): True})
    assert not calendar.is_estimated(date(2027, 6, 1))
    assert calendar.is_workday(date(2027, 2, 20)) and not calendar.is_workday(date(2027, 2, 9))


def test_new_year_rows_alone_do_not_end_the_estimate_of_the_year_before() -> None:
    """The 2028 notice's 元旦 may reach into 2027-12-31; 2027 stays estimated until its own notice."""
    calendar = WorkdayCalendar.build({date(2027, 12, 31): False, date(2028, 3, 1): False})
    assert calendar.is_estimated(date(2027, 6, 1)) and not calendar.is_estimated(date(2028, 6, 1))
    assert not calendar.is_workday(date(2027, 12, 31))
    assert not calendar.is_workday(date(2027, 10, 4))  # the estimated 国庆 of 2027 still rests
