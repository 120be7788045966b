"""One department's day loaded from its own 台账 plans what the province's day plans for it."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from generator.catalog.load import load_catalogs_apart
from generator.config import DEMO_CATALOGS, Settings
from generator.ledger.corrections import Correction, add_correction
from generator.ledger.files import department_of
from generator.pipeline import load_calendar
from generator.problems import DepartmentUnusable
from generator.reminders.results import pick_of
from generator.workflows.record import record_holder
from generator.workflows.remind import department_day, load_day, load_department_day, plan_today
from tests.conftest import write_xlsx

TODAY = date(2026, 11, 23)
SLUGS = ("anshan", "anshan-weijian", "anyang", "dongli", "lvliang")
BROKEN = "lvliang"  # its 台账 has no usable row


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The demo data with a correction and records in dongli, and lvliang's 台账 unreadable."""
    catalogs = tmp_path / "catalogs"
    shutil.copytree(DEMO_CATALOGS, catalogs)
    settings = Settings(catalogs, catalogs / "_ledgers", db=tmp_path / "登记簿.sqlite", out=tmp_path / "out")
    work = plan_today(settings, TODAY)
    dongli = next(d for d in work.departments if d.department.slug == "dongli")
    first, second = dongli.groups[0], dongli.groups[1]
    key = first.reminders[0].certificate.key[1]
    add_correction(
        settings.ledgers,
        Correction("dongli", key, "phone", first.phone, "13911112222", "clerk_b", "2026-11-22 10:00:00"),
    )
    record_holder(settings, work, "dongli", [pick_of(r) for r in second.reminders], "已告知", "电话", "", "b")
    (settings.ledgers / f"{BROKEN}.xlsx").unlink()
    write_xlsx(settings.ledgers / f"{BROKEN}.xlsx", [["不是", "台账"], ["x", "y"]])
    return settings


def test_every_department_s_own_day_plans_as_the_province_s_day(settings: Settings) -> None:
    province = plan_today(settings, TODAY, loaded=load_day(settings, TODAY))
    for slug in SLUGS:
        day = load_department_day(settings, TODAY, slug)
        if slug == BROKEN:
            with pytest.raises(DepartmentUnusable):
                day.inputs.require(slug)
        assert set(day.inputs.unusable) <= {slug}
        own = department_day(plan_today(settings, TODAY, departments={slug}, loaded=day), slug)
        expected = department_day(province, slug)
        assert own.departments == expected.departments, slug  # holders, reminders, SMS lines, problems
        # the cut holds the department's own problems only (anshan's not anshan-weijian's, whose 台账 file
        # names anshan too), in the order its planning found them
        assert list(map(str, own.problems)) == list(map(str, expected.problems)), slug
        assert all(_owner(p.file, settings) in (slug, None) for p in own.problems), slug
    dongli = load_department_day(settings, TODAY, "dongli")
    assert dongli.inputs.phone_corrected and "13911112222" in dongli.inputs.ledger.phone
    assert set(dongli.inputs.ledger.files) <= {f for f in dongli.inputs.ledger.files if "dongli" in f}


def _owner(file: str, settings: Settings) -> str | None:
    root = settings.catalogs.parent
    return department_of(Path(file), root, SLUGS) if Path(file).is_relative_to(root) else None


def test_a_department_day_reads_only_its_own_ledger_files(settings: Settings) -> None:
    day = load_department_day(settings, TODAY, "anshan")
    items = day.inputs.catalogs.items
    assert {items[int(i)].department for i in day.inputs.ledger.item} == {"anshan"}
    assert day.inputs.catalogs.slugs == SLUGS  # every 目录 (lvliang's 台账 is not this day's to judge)
    assert BROKEN not in load_day(settings, TODAY).inputs.catalogs.slugs


def test_the_catalogs_and_calendar_already_loaded_give_the_same_day(settings: Settings) -> None:
    apart, calendar = load_catalogs_apart(settings.catalogs), load_calendar(settings)
    for slug in ("dongli", BROKEN):
        read = load_department_day(settings, TODAY, slug)
        given = load_department_day(settings, TODAY, slug, apart, calendar)
        assert given.inputs.unusable == read.inputs.unusable
        assert sorted(map(str, given.inputs.problems)) == sorted(map(str, read.inputs.problems))
        plans = [
            department_day(plan_today(settings, TODAY, departments={slug}, loaded=d), slug)
            for d in (read, given)
        ]
        assert plans[0].departments == plans[1].departments
