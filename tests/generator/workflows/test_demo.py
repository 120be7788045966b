"""The demo 登记簿's history: an ordinary day's list on the demo day, the past mostly recorded, reproducible."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from generator.config import DEMO_CATALOGS, Settings
from generator.reminders.demo_history import DEMO_CLERK
from generator.reminders.registry import Registry
from generator.workflows.demo import write_demo_history
from generator.workflows.remind import load_day, plan_today

DAY = date(2026, 12, 9)  # a Wednesday, with the shipped demo 台账 in full swing


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The shipped demo data, read only; the 登记簿 in a temporary folder."""
    return Settings.read(str(DEMO_CATALOGS), db=str(tmp_path / "登记簿.sqlite"), cache="off", environ={})


def _households(settings: Settings, day: date) -> dict[str, int]:
    return {d.department.slug: len(d.groups) for d in plan_today(settings, day).departments}


def test_the_demo_day_looks_like_an_ordinary_day(settings: Settings) -> None:
    before = _households(settings, DAY)
    assert max(before.values()) > 100  # without a history: a backlog of months

    result = write_demo_history(settings, DAY, seed=2026)

    after = _households(settings, DAY)
    assert set(after) <= set(before)
    assert all(0 < n <= 40 for n in after.values()), after
    assert result.added == result.records > 1000
    assert result.done / result.records > 0.8


def test_earlier_reminders_are_mostly_recorded_by_the_demo_clerk_before_the_day(settings: Settings) -> None:
    write_demo_history(settings, DAY, seed=2026)
    with Registry(settings.db) as registry:
        records = registry.records()
    assert max(r.reminded_on for r in records) < DAY
    assert {r.by_whom for r in records} == {DEMO_CLERK}
    results, channels = Counter(r.result for r in records), Counter(r.channel for r in records)
    assert results["未接通"] > 0 and results["号码有误"] > 0
    assert results["已告知"] + results["已发送"] > 5 * (results["未接通"] + results["号码有误"])
    assert {"电话", "短信"} <= set(channels)

    # Of the reminders due before the day (first reminder date come, not expired by then), most are done.
    day = load_day(settings, DAY)
    first = day.schedule.first
    due_before = int(((first > 0) & (first < DAY.toordinal()) & ~day.inputs.ledger.applied).sum())
    done = {(r.certificate.key, r.kind) for r in records if r.done}
    assert len(done) > 0.8 * due_before


def test_the_history_is_reproducible_and_written_once(settings: Settings, tmp_path: Path) -> None:
    first = write_demo_history(settings, DAY, seed=2026)
    again = write_demo_history(settings, DAY, seed=2026)
    assert again.added == 0

    other = Settings.read(str(DEMO_CATALOGS), db=str(tmp_path / "again.sqlite"), cache="off", environ={})
    assert write_demo_history(other, DAY, seed=2026).added == first.added
    query = "SELECT department, certificate_key, kind, channel, reminded_on, result FROM reminders ORDER BY 1, 2, 3, 4, 5, 6"
    rows = [sqlite3.connect(s.db).execute(query).fetchall() for s in (settings, other)]
    assert rows[0] == rows[1]


def test_a_later_day_adds_only_the_days_between(settings: Settings) -> None:
    write_demo_history(settings, DAY, seed=2026)
    later = write_demo_history(settings, date(2026, 12, 14), seed=2026)
    assert 0 < later.added < 300
    assert all(0 < n <= 40 for n in _households(settings, date(2026, 12, 14)).values())
