"""A department's 台账 upload whose 证照编号 belong to another department's current 台账 is warned about in the
preview (which department, how many, the first numbers) and needs the tick before it is accepted."""

from __future__ import annotations

import io

import openpyxl
from starlette.applications import Starlette

from console.settings import ConsoleSettings
from console.state.inputs import today_of
from generator.workflows.remind import load_day
from tests.console.conftest import Clients, text_of
from tests.console.test_ledger import edited_ledger, rows_far_from_expiry, uploaded


def numbers_of(settings: ConsoleSettings, slug: str, count: int) -> list[str]:
    """Return the first certificate numbers of a department's current 台账, as the console loaded it."""
    inputs = load_day(settings.inputs, today_of(settings)).inputs
    items = inputs.catalogs.items
    mine = [
        n
        for n, i in zip(inputs.ledger.number, inputs.ledger.item, strict=True)
        if n and items[int(i)].department == slug
    ]
    return mine[:count]


def test_numbers_of_another_department_are_warned_and_need_the_tick(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    theirs = numbers_of(settings, "lvliang", 7)
    rows = rows_far_from_expiry(settings, 7)
    content = edited_ledger(settings, {(row, 5): number for row, number in zip(rows, theirs, strict=True)})
    location = uploaded(clerk, content)
    page = clerk.get(location).text
    text = text_of(page)
    assert "7 张证照的编号已在“" in text and "”的台账中（" + "、".join(theirs[:5]) + " 等）" in text, text
    assert 'name="consent" value="1" required' in page
    refused = clerk.submit(location + "/accept")
    assert refused.status_code == 400 and "没有任何改动" in refused.text
    assert clerk.submit(location + "/accept", {"consent": "1"}).status_code == 303


def test_own_numbers_alone_bring_no_warning(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    book = openpyxl.load_workbook(settings.inputs.ledgers / "anshan.xlsx")
    out = io.BytesIO()
    book.save(out)
    text = text_of(clerk.get(uploaded(clerk, out.getvalue())).text)
    assert "的台账中（" not in text and "我知道" not in text


def test_the_warning_is_shown_to_readers_too(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    theirs = numbers_of(settings, "lvliang", 2)
    rows = rows_far_from_expiry(settings, 2)
    location = uploaded(
        clerk, edited_ledger(settings, {(r, 5): n for r, n in zip(rows, theirs, strict=True)})
    )
    text = text_of(clients(quiet_app, "inspector").get(location).text)
    assert "这份台账有 2 张证照的编号已在“" in text and "、".join(theirs) + "）" in text
