"""目录 upkeep: upload, every problem by Excel row, nothing changes until clean, preview, publish, restore."""

from __future__ import annotations

import io
import re
from contextlib import closing

import openpyxl
import pytest
from starlette.applications import Starlette

from console.settings import ConsoleSettings
from console.store.db import connect
from tests.conftest import ANSHAN_CATALOG_HEADER
from tests.console.conftest import Clients, edited_catalog, text_of, wait_for_job

D = "/departments/anshan/catalog"
FIRST_LEAD, VALIDITY = 6, 5  # columns F and E of the 鞍山 目录 (header on row 2)


def test_a_bad_row_is_listed_by_excel_row_and_nothing_changes(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    before = (settings.inputs.catalogs / "anshan" / "catalog.xlsx").read_bytes()
    content = edited_catalog(settings, "anshan", {(5, VALIDITY): "很久", (7, FIRST_LEAD): "过几天"})
    response = clerk.submit(D, files={"file": ("鞍山目录.xlsx", content)})
    assert response.status_code == 303
    page = clerk.get(response.headers["location"])
    text = text_of(page.text)
    assert "发现 2 个错误" in text and "不能发布" in text
    assert "错误 上传的文件 鞍山目录.xlsx 5 证照法定有效期（E 列） 很久" in text
    assert "错误 上传的文件 鞍山目录.xlsx 7 首次提醒时限（F 列） 过几天" in text
    assert 'action="' + response.headers["location"] + '/publish"' not in page.text
    refused = clerk.submit(response.headers["location"] + "/publish")
    assert refused.status_code == 400
    assert (settings.inputs.catalogs / "anshan" / "catalog.xlsx").read_bytes() == before


def test_fix_preview_publish_and_the_public_page_changes(
    app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(app, "clerk_a")
    content = edited_catalog(settings, "anshan", {(3, FIRST_LEAD): "到期前60个工作日"})
    upload = clerk.submit(D, files={"file": ("目录.xlsx", content)}).headers["location"]
    preview = text_of(clerk.get(upload).text)
    assert "检查通过" in preview
    assert "修改 1 采矿许可证 首次提醒时限：到期前 90 个工作日 → 到期前60个工作日" in preview
    assert re.search(
        r"采矿许可证 首次提醒时限 到期前 90 个工作日→到期前60个工作日：\d+ 张证照的首次提醒推后到 \d{4}-",
        preview,
    )
    without_ack = clerk.submit(upload + "/publish")  # the demo 目录 has warnings: they must be acknowledged
    assert without_ack.status_code == 400 and "警告" in without_ack.text
    job = clerk.submit(upload + "/publish", {"accept_warnings": "1"}).headers["location"]
    page = clerk.get(job)
    assert '<meta http-equiv="refresh"' in page.text or "已完成" in page.text
    state = wait_for_job(clerk, job)
    assert state["state"] == "done", state
    assert state["link"] == "http://127.0.0.1:8000/departments/anshan/index.html"
    assert (settings.inputs.catalogs / "anshan" / "catalog.xlsx").read_bytes() == content
    public = (settings.site / "departments" / "anshan" / "index.html").read_text(encoding="utf-8")
    assert "到期前60个工作日" in public
    done = clerk.get(job)
    assert "已完成" in done.text and "http-equiv" not in done.text and "查看公开网站" in done.text
    catalog_page = text_of(clerk.get(D).text)
    assert "到期前60个工作日" in catalog_page and "clerk_a" in catalog_page and "已发布" in catalog_page


def test_an_earlier_version_can_be_restored_as_a_new_publish(
    app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    admin = clients(app, "admin")
    original = (settings.inputs.catalogs / "anshan" / "catalog.xlsx").read_bytes()
    first = edited_catalog(settings, "anshan", {(3, FIRST_LEAD): "到期前70个工作日"})
    for content in (original, first):
        upload = admin.submit(D, files={"file": ("目录.xlsx", content)}).headers["location"]
        job = admin.submit(upload + "/publish", {"accept_warnings": "1"}).headers["location"]
        assert wait_for_job(admin, job)["state"] == "done"
    with closing(connect(settings.database)) as db:
        (oldest,) = db.execute("SELECT MIN(id) FROM catalog_versions WHERE department = 'anshan'").fetchone()
    job = admin.submit(f"{D}/versions/{oldest}/restore").headers["location"]
    assert wait_for_job(admin, job)["state"] == "done"
    assert (settings.inputs.catalogs / "anshan" / "catalog.xlsx").read_bytes() == original
    assert f"恢复第 {oldest} 版" in admin.get(D).text
    download = admin.get(f"{D}/versions/{oldest}/file")
    assert download.content == original and "attachment" in download.headers["content-disposition"]


def test_another_departments_broken_catalogue_does_not_stop_this_publish(
    app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(app, "clerk_a")
    content = edited_catalog(settings, "anshan", {(3, FIRST_LEAD): "到期前61个工作日"})
    upload = clerk.submit(D, files={"file": ("目录.xlsx", content)}).headers["location"]
    # Between the check and the publish, someone breaks another department's 目录 on the server.
    (settings.inputs.catalogs / "dongli" / "department.yaml").write_text("名称: [\n", encoding="utf-8")
    job = clerk.submit(upload + "/publish", {"accept_warnings": "1"}).headers["location"]
    state = wait_for_job(clerk, job)
    assert state["state"] == "done", state
    message = str(state["message"])
    assert "这次没有发布" in message and "dongli" in message and "department.yaml" not in message
    page = (settings.site / "departments" / "anshan" / "index.html").read_text(encoding="utf-8")
    assert "到期前61个工作日" in page


def test_a_failed_build_leaves_the_site_and_the_catalogue_as_they_were(
    app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(app, "clerk_a")
    catalog = settings.inputs.catalogs / "anshan" / "catalog.xlsx"
    before_file, before_site = (
        catalog.read_bytes(),
        (settings.site / "departments" / "anshan" / "index.html").read_bytes(),
    )
    content = edited_catalog(settings, "anshan", {(3, FIRST_LEAD): "到期前61个工作日"})
    upload = clerk.submit(D, files={"file": ("目录.xlsx", content)}).headers["location"]
    # Between the check and the publish, someone breaks the calendar every department is scheduled by.
    (settings.inputs.holidays).write_text("日期,类型\n2026-13-45,休息日\n", encoding="utf-8")
    job = clerk.submit(upload + "/publish", {"accept_warnings": "1"}).headers["location"]
    state = wait_for_job(clerk, job)
    assert state["state"] == "failed"
    assert "已发布的网站保持不变" in str(state["message"])
    assert catalog.read_bytes() == before_file
    assert (settings.site / "departments" / "anshan" / "index.html").read_bytes() == before_site
    page = clerk.get(job)
    assert "发布失败" in page.text and "Traceback" not in page.text


def test_a_second_publish_waits_with_its_position_shown(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "admin")
    jobs = []
    for lead in ("到期前62个工作日", "到期前63个工作日"):
        content = edited_catalog(settings, "anshan", {(3, FIRST_LEAD): lead})
        upload = clerk.submit(D, files={"file": ("目录.xlsx", content)}).headers["location"]
        jobs.append(clerk.submit(upload + "/publish", {"accept_warnings": "1"}).headers["location"])
    second = text_of(clerk.get(jobs[1]).text)
    assert "排队中" in second and "前面还有 1 个任务" in second
    assert clerk.get(jobs[1] + ".json").json()["position"] == 1


def test_downloads_of_the_current_file_and_an_empty_template(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    inspector = clients(quiet_app, "inspector")
    current = inspector.get(f"{D}/file")
    assert current.content == (settings.inputs.catalogs / "anshan" / "catalog.xlsx").read_bytes()
    template = inspector.get(f"{D}/template")
    sheet = openpyxl.load_workbook(io.BytesIO(template.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1] == ANSHAN_CATALOG_HEADER
    assert "upload" not in clients(quiet_app, "inspector").get(D).text.lower().replace("uploads", "")


def test_publishing_one_upload_eight_times_at_once_makes_one_job(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    import threading

    staff = [clients(quiet_app, "clerk_a") for _ in range(8)]
    content = edited_catalog(settings, "anshan", {(3, FIRST_LEAD): "到期前64个工作日"})
    upload = staff[0].submit(D, files={"file": ("目录.xlsx", content)}).headers["location"]
    start, answers = threading.Barrier(8), [""] * 8

    def publish(i: int) -> None:
        start.wait()
        answers[i] = staff[i].submit(upload + "/publish", {"accept_warnings": "1"}).headers["location"]

    threads = [threading.Thread(target=publish, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with closing(connect(settings.database)) as db:
        jobs = db.execute("SELECT id FROM jobs").fetchall()
        (versions,) = db.execute("SELECT COUNT(*) FROM catalog_versions").fetchone()
    assert len(jobs) == 1 and versions == 1
    assert answers == [f"/jobs/{jobs[0]['id']}"] * 8  # each of them is shown the one job


def test_a_publish_cut_off_halfway_leaves_nothing_and_can_be_made_again(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Taking the upload, keeping the version, adding its job, marking the upload: one transaction."""
    clerk = clients(quiet_app, "clerk_a")
    content = edited_catalog(settings, "anshan", {(3, FIRST_LEAD): "到期前64个工作日"})
    upload = clerk.submit(D, files={"file": ("目录.xlsx", content)}).headers["location"]

    def cut_off(*args: object, **kwargs: object) -> int:
        raise RuntimeError("the database went away after the version was kept")

    console = quiet_app.state.console
    monkeypatch.setattr(console.jobs, "add", cut_off)
    assert clerk.submit(upload + "/publish", {"accept_warnings": "1"}).status_code == 500
    with closing(connect(settings.database)) as db:
        assert db.execute("SELECT COUNT(*) FROM catalog_versions").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM audit WHERE action = 'publish'").fetchone()[0] == 0
    monkeypatch.undo()
    again = clerk.submit(upload + "/publish", {"accept_warnings": "1"})
    assert again.status_code == 303 and again.headers["location"].startswith("/jobs/")
    with closing(connect(settings.database)) as db:
        assert db.execute("SELECT COUNT(*) FROM catalog_versions").fetchone()[0] == 1
