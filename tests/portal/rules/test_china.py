"""Time in China and its one timestamp format, whatever the server's time zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from portal.rules import china


def _freeze(monkeypatch, moment: datetime) -> None:
    """Make the rules' clock say this moment (the one clock china.py reads)."""

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return moment.astimezone(tz)

    monkeypatch.setattr(china, "datetime", Frozen)


def test_the_timestamp_is_china_time_in_one_format(monkeypatch):
    _freeze(monkeypatch, datetime(2026, 2, 28, 23, 30, 5, tzinfo=UTC))  # already 1 March in China
    assert china.china_timestamp() == "2026-03-01 07:30:05"
    assert china.china_timestamp(minutes=True) == "2026-03-01 07:30"
    assert china.china_today().isoformat() == "2026-03-01"


def test_the_timestamp_of_now_has_the_format(monkeypatch):
    _freeze(monkeypatch, datetime(2026, 12, 5, 1, 2, 3, tzinfo=UTC))
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", china.china_timestamp())
    assert china.chinese_date(datetime(2026, 3, 1).date()) == "2026年3月1日"
