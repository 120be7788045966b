"""台账 upkeep: upload checked as `jiaozao check`, rows read = accepted + reported, accept replaces the file and
publishes; the certificate table sorts, filters and pages, unmasked, for the department's own staff only."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from contextlib import closing
from datetime import datetime, timedelta

import openpyxl
import pytest
from starlette.applications import Starlette

from console.ledger import calls
from console.settings import ConsoleSettings
from console.state.department_day import day_if_ready
from console.state.refused import refused_count
from console.store.db import connect
from tests.console.conftest import TODAY, Clients, Staff, text_of, wait_for_job

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
    assert clerk.submit(location + "/accept").headers["location"] == job  # once only: again shows its job


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
    with closing(connect(settings.database)) as db:
        entries = db.execute("SELECT user, action, department, detail FROM audit ORDER BY id").fetchall()
    digest = hashlib.sha256(content).hexdigest()
    actions = [(e["user"], e["action"]) for e in entries]
    assert ("clerk_a", "login") in actions and ("clerk_a", "upload_ledger") in actions
    assert ("clerk_a", "accept_ledger") in actions and ("clerk_a", "publish") in actions
    assert any(digest in e["detail"] for e in entries if e["action"] == "upload_ledger")


# -- the preview, the tick, versions, refused rows --------------------------------------------------------


def edited_ledger(
    settings: ConsoleSettings,
    cells: dict[tuple[int, int], object] | None = None,
    drop: Iterable[int] = (),
    add: list[list[object]] | None = None,
) -> bytes:
    """Return the demo 鞍山 台账 with cells changed, Excel rows dropped and rows added (in that order)."""
    book = openpyxl.load_workbook(settings.inputs.ledgers / "anshan.xlsx")
    sheet = book.active
    for (row, column), value in (cells or {}).items():
        sheet.cell(row, column).value = value
    for row in sorted(drop, reverse=True):
        sheet.delete_rows(row)
    for values in add or []:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rows_far_from_expiry(settings: ConsoleSettings, count: int) -> list[int]:
    """Return Excel rows of the demo 鞍山 台账 whose certificate expires more than 30 days from today."""
    sheet = openpyxl.load_workbook(settings.inputs.ledgers / "anshan.xlsx").active
    far = [
        r for r in range(4, sheet.max_row + 1)
        if isinstance(v := sheet.cell(r, 7).value, datetime) and v.date() > TODAY + timedelta(days=30)
    ]  # fmt: skip
    return far[:count]


def uploaded(clerk: Staff, content: bytes, name: str = "导出.xlsx") -> str:
    """Upload a 台账 and return its preview page's address."""
    response = clerk.submit(L, files={"file": (name, content)})
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def audit_rows(settings: ConsoleSettings, action: str) -> list[str]:
    with closing(connect(settings.database)) as db:
        rows = db.execute("SELECT detail FROM audit WHERE action = ? ORDER BY id", (action,)).fetchall()
    return [r["detail"] for r in rows]


def test_the_preview_shows_what_accepting_changes_and_a_due_certificate_needs_the_tick(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    before = (settings.inputs.ledgers / "anshan.xlsx").read_bytes()
    new_row = [999, "鞍山新开业化工有限公司", "排污许可证", "", "AS-03-2026-000999", "", datetime(2029, 1, 1)]
    content = edited_ledger(
        settings, {(4, 7): datetime(2028, 5, 19), (5, 8): "新联系人"}, drop=[8], add=[new_row]
    )  # row 8 (AS-13-2021-000266) expires 2026-11-28, within 30 days
    location = uploaded(clerk, content)
    text = text_of(clerk.get(location).text)
    assert "现在的台账 680 行，其中 680 张证照排期提醒；这份 680 行，接受后 680 张证照排期提醒" in text
    assert "新增 1 张；不再提醒 1 张（其中 1 张 30 天内到期）；修改 2 张" in text
    assert "8 AS-13-2021-000266" in text and "2026-11-28（30 天内到期）" in text
    assert "AS-03-2026-000999 鞍山新开业化工有限公司" in text
    assert "期满日期 2027-05-19→2028-05-19" in text and "→新联系人" in text
    label = "我知道：将有 1 张证照不再提醒，其中 1 张 30 天内到期"
    assert label in text and 'name="consent" value="1" required' in clerk.get(location).text
    refused = clerk.submit(location + "/accept")
    assert refused.status_code == 400 and label in text_of(refused.text) and "没有任何改动" in refused.text
    assert (settings.inputs.ledgers / "anshan.xlsx").read_bytes() == before
    assert audit_rows(settings, "accept_ledger") == [] and "台账版本" in clerk.get(L).text
    assert "第 1 版" not in text_of(clerk.get(L).text)  # no version made
    accepted = clerk.submit(location + "/accept", {"consent": "1"})
    assert accepted.status_code == 303 and accepted.headers["location"].startswith("/jobs/")
    assert (settings.inputs.ledgers / "anshan.xlsx").read_bytes() == content
    (detail,) = audit_rows(settings, "accept_ledger")
    assert "新增 1 张，不再提醒 1 张，修改 2 张" in detail and label in detail


@pytest.mark.parametrize(("dropped", "needs_tick"), [(68, False), (69, True)])  # 680 certificates: 10 % is 68
def test_dropping_more_than_a_tenth_needs_the_tick(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients, dropped: int, needs_tick: bool
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    location = uploaded(clerk, edited_ledger(settings, drop=rows_far_from_expiry(settings, dropped)))
    text = text_of(clerk.get(location).text)
    assert f"不再提醒 {dropped} 张；" in text and "30 天内到期" not in text
    assert (f"我知道：将有 {dropped} 张证照不再提醒" in text) == needs_tick
    assert clerk.submit(location + "/accept").status_code == (400 if needs_tick else 303)


def test_each_accepted_ledger_is_a_version_to_download_and_restore(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    original = (settings.inputs.ledgers / "anshan.xlsx").read_bytes()
    first = edited_ledger(settings, {(4, 2): "鞍山第一次改名有限公司"})
    second = edited_ledger(settings, {(4, 2): "鞍山第二次改名有限公司"})
    for content in (first, second):
        assert clerk.submit(uploaded(clerk, content) + "/accept").status_code == 303
    page = clerk.get(L).text
    numbers = [int(n) for n in re.findall(r"<td>第 (\d+) 版</td>", page)]
    assert len(numbers) == 3 and numbers == sorted(numbers, reverse=True)
    text = text_of(page)
    assert "工作台第一次接受台账前已有的台账" in text and "工作台接受台账前已有" in text
    assert "clerk_a" in text and "上传“导出.xlsx”，680 行，680 张排期" in text
    oldest, kept_first, kept_second = sorted(numbers)
    files = {n: clerk.get(f"{L}/versions/{n}/file").content for n in numbers}
    assert files == {oldest: original, kept_first: first, kept_second: second}
    assert clients(quiet_app, "clerk_b").get(f"{L}/versions/{oldest}/file").status_code == 403
    preview = clerk.submit(f"{L}/versions/{kept_first}/restore")
    assert preview.status_code == 303
    text = text_of(clerk.get(preview.headers["location"]).text)
    assert f"恢复台账第 {kept_first} 版" in text and "修改 1 张" in text
    assert "持证单位 鞍山第二次改名有限公司→鞍山第一次改名有限公司" in text
    assert (settings.inputs.ledgers / "anshan.xlsx").read_bytes() == second  # nothing changes until accepted
    assert clerk.submit(preview.headers["location"] + "/accept").status_code == 303
    assert (settings.inputs.ledgers / "anshan.xlsx").read_bytes() == first
    assert f"恢复第 {kept_first} 版，680 行，680 张排期" in text_of(clerk.get(L).text)
    assert len(re.findall(r"<td>第 (\d+) 版</td>", clerk.get(L).text)) == 4
    assert audit_rows(settings, "restore") == [
        f"台账第 {kept_first} 版已与当前台账核对，待确认接受（上传编号 3）"
    ]
    accepts = audit_rows(settings, "accept_ledger")
    assert len(accepts) == 3 and accepts[-1].startswith(f"恢复第 {kept_first} 版")
    assert sum("台账第" in d for d in audit_rows(settings, "publish")) == 3


def test_a_preview_made_before_another_accept_is_not_accepted(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    stale = uploaded(clerk, edited_ledger(settings, {(4, 2): "鞍山甲有限公司"}))
    fresh = edited_ledger(settings, {(4, 2): "鞍山乙有限公司"})
    assert clerk.submit(uploaded(clerk, fresh) + "/accept").status_code == 303
    refused = clerk.submit(stale + "/accept")
    assert refused.status_code == 400 and "预览之后本部门的台账已经更改过" in refused.text
    assert (settings.inputs.ledgers / "anshan.xlsx").read_bytes() == fresh


def test_refused_rows_are_listed_on_the_ledger_page_and_counted_on_today(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    broken, _ = ledger_with_errors(settings)
    book = openpyxl.load_workbook(io.BytesIO(broken))
    book.active.cell(9, 5).value = book.active.cell(10, 5).value  # the same 证照编号 in rows 9 and 10
    out = io.BytesIO()
    book.save(out)
    (settings.inputs.ledgers / "anshan.xlsx").write_bytes(out.getvalue())  # as a nightly copy job would
    page = clerk.get(L).text
    text = text_of(page)
    assert "3 张证照因台账错误未排期" in text
    assert "当前台账 4 期满日期（G 列） 下个月" in text
    assert "当前台账 6 证照名称（C 列） 不存在的证照" in text
    assert re.search(r"当前台账 10 证照编号（E 列） \S+ 重复的证照记录 与 当前台账 第 9 行", text)
    for hidden in (str(settings.inputs.ledgers), "console-ledgers", "anshan.xlsx", "_ledgers"):
        assert hidden not in page
    today = clerk.get("/departments/anshan/today")
    assert today.status_code == 200
    assert re.search(r'<a href="/departments/anshan/ledger#refused">3 张证照因台账错误未排期</a>', today.text)
    # counted from the department's day in memory, as from its file read again
    assert day_if_ready(settings, "anshan") is not None
    assert refused_count(settings, "anshan") == calls.refused(settings, "anshan").rows == 3
    assert 'id="refused"' in page
    fixed = edited_ledger(
        settings, {(4, 7): datetime(2027, 5, 19), (6, 3): "排污许可证", (10, 5): "AS-NEW-1"}
    )
    assert clerk.submit(uploaded(clerk, fixed) + "/accept", {"consent": "1"}).status_code == 303
    assert "因台账错误未排期" not in clerk.get("/departments/anshan/today").text
    assert "当前台账没有因错误未排期的行" in text_of(clerk.get(L).text)


def test_accepting_one_upload_eight_times_at_once_makes_one_job(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    import threading

    staff = [clients(quiet_app, "clerk_a") for _ in range(8)]
    book = openpyxl.load_workbook(settings.inputs.ledgers / "anshan.xlsx")
    book.active.cell(4, 2).value = "鞍山八次接受科技有限公司"
    out = io.BytesIO()
    book.save(out)
    location = staff[0].submit(L, files={"file": ("导出.xlsx", out.getvalue())}).headers["location"]
    start, answers, errors = threading.Barrier(8), [""] * 8, []

    def accept(i: int) -> None:
        start.wait()
        got = staff[i].submit(location + "/accept")
        answers[i] = got.headers.get("location", "")
        if got.status_code != 303:
            errors.append(text_of(got.text))

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with closing(connect(settings.database)) as db:
        jobs = db.execute("SELECT id FROM jobs").fetchall()
        kept = db.execute("SELECT state FROM catalog_versions WHERE kind = 'ledger'").fetchall()
    assert len(jobs) == 1 and sorted(v["state"] for v in kept) == ["found", "queued"], (
        len(jobs),
        sorted(set(errors)),
    )
    assert answers == [f"/jobs/{jobs[0]['id']}"] * 8  # each of them is shown the one job
    assert (settings.inputs.ledgers / "anshan.xlsx").read_bytes() == out.getvalue()
