"""今日提醒's 临期 stage and the 联系不上 list over HTTP: the same rule and 登记簿 as `jiaozao remind`."""

from __future__ import annotations

import io
import re

import openpyxl
from starlette.applications import Starlette

from console.settings import ConsoleSettings
from generator.reminders.registry import Registry
from tests.console.conftest import Clients, text_of
from tests.console.today_helpers import holder_forms

D = "/departments/anshan"


def _record(client: object, picks: list[str], result: str, channel: str = "电话") -> None:
    answer = client.submit(f"{D}/today/record", {"c": picks, "result": result, "channel": channel})  # type: ignore[attr-defined]
    assert answer.status_code == 303, answer.text


def test_a_wrong_number_makes_the_holder_unreachable_first_on_the_list_and_exported(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    forms = holder_forms(clerk.get(f"{D}/today").text)
    picks = next(p for p in forms[3:] if not p[0].endswith("\t临期"))  # a holder not first on the list
    number = picks[0].split("\t")[0]
    _record(clerk, picks, "号码有误")

    page = clerk.get(f"{D}/today").text
    forms = holder_forms(page)
    now = [p.rsplit("\t", 1)[0] + "\t临期" for p in picks]
    at = forms.index(now)  # the same certificates, now 临期, among the 临期 holders at the top
    assert all(any(p.endswith("\t临期") for p in form) for form in forms[: at + 1])
    card = page.split('<li class="card holder"')[at + 1]
    assert "临期提醒" in card and "联系不上" in card and "号码有误（2026-11-23 " in text_of(card)
    assert "此前的提醒" in card and "号码有误" in card and "户联系不上" in page

    listing = clerk.get(f"{D}/unreachable")
    assert listing.status_code == 200 and number in listing.text and "号码有误" in listing.text
    export = clerk.get(f"{D}/unreachable.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [r[6] for r in rows] == [number] * len(picks)
    phone = rows[0][3]
    assert phone and sheet.cell(3, 4).data_type == "s"

    assert clients(quiet_app, "clerk_b").get(f"{D}/unreachable").status_code == 403  # another department's
    other = clients(quiet_app, "inspector")  # reads every department: the same list, contacts masked
    masked = other.get(f"{D}/unreachable.xlsx").content
    theirs = openpyxl.load_workbook(io.BytesIO(masked)).active
    assert theirs.cell(3, 7).value == number and theirs.cell(3, 4).value != phone
    assert phone not in other.get(f"{D}/unreachable").text


def test_declined_leaves_the_list_and_stays_on_record(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    picks = holder_forms(clerk.get(f"{D}/today").text)[0]
    _record(clerk, picks, "持证人表示不再延续", "上门")
    left = [p for form in holder_forms(clerk.get(f"{D}/today").text) for p in form]
    assert not {p.rsplit("\t", 1)[0] for p in picks} & {p.rsplit("\t", 1)[0] for p in left}
    with Registry(settings.inputs.registry) as registry:
        kept = [r for r in registry.records("anshan") if r.result == "持证人表示不再延续"]
    assert len(kept) == len(picks) and {(r.channel, r.by_whom) for r in kept} == {("上门", "clerk_a")}


def test_the_final_stage_is_counted_and_can_be_filtered(quiet_app: Starlette, clients: Clients) -> None:
    clerk = clients(quiet_app, "clerk_a")
    page = clerk.get(f"{D}/today").text
    counted = re.search(r"临期 (\d+) 张", page)
    assert counted is not None
    shown = clerk.get(f"{D}/today?kind=临期").text
    assert bool(holder_forms(shown)) == (counted.group(1) != "0")
    assert all(any(p.endswith("\t临期") for p in form) for form in holder_forms(shown))


def test_the_certificate_page_gives_the_final_date(quiet_app: Starlette, clients: Clients) -> None:
    clerk = clients(quiet_app, "clerk_a")
    picks = holder_forms(clerk.get(f"{D}/today").text)[0]
    number = picks[0].split("\t")[0]
    page = text_of(clerk.get(f"{D}/certificates/{number}").text)
    assert re.search(r"临期提醒日期 ?\d{4}-\d\d-\d\d", page), page
