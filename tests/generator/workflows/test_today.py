"""Today's department work as the console keeps it: the day's plan brought up to date with the 登记簿."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.config import Settings
from generator.problems import ProblemList
from generator.reminders.results import pick_of
from generator.workflows.record import record_holder
from generator.workflows.remind import load_day, plan_again, plan_today
from generator.workflows.today import DayWork, brought_up_to_date


def test_a_plan_is_kept_while_the_registry_is_unchanged_and_made_again_when_it_went_back(
    tmp_path: Path,
) -> None:
    db = tmp_path / "登记簿.sqlite"
    work = DayWork(date(2026, 11, 23), [], ProblemList())
    assert brought_up_to_date(db, None) == (0, None, set())  # no plan yet: plan the day
    assert brought_up_to_date(db, (work, 0)) == (0, work, set())  # nothing recorded since: the same plan
    assert brought_up_to_date(db, (work, 5)) == (
        0,
        None,
        set(),
    )  # fewer records than the plan saw: plan again


def test_a_failed_call_plans_its_department_again_and_keeps_the_others(tmp_path: Path) -> None:
    settings = Settings.read(db=str(tmp_path / "登记簿.sqlite"))
    today = date(2026, 11, 23)
    day = load_day(settings, today)
    work = plan_today(settings, today, loaded=day)
    assert len(work.departments) >= 2
    mine, other = work.departments[0], work.departments[1]
    slug = mine.department.slug
    last, same, again = brought_up_to_date(settings.registry, (work, 0))
    assert (last, same, again) == (0, work, set())
    picks = [pick_of(r) for r in mine.groups[0].reminders]
    record_holder(settings, work, slug, picks, "未接通", "电话", "", "clerk_a")  # who is reachable changes
    last, kept, again = brought_up_to_date(settings.registry, (work, 0))
    assert last == len(picks) and kept is not None and again == {slug}
    fresh = plan_again(settings, kept, again, day)
    assert [d.department.slug for d in fresh.departments] == [d.department.slug for d in work.departments]
    assert fresh.departments[1] is kept.departments[1]  # the others are not planned again
    assert fresh.departments[0] is not mine  # this one is, from the 登记簿 now
    assert fresh.departments[1].department.slug == other.department.slug
    whole = plan_today(settings, today, loaded=day)  # the whole day planned again says the same
    assert [(d.department.slug, d.certificates) for d in fresh.departments] == [
        (d.department.slug, d.certificates) for d in whole.departments
    ]
    assert sorted(map(str, fresh.problems)) == sorted(map(str, whole.problems))
    told = [pick_of(r) for r in fresh.departments[1].groups[0].reminders]
    record_holder(
        settings, fresh, fresh.departments[1].department.slug, told, "已告知", "电话", "", "clerk_b"
    )
    assert (
        brought_up_to_date(settings.registry, (fresh, last))[2] == set()
    )  # a done call: applied, nothing planned
