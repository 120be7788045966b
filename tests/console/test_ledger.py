"""台账 upkeep: upload checked as `jiaozao check`, rows read = accepted + reported, accept replaces the file and
publishes; the certificate table sorts, filters and pages, unmasked, for the department's own staff only."""

from __future__ import annotations

import io
import re
from contextlib import closing

import openpyxl
from starlette.applications import Starlette

from console.db import connect
from console.settings import ConsoleSettings
from tests.console.conftest import Clients, text_of, wait_for_job

L = "/departments/anshan/ledger"


def ledger_with_errors(settings: ConsoleSettings) -> tuple[bytes, int]:
    """Return the demo 鞍山 台账 with two broken rows (Excel rows 4 and 6), and its number of data rows."""
    book = openpyxl.load_workbook(settings.inputs.ledgers / "anshan.xlsx")
    sheet = book.active
    sheet.cell(4, 7).value = "下个月"  # 期满日期
    sheet.cell(6, 3).value = "不存在的证照"  # 证照名称
    rows = sum(1 for r in sheet.iter_rows(min_row=4, values_only=True) if any(v not in (None, "") for v in r))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), rows


def test_upload_lists_every_problem_and_rows_add_up(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    before = (settings.inputs.ledgers / "anshan.xlsx").read_bytes()
    content, rows = ledger_with_errors(settings)
    location = clerk.submit(L, files={"file": ("导出.xlsx", content)}).headers["location"]
    text = text_of(clerk.get(location).text)
    assert f"读入 {rows} 行 = 可用 {rows - 2} 行 + 有错误 2 行" in text
    assert "上传的文件 导出.xlsx 4 期满日期（G 列） 下个月" in text
    assert re.search(r"上传的文件 导出\.xlsx 6 证照名称（C 列） 不存在的证照", text)
    assert (settings.inputs.ledgers / "anshan.xlsx").read_bytes() == before  # nothing changes until accepted


def test_accepting_replaces_the_ledger_atomically_and_publishes(
    app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(app, "clerk_a")
    book = openpyxl.load_workbook(settings.inputs.ledgers / "anshan.xlsx")
    book.active.cell(4, 2).value = "鞍山新名字科技有限公司"
    out = io.BytesIO()
    book.save(out)
    location = clerk.submit(L, files={"file": ("导出.xlsx", out.getvalue())}).headers["location"]
    job = clerk.submit(location + "/accept").headers["location"]
    assert wait_for_job(clerk, job)["state"] == "done"
    assert (settings.inputs.ledgers / "anshan.xlsx").read_bytes() == out.getvalue()
    assert not [p for p in settings.inputs.ledgers.iterdir() if p.name.startswith(".")]  # no temporary left
    table = clerk.get(L + "?q=鞍山新名字").text
    assert "鞍山新名字科技有限公司" in table
    assert clerk.submit(location + "/accept").status_code == 400  # once only


def test_a_csv_export_replaces_an_xlsx_ledger(
    app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(app, "clerk_a")
    sheet = openpyxl.load_workbook(settings.inputs.ledgers / "anshan.xlsx").active
    lines = [
        ",".join("" if v is None else str(v).replace(",", "，") for v in row)
        for row in sheet.iter_rows(min_row=3, values_only=True)
    ]
    content = ("\n".join(lines) + "\n").encode("gb18030")  # WPS on a Chinese PC saves GBK
    location = clerk.submit(L, files={"file": ("导出.csv", content)}).headers["location"]
    assert "有错误 0 行" in text_of(clerk.get(location).text)
    job = clerk.submit(location + "/accept").headers["location"]
    assert wait_for_job(clerk, job)["state"] == "done"
    assert (settings.inputs.ledgers / "anshan.csv").read_bytes() == content
    assert not (settings.inputs.ledgers / "anshan.xlsx").exists()
    assert (
        settings.inputs.ledgers / "anshan-weijian.xlsx"
    ).exists()  # another department's file is left alone


def test_the_certificate_table_sorts_filters_and_pages(quiet_app: Starlette, clients: Clients) -> None:
    clerk = clients(quiet_app, "clerk_a")
    page = clerk.get(L)
    counts = re.search(r"共 (\d+) 张：", page.text)
    assert counts and int(counts.group(1)) > 50
    assert "第 1 / " in page.text and "下一页" in page.text
    expired = clerk.get(L + "?status=已过期")
    assert "已过期" in expired.text and "即将到期</td>" not in expired.text
    rows = re.findall(
        r'<td data-label="证照编号">([^<]*)</td>.*?<td data-label="期满日期">(\d{4}-\d\d-\d\d)</td>',
        clerk.get(L + "?sort=expires&dir=desc").text,
    )
    dates = [d for _, d in rows]
    assert dates == sorted(dates, reverse=True) and len(dates) == 50
    # Phone numbers unmasked: the table is for the department's own staff.
    assert re.search(r'<td data-label="电话">1[3-9]\d{9}</td>', page.text)
    assert (
        clerk.get(L + "?page=999").status_code == 200
        and clerk.get(L + "?page=x&sort=evil").status_code == 200
    )


def test_another_departments_staff_cannot_see_the_table(quiet_app: Starlette, clients: Clients) -> None:
    other = clients(quiet_app, "clerk_b")
    response = other.get(L)
    assert response.status_code == 403 and "岫岩" not in response.text
    assert other.submit(L, files={"file": ("a.csv", b"a,b\n1,2\n")}).status_code == 403
    inspector = clients(quiet_app, "inspector")
    assert inspector.get(L).status_code == 200
    assert inspector.submit(L, files={"file": ("a.csv", b"a,b\n1,2\n")}).status_code == 403


def test_uploads_and_acceptance_are_audited_with_their_sha256(
    app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    import hashlib

    clerk = clients(app, "clerk_a")
    content, _ = ledger_with_errors(settings)
    location = clerk.submit(L, files={"file": ("导出.xlsx", content)}).headers["location"]
    wait_for_job(clerk, clerk.submit(location + "/accept").headers["location"])
    with closing(connect(settings.db)) as db:
        entries = db.execute("SELECT user, action, department, detail FROM audit ORDER BY id").fetchall()
    digest = hashlib.sha256(content).hexdigest()
    actions = [(e["user"], e["action"]) for e in entries]
    assert ("clerk_a", "login") in actions and ("clerk_a", "upload_ledger") in actions
    assert ("clerk_a", "accept_ledger") in actions and ("clerk_a", "publish") in actions
    assert any(digest in e["detail"] for e in entries if e["action"] == "upload_ledger")
