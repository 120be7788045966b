"""督促检查 counted department by department, each from its own day, gives the province's figures."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from generator.config import DEMO_CATALOGS, Settings
from generator.reminders.registry import UNVERIFIED_SMS, Registry, ReminderRecord
from generator.workflows.remind import load_day, load_department_day, plan_today
from generator.workflows.report import (
    closing,
    count_day,
    count_department,
    counting_of,
    read_done,
    supervise,
    supervise_department,
)
from tests.conftest import write_xlsx

TODAY = date(2026, 11, 23)
SLUGS = ("anshan", "anshan-weijian", "anyang", "dongli", "lvliang")
BROKEN = "lvliang"  # its 台账 has no usable row
EMPTY = "anyang"  # its 目录 has no row: not counted either way
PERIODS = ((date(2026, 10, 1), date(2026, 12, 31)), (date(2026, 11, 16), date(2026, 11, 30)))
# result, channel, days after the reminder date: on time, late, not done, by SMS file, by a channel
WAYS = (
    ("已告知", "电话", -1),
    ("已告知", "上门", 2),
    ("未接通", "电话", 0),
    (UNVERIFIED_SMS, "短信", 0),
    ("已发送", "邮件", 1),
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The demo data with records of every kind in every department (one corrected), lvliang's 台账 unreadable."""
    catalogs = tmp_path / "catalogs"
    shutil.copytree(DEMO_CATALOGS, catalogs)
    settings = Settings(catalogs, catalogs / "_ledgers", db=tmp_path / "登记簿.sqlite", out=tmp_path / "out")
    work = plan_today(settings, TODAY)
    records = []
    for department in work.departments:
        due = [r for group in department.groups for r in group.reminders]
        for n, reminder in enumerate(due):
            result, channel, after = WAYS[n % len(WAYS)]
            on = min(reminder.due_on + timedelta(after), TODAY)
            records.append(
                ReminderRecord(reminder.certificate, reminder.kind, channel, on, "张三", result, "", "t")
            )
    assert {r.certificate.department for r in records} >= {"anshan", "anshan-weijian", "dongli"}
    with Registry(settings.registry) as registry:
        ids = registry.add_each(records)
        first = next(i for i, r in zip(ids, records, strict=True) if r.done and i is not None)
        wrong = records[[i for i in ids].index(first)]
        registry.correct(
            ReminderRecord(wrong.certificate, wrong.kind, "电话", TODAY, "李四", "未接通", "", "t"), first
        )
    (settings.ledgers / f"{BROKEN}.xlsx").unlink()
    write_xlsx(settings.ledgers / f"{BROKEN}.xlsx", [["不是", "台账"], ["x", "y"]])
    return settings


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_each_department_counted_from_its_own_day_gives_its_part_of_the_province(
    settings: Settings, start: date, end: date
) -> None:
    province = counting_of(load_day(settings, TODAY))
    whole = supervise(province, read_done(settings, province), start, end)
    expected = {d.slug: d for d in whole.departments}
    province_loop = {
        f.department.slug: f for f in closing(settings, province, read_done(settings, province), start, end)
    }
    assert set(expected) == set(SLUGS) - {BROKEN, EMPTY}
    assert sum(d.figures["按时完成"] + d.figures["逾期完成"] for d in expected.values()) > 0
    assert sum(sum(d.ways.values()) for d in expected.values()) > 0
    assert sum(f.figures["应闭环"] for f in province_loop.values()) > 0
    for slug in SLUGS:
        counting = counting_of(load_department_day(settings, TODAY, slug))
        own = supervise_department(counting, read_done(settings, counting, [slug]), slug, start, end)
        if slug == BROKEN:
            assert own is None
            assert [u.slug for u in counting.unusable] == [BROKEN] == [u.slug for u in whole.unusable]
            continue
        if slug == EMPTY:
            assert own is None and not counting.unusable
            continue
        assert own is not None
        theirs = expected[slug]
        assert own.department == theirs.department, slug
        assert own.figures == theirs.figures, slug
        assert own.weekly == theirs.weekly, slug
        assert own.ways == theirs.ways, slug
        assert own.lines() == theirs.lines(), slug
        assert own.report() == theirs.report(), slug
        loop = count_day(settings, load_department_day(settings, TODAY, slug), slug, start, end).loop
        assert loop == province_loop[slug], slug  # 闭环: figures and lines


def test_a_department_s_count_reads_only_its_own_records(settings: Settings) -> None:
    with Registry(settings.registry) as registry:
        everyone = {r[0] for r in registry.done_reminders()}
        assert len(everyone) > 1
        assert {r[0] for r in registry.done_reminders(["dongli"])} == {"dongli"}
        assert list(registry.done_reminders([])) == []
    counted = count_department(settings, "dongli", *PERIODS[0], TODAY)
    assert counted.counted is not None and counted.counted.slug == "dongli" and counted.unusable == ()
    broken = count_department(settings, BROKEN, *PERIODS[0], TODAY)
    assert broken.counted is None and [u.slug for u in broken.unusable] == [BROKEN]
