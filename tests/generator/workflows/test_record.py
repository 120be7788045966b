"""Recording one holder's result from the day's plan (what the console's 登记 does, as a workflow)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.config import Settings
from generator.problems import JiaozaoError
from generator.reminders.registry import Registry
from generator.reminders.results import pick_of
from generator.workflows.record import record_holder
from generator.workflows.remind import plan_today

TODAY = date(2026, 11, 23)


def test_one_holders_result_is_recorded_once_for_the_picked_certificates(tmp_path: Path) -> None:
    settings = Settings.read(db=str(tmp_path / "登记簿.sqlite"))
    work = plan_today(settings, TODAY)
    department = next(d for d in work.departments if d.groups)
    group = department.groups[0]
    picks = [pick_of(r) for r in group.reminders]
    slug = department.department.slug
    records, ids = record_holder(settings, work, slug, picks, "已告知", "电话", "前台转告", "clerk_a")
    assert len(records) == len(picks) and all(ids)
    assert {r.result for r in records} == {"已告知"} and {r.by_whom for r in records} == {"clerk_a"}
    again = record_holder(settings, work, slug, picks, "已告知", "电话", "前台转告", "clerk_a")[1]
    assert again == [None] * len(picks)  # the same act twice is one record
    with Registry(settings.db) as registry:
        assert len(registry.records(slug)) == len(picks)


def test_a_certificate_not_due_that_day_is_refused(tmp_path: Path) -> None:
    settings = Settings.read(db=str(tmp_path / "登记簿.sqlite"))
    work = plan_today(settings, TODAY)
    slug = next(d for d in work.departments if d.groups).department.slug
    with pytest.raises(JiaozaoError):
        record_holder(settings, work, slug, ["NO-SUCH\t2026-12-01\t首次"], "已告知", "电话", "", "clerk_a")
    with Registry(settings.db) as registry:
        assert registry.records(slug) == []
