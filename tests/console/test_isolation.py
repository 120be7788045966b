"""One department's broken files on disk change no page of another; its own pages say what is wrong (409)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from starlette.applications import Starlette

from console.settings import ConsoleSettings
from tests.console.conftest import Clients, Staff, text_of

A, B = "anshan", "anshan-weijian"  # B's files start with A's name: they must never be read as A's
SPAN = "from=2026-10-01&to=2026-12-31"


def _garbage(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04 not a workbook")


def _bad_lead_time(catalogs: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["“叫早服务”事项清单"])
    sheet.append(["序号", "事项名称", "有效期", "首次提醒时限"])
    sheet.append(["1", "公共场所卫生许可延续", "4年", "到期前很久"])
    book.save(catalogs / B / "catalog.xlsx")


def _ledger_without_header(catalogs: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["这不是台账", "只是一张表"])
    book.save(catalogs / "_ledgers" / f"{B}.xlsx")


BREAKAGES: dict[str, Callable[[Path], None]] = {
    "目录 xlsx 无法打开": lambda c: _garbage(c / B / "catalog.xlsx"),
    "部门信息格式错误": lambda c: (c / B / "department.yaml").write_text("名称: [\n", encoding="utf-8"),
    "目录提醒时限写错": _bad_lead_time,
    "台账 xlsx 无法打开": lambda c: _garbage(c / "_ledgers" / f"{B}.xlsx"),
    "台账没有表头": _ledger_without_header,
}


def _number(settings: ConsoleSettings, slug: str, column: int) -> str:
    sheet = openpyxl.load_workbook(settings.inputs.ledgers / f"{slug}.xlsx").active
    return str(next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[column])[column])


def _pages(settings: ConsoleSettings, slug: str, number: str) -> list[str]:
    d = f"/departments/{slug}"
    return [
        f"{d}/today", f"{d}/today/worklist.xlsx", f"{d}/today/sms.csv", f"{d}/today/letters",
        f"{d}/today/letters/1", f"{d}/records", f"{d}/records.xlsx", f"{d}/certificates/{number}",
        f"{d}/catalog", f"{d}/ledger", f"{d}/facts", f"/supervision?{SPAN}", f"/supervision/{slug}?{SPAN}",
        f"/supervision/{slug}/due?{SPAN}",
    ]  # fmt: skip


def _seen(client: Staff, url: str) -> tuple[int, str]:
    response = client.get(url)
    kind = response.headers.get("content-type", "")
    if kind.startswith("text/html"):
        return response.status_code, text_of(response.text)
    if "spreadsheetml" in kind and response.status_code == 200:  # the cells: a workbook's bytes hold its time
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        return 200, repr([list(sheet.values) for sheet in book.worksheets])
    return response.status_code, response.text


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_another_departments_broken_files_change_no_page_of_this_one(
    app: Starlette, settings: ConsoleSettings, clients: Clients, breakage: str
) -> None:
    clerk = clients(app, "clerk_a")
    assert clerk.submit(f"/departments/{A}/today/files").status_code == 303  # her SMS file made and kept
    pages = _pages(settings, A, _number(settings, A, 4))
    before = {url: _seen(clerk, url) for url in pages}
    assert all(status == 200 for status, _ in before.values()), before
    BREAKAGES[breakage](settings.inputs.catalogs)
    for url in pages:
        status, shown = _seen(clerk, url)
        assert status == 200, (url, shown)
        if "/supervision" not in url:  # 督促检查 of all departments names the broken one (below)
            assert shown == before[url][1], url


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_the_broken_department_says_what_is_wrong_and_who_can_fix_it(
    app: Starlette, settings: ConsoleSettings, clients: Clients, breakage: str
) -> None:
    number = _number(settings, B, 3)
    admin = clients(app, "admin")  # the console has seen B's 名称 before its files broke
    BREAKAGES[breakage](settings.inputs.catalogs)
    d = f"/departments/{B}"
    for url in (
        f"{d}/today", f"{d}/today/worklist.xlsx", f"{d}/today/sms.csv", f"{d}/today/letters", f"{d}/ledger",
        f"{d}/certificates/{number}", f"/supervision/{B}?{SPAN}", f"/supervision/{B}/due?{SPAN}",
    ):  # fmt: skip
        response = admin.get(url)
        shown = text_of(response.text)
        assert response.status_code == 409, (url, shown)
        assert "数据有误" in shown and "有错误" in shown and "本部门暂停提醒和统计" in shown, url
        assert "鞍山市行政审批局（卫生健康审批）" in shown and "可以修正的人" in shown and "admin" in shown, (
            url
        )
        for hidden in ("department.yaml", "catalog.xlsx", "YAML", "Error", "Traceback", "/tmp/", "--"):
            assert hidden not in shown, (url, hidden)
    for url in (f"{d}/records", f"{d}/catalog"):  # the 登记簿 and the page to fix the 目录 stay open
        assert admin.get(url).status_code == 200, url
    assert admin.get(f"{d}/facts").status_code in (200, 409)
    overview = text_of(admin.get(f"/supervision?{SPAN}").text)
    assert "数据有误，未计入" in overview and "有错误" in overview
    json = admin.get("/jobs/0.json")  # a .json address keeps the one JSON error shape
    assert json.status_code == 404 and json.json()["error"]["status"] == 404
