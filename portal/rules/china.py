"""Time in China: UTC+8 all year, whatever the server's own time zone; dates as Chinese text."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))


def china_now() -> datetime:
    """Return the current time in China."""
    return datetime.now(CHINA)


def china_today() -> date:
    """Return today's date in China."""
    return china_now().date()


def chinese_date(day: date) -> str:
    """Return a date as people write it: 2026年3月1日."""
    return f"{day.year}年{day.month}月{day.day}日"
