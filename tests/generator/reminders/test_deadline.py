"""A passed 法定申请截止 is never given as the day to apply by: SMS, read-out script, e-mail and letter say so."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.config import DEMO_CATALOGS, LEDGER_FOLDER, Settings
from generator.reminders.due import HolderGroup
from generator.reminders.email_text import email_body
from generator.reminders.letters import render_letter
from generator.reminders.sms import DEFAULT_TEMPLATE, fill
from generator.workflows.remind import plan_today

DAY = date(2026, 12, 7)  # a Monday after the demo's 2026-11-26 deadline that the lookup once gave as advice


def _groups(tmp_path: Path) -> list[HolderGroup]:
    settings = Settings(DEMO_CATALOGS, DEMO_CATALOGS / LEDGER_FOLDER, db=tmp_path / "db.sqlite", out=tmp_path)
    return [g for d in plan_today(settings, DAY).departments for g in d.groups]


def test_a_passed_deadline_is_said_with_its_day_and_what_to_do(tmp_path: Path) -> None:
    groups = _groups(tmp_path)
    passed = [g for g in groups if any(r.deadline_passed for r in g.reminders)]
    assert passed, "the demo has reminders past their deadline on this day"
    group = passed[0]
    late = next(r.deadline for r in group.reminders if r.deadline_passed)
    assert late is not None and late < DAY <= group.earliest.certificate.expires
    notice = group.passed_deadline_notice()
    assert f"{late.year}年{late.month}月{late.day}日" in notice and "已过" in notice and "立即联系" in notice
    assert notice in fill(DEFAULT_TEMPLATE, group)  # SMS and the script read out on the phone
    assert notice in email_body(group, DAY)
    letter = render_letter(group, DAY, "ref")
    assert notice in letter and "提出延续申请。</p>" not in letter


def test_a_deadline_still_ahead_changes_nothing(tmp_path: Path) -> None:
    ahead = [g for g in _groups(tmp_path) if not any(r.deadline_passed for r in g.reminders)]
    assert ahead
    group = ahead[0]
    assert group.passed_deadline_notice() == ""
    assert "已过" not in fill(DEFAULT_TEMPLATE, group) and "已过" not in email_body(group, DAY)
