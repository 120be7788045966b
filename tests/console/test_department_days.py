"""Each department's day and plan kept apart in the console's memory: a record in one plans only that one again, at
most JIAOZAO_CONSOLE_DEPARTMENTS_KEPT departments are kept, and a 台账 accepted for one is what its next page plans."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from starlette.applications import Starlette

from console.app import create_app
from console.background import warmup
from console.settings import ConsoleSettings
from console.state import figures
from console.state.department_day import day_key, department_day, holders_key, plan_key
from console.state.holders import day_list
from console.state.plans import day_plan, plan_if_ready
from tests.console.conftest import TODAY, Clients, text_of
from tests.console.test_ledger import edited_ledger, uploaded
from tests.console.today_helpers import holder_forms

BOTH_BACKENDS = True
A, B = "/departments/anshan/today", "/departments/dongli/today"
_HOLDER = re.compile(r'<h2>([^<]+?) <span class="tag">')


def _plan(settings: ConsoleSettings, slug: str) -> object:
    found = settings.memory.get(plan_key(slug, False))
    assert found is not None, slug
    return found[1]


def test_a_record_in_one_department_plans_only_that_one_again(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    a, b = clients(quiet_app, "clerk_a"), clients(quiet_app, "clerk_b")
    page = a.get(A).text
    assert b.get(B).status_code == 200
    mine, theirs = _plan(settings, "anshan"), _plan(settings, "dongli")
    mine_work, their_work = mine.work, theirs.work  # type: ignore[attr-defined]
    picks = holder_forms(page)[0]
    record = {"c": picks, "result": "未接通", "channel": "电话", "remark": ""}
    assert a.submit(f"{A}/record", record).status_code == 303  # who is reachable changes: plan anshan again
    assert "今天已记：未接通" in a.get(A).text and b.get(B).status_code == 200
    assert _plan(settings, "anshan").work is not mine_work  # type: ignore[attr-defined]
    assert _plan(settings, "dongli") is theirs and theirs.work is their_work  # type: ignore[attr-defined]


def test_past_the_bound_the_least_recently_opened_department_goes_and_comes_back_the_same(
    settings: ConsoleSettings, clients: Clients
) -> None:
    one = replace(settings, departments_kept=1)  # its own memory
    app = create_app(one, start_jobs=False)
    try:
        a, b = clients(app, "clerk_a"), clients(app, "clerk_b")
        first = text_of(a.get(A).text)
        assert one.memory.get(day_key("anshan")) is not None
        assert "应提醒" in text_of(b.get(B).text)
        assert one.memory.get(day_key("anshan")) is None and one.memory.get(plan_key("anshan", False)) is None
        assert one.memory.get(holders_key("anshan", False)) is None  # 今日提醒's list goes with its day
        assert one.memory.get(holders_key("dongli", False)) is not None
        assert one.memory.get(day_key("dongli")) is not None
        assert text_of(a.get(A).text) == first
        assert one.memory.get(day_key("dongli")) is None
    finally:
        app.state.console.close()


def test_a_ledger_accepted_for_a_department_is_what_its_next_page_plans(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    holder = _HOLDER.findall(clerk.get(A).text)[0]
    sheet = openpyxl.load_workbook(settings.inputs.ledgers / "anshan.xlsx").active
    rows = [r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 2).value == holder]
    assert rows
    renamed = f"{holder}（已改名）"
    content = edited_ledger(settings, {(r, 2): renamed for r in rows})
    assert clerk.submit(uploaded(clerk, content) + "/accept", {"consent": "1"}).status_code == 303
    names = _HOLDER.findall(clerk.get(A).text)
    assert renamed in names and holder not in names


def _touch(path: Path) -> None:
    """Change a file as an edit would: a new modification time (its bytes as they were)."""
    found = path.stat()
    os.utime(path, ns=(found.st_atime_ns, found.st_mtime_ns + 1_000_000_000))


def test_a_file_of_one_departments_台账_loads_that_department_again_and_a_目录_or_unnamed_file_every_one(
    settings: ConsoleSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A province's clerks accept 台账 all day: one department's leaves the others' days, plans and 督促检查 figures
    as they are. What every department's day reads (a 目录, holidays.csv) or may read (a 台账-folder file whose name
    names no department: the loader finds its department by content) loads every department again."""
    slugs = ("anshan", "anshan-weijian", "dongli")  # anshan-weijian's files start with anshan too
    counted: list[str] = []
    count = figures._count
    monkeypatch.setattr(
        figures, "_count", lambda s, slug, *rest: counted.append(slug) or count(s, slug, *rest)
    )
    period = figures.default_period(TODAY)  # the console's fixed day (settings.today)

    def days() -> dict[str, object]:
        return {slug: department_day(settings, slug) for slug in slugs}

    def again() -> set[str]:
        """Return the departments whose day was loaded again and which 督促检查 counted again."""
        counted.clear()
        figures.supervision(settings, *period)
        now = days()
        loaded = {slug for slug in slugs if now[slug] is not before[slug]}
        assert loaded == set(counted) & set(slugs), (loaded, counted)
        before.update(now)
        return loaded

    before = days()
    figures.supervision(settings, *period)
    assert again() == set()
    ledgers = settings.inputs.ledgers
    _touch(ledgers / "dongli.csv")
    assert again() == {"dongli"}
    _touch(ledgers / "anshan.xlsx")
    assert again() == {"anshan"}  # not anshan-weijian
    corrections = ledgers / ".联系方式更正"
    corrections.mkdir(exist_ok=True)
    (corrections / "anshan-weijian.jsonl").write_text("", encoding="utf-8")
    assert again() == {"anshan-weijian"}
    (ledgers / "新导出的台账.csv").write_text("证照编号\n", encoding="utf-8")  # named for no department
    assert again() == set(slugs)
    _touch(settings.inputs.catalogs / "lvliang" / "department.yaml")  # every day loads every 目录
    assert again() == set(slugs)


def test_warming_up_plans_the_departments_of_the_clerks_and_no_other(settings: ConsoleSettings) -> None:
    warmup.warm(settings)
    assert plan_if_ready(settings, "anshan") and plan_if_ready(settings, "dongli")  # clerk_a's, clerk_b's
    assert not plan_if_ready(settings, "lvliang") and settings.memory.get(day_key("lvliang")) is None
    found = settings.memory.get(holders_key("anshan", False))  # 今日提醒's list, made at warm-up
    assert found is not None and found[1].groups  # type: ignore[attr-defined]
    assert day_list(settings, day_plan(settings, "anshan"), "anshan", False) is found[1]


def test_the_page_kept_up_to_date_by_records_is_the_page_a_fresh_console_makes(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    """The list after records reuses what it worked out for the holders no record touched; every page of it, with
    its filters and counts, reads as a console starting afresh on the same 登记簿 makes it."""
    a = clients(quiet_app, "clerk_a")
    forms = holder_forms(a.get(A).text)
    several = next(picks for picks in forms if len(picks) > 1)
    not_final = next(picks for picks in forms[3:] if not any(p.endswith("临期") for p in picks))
    records = [
        (forms[0], "已告知"), (several[:1], "已告知"), (forms[2], "未接通"), (not_final, "号码有误"),
    ]  # fmt: skip
    for picks, result in records:
        assert (
            a.submit(
                f"{A}/record", {"c": picks, "result": result, "channel": "电话", "remark": ""}
            ).status_code
            == 303
        )
    fresh_settings = replace(settings, departments_kept=settings.departments_kept)  # its own memory
    fresh = create_app(fresh_settings, start_jobs=False)
    try:
        b = clients(fresh, "clerk_a")
        for query in ("", "?page=2", "?kind=临期", "?reach=函告", "?mobile=有&kind=首次"):
            kept, afresh = text_of(a.get(A + query).text), text_of(b.get(A + query).text)
            assert kept == afresh, query
        assert "今天已记：未接通" in text_of(a.get(A).text)
        listed = day_list(settings, day_plan(settings, "anshan"), "anshan", False)
        order = [(f.kind != "临期", f.days_left) for _, f in (listed.facts[id(g)] for g in listed.groups)]
        assert order == sorted(order) and len(listed.facts) == len(
            listed.groups
        )  # the plan's order is the page's
    finally:
        fresh.state.console.close()
