"""Today's department work as the console keeps it: the day's plan brought up to date with the 登记簿."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.problems import ProblemList
from generator.workflows.today import DayWork, brought_up_to_date


def test_a_plan_is_kept_while_the_registry_is_unchanged_and_made_again_when_it_went_back(
    tmp_path: Path,
) -> None:
    db = tmp_path / "登记簿.sqlite"
    work = DayWork(date(2026, 11, 23), [], ProblemList())
    assert brought_up_to_date(db, None) == (0, 0, None)  # no plan yet: plan the day
    assert brought_up_to_date(db, (work, 0, 0)) == (0, 0, work)  # nothing recorded since: the same plan
    assert brought_up_to_date(db, (work, 5, 5)) == (0, 0, None)  # fewer records than the plan saw: plan again
