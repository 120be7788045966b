"""Time in China: UTC+8 all year, whatever the server's own time zone; its one timestamp format; dates as Chinese text."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))
TIMESTAMP = (
    "%Y-%m-%d %H:%M:%S"  # how every stored or shown moment is written: 2026-03-01 09:30:00, China time
)


def china_now() -> datetime:
    """Return the current time in China."""
    return datetime.now(CHINA)


def china_today() -> date:
    """Return today's date in China."""
    return china_now().date()


def china_timestamp(*, minutes: bool = False) -> str:
    """Return the current time in China as YYYY-MM-DD HH:MM:SS (with minutes, YYYY-MM-DD HH:MM)."""
    text = china_now().strftime(TIMESTAMP)
    return text[:16] if minutes else text


def chinese_date(day: date) -> str:
    """Return a date as people write it: 2026年3月1日."""
    return f"{day.year}年{day.month}月{day.day}日"
