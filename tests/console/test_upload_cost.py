"""Uploads are bounded in cost: one check per clerk and a set number in all at a time (the others are told at
once, in Chinese), and a row limit per file said with the file's name."""

from __future__ import annotations

from dataclasses import replace

from console.app import create_app
from console.frame.upload_slots import BUSY
from console.settings import ConsoleSettings
from tests.console.conftest import Clients, edited_catalog, text_of
from tests.console.test_upload_active_content import stored

C = "/departments/anshan/catalog"
L = "/departments/anshan/ledger"


def test_a_second_check_of_one_clerk_and_one_beyond_the_limit_wait(
    settings: ConsoleSettings, clients: Clients
) -> None:
    app = create_app(replace(settings, upload_checks=1), start_jobs=False)
    console = app.state.console
    clerk = clients(app, "clerk_a")
    content = edited_catalog(settings, "anshan", {})
    with console.upload_slots.held("clerk_a"):  # clerk_a's first upload is still being checked
        mine = clerk.submit(C, files={"file": ("目录.xlsx", content)})
        assert mine.status_code == 429 and "另一个文件还在检查中" in text_of(mine.text)
    with console.upload_slots.held("someone_else"):  # the one place in all is taken
        full = clerk.submit(L, files={"file": ("台账.csv", b"a,b\n1,2\n")})
        assert (
            full.status_code == 429
            and BUSY in text_of(full.text)
            and "同时最多检查 1 个上传" in text_of(full.text)
        )
    assert stored(settings) == 0
    assert (
        clerk.submit(C, files={"file": ("目录.xlsx", content)}).status_code == 303
    )  # the place is free again
    console.close()


def test_a_file_over_the_row_limit_is_refused_naming_it(settings: ConsoleSettings, clients: Clients) -> None:
    app = create_app(replace(settings, upload_rows=50), start_jobs=False)
    clerk = clients(app, "clerk_a")
    many = "证照编号,持证主体\n" + "".join(f"N{i},公司{i}\n" for i in range(60))
    refused = clerk.submit(L, files={"file": ("大台账.csv", many.encode())})
    text = text_of(refused.text)
    assert refused.status_code == 400 and "文件“大台账.csv”有约 61 行，超过每个文件 50 行的上限" in text
    big_book = edited_catalog(settings, "anshan", {(r, 1): "x" for r in range(100, 160)})  # 60 rows and more
    assert "超过每个文件 50 行的上限" in text_of(
        clerk.submit(C, files={"file": ("目录.xlsx", big_book)}).text
    )
    assert stored(settings) == 0
    app.state.console.close()


def test_old_uploads_are_deleted_at_start_and_the_database_size_is_shown(
    settings: ConsoleSettings, clients: Clients
) -> None:
    from contextlib import closing

    from console.store.db import connect

    app = create_app(settings, start_jobs=False)
    clerk = clients(app, "clerk_a")
    content = edited_catalog(settings, "anshan", {})
    clerk.submit(C, files={"file": ("旧目录.xlsx", content)})
    clerk.submit(C, files={"file": ("新目录.xlsx", content)})
    app.state.console.close()
    with closing(connect(settings.database)) as db:
        db.execute("UPDATE uploads SET created_at = '2020-01-01 08:00:00' WHERE client_name = '旧目录.xlsx'")
    app = create_app(replace(settings, upload_days=90), start_jobs=False)  # the console starts again
    with closing(connect(settings.database)) as db:
        names = [r[0] for r in db.execute("SELECT client_name FROM uploads")]
        (detail,) = [r[0] for r in db.execute("SELECT detail FROM audit WHERE action = 'delete_old_uploads'")]
    assert names == ["新目录.xlsx"] and "上传 1 个（保留 90 天）" in detail
    page = text_of(clients(app, "admin").get("/users").text)
    assert "工作台数据库现占 " in page and " MB（上传的文件和检查报告保留 90 天" in page
    app.state.console.close()
