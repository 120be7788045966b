"""An upload's page shows at most the first 500 problems and counts by kind; the full list is an .xlsx download
whose values stay text (a value like @SUM(1) is never a formula)."""

from __future__ import annotations

import io

import openpyxl
from starlette.applications import Starlette

from console.frame.problems import SHOWN
from console.settings import ConsoleSettings
from tests.console.conftest import Clients, text_of
from tests.console.test_ledger import edited_ledger, uploaded


def test_a_long_problem_list_is_summarised_and_downloadable(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    bad = {(row, 7): "下个月" for row in range(4, 604)}  # 600 rows with an unreadable 期满日期
    bad[604, 7] = "@SUM(1)"
    location = uploaded(clerk, edited_ledger(settings, bad))
    page = clerk.get(location).text
    text = text_of(page)
    assert f"共 601 条问题，下表只列出前 {SHOWN} 条" in text
    table = page[page.index('aria-label="问题清单"') :]
    table = table[: table.index("</table>")]
    assert table.count("<tr class=") == SHOWN
    assert "问题按类别计数" in text
    download = clerk.get(location + "/problems.xlsx")
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("级别", "文件", "行") and len(rows) == 602
    odd = next(c for r in sheet.iter_rows(min_row=2) for c in r if c.value == "@SUM(1)")
    assert odd.data_type == "s"
    assert clients(quiet_app, "clerk_b").get(location + "/problems.xlsx").status_code in (403, 404)
