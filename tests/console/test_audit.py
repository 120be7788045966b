"""The audit log: every action with who, when and from where; append-only; filterable; never a password."""

from __future__ import annotations

import hashlib
import html
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import date, timedelta

import pytest
from starlette.applications import Starlette

from console.settings import ConsoleSettings
from console.store import audit_chain
from console.store.db import connect
from tests.console.conftest import PASSWORD, Clients, Staff, edited_catalog, wait_for_job

BOTH_BACKENDS = True  # every test using the console's database runs on SQLite and on PostgreSQL


def test_each_action_is_recorded_and_no_password_ever(
    app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clients(app, address="198.51.100.20").sign_in("clerk_a", "Wrong-password-123")
    clerk = clients(app, "clerk_a", address="198.51.100.21")
    content = edited_catalog(settings, "anshan", {(3, 6): "到期前64个工作日"})
    upload = clerk.submit("/departments/anshan/catalog", files={"file": ("目录.xlsx", content)}).headers[
        "location"
    ]
    wait_for_job(clerk, clerk.submit(upload + "/publish", {"accept_warnings": "1"}).headers["location"])
    clerk.get("/departments/dongli/catalog")  # refused, and logged
    admin = clients(app, "admin")
    new = {
        "name": "qianba",
        "role": "督查",
        "password": "Amber-window-3318",
        "password2": "Amber-window-3318",
    }
    admin.submit("/users", new)
    admin.submit("/users/qianba/password", {"password": "Amber-window-3319"})
    admin.submit("/users/qianba/disable")
    clerk.submit("/logout")
    with closing(connect(settings.database)) as db:
        rows = [dict(r) for r in db.execute("SELECT * FROM audit ORDER BY id")]
        everything = repr([tuple(r) for r in db.execute("SELECT * FROM audit")])
    done = {(r["user"], r["action"]) for r in rows}
    for expected in [
        ("clerk_a", "login_failed"), ("clerk_a", "login"), ("clerk_a", "upload_catalog"), ("clerk_a", "publish"),
        ("clerk_a", "forbidden"), ("admin", "user_add"), ("admin", "user_passwd"), ("admin", "user_disable"),
        ("clerk_a", "logout"),
    ]:  # fmt: skip
        assert expected in done, expected
    digest = hashlib.sha256(content).hexdigest()
    assert any(digest in r["detail"] for r in rows if r["action"] == "upload_catalog")
    assert any(r["address"] == "198.51.100.20" for r in rows if r["action"] == "login_failed")
    assert all(r["at"] and r["address"] for r in rows)
    for secret in (PASSWORD, "Wrong-password-123", "Amber-window-3318", "Amber-window-3319"):
        assert secret not in everything


def test_the_log_refuses_updates_and_deletes(settings: ConsoleSettings) -> None:
    with closing(connect(settings.database)) as db:
        db.execute("INSERT INTO audit (at, user, address, action) VALUES ('t', 'u', 'a', 'login')")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("UPDATE audit SET user = 'someone else'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("DELETE FROM audit")


def test_administrators_filter_the_log(quiet_app: Starlette, clients: Clients) -> None:
    clients(quiet_app).sign_in("clerk_b", "Wrong-password-123")
    admin = clients(quiet_app, "admin")
    failed = admin.get("/audit?action=login_failed").text
    assert "clerk_b" in failed and "登录失败" in failed
    only_admin = admin.get("/audit?user=admin").text
    assert "clerk_b" not in only_admin.split("<tbody>")[1]


def _rows(count: int) -> list[tuple[str, str, str, str, str, str]]:
    """Entries a day apart every 30 (from 2026-10-01), by three people, four actions, two departments or none."""
    made = []
    for i in range(count):
        at = f"{date(2026, 10, 1) + timedelta(days=i // 30)} {i % 24:02d}:{i % 60:02d}:00"
        user, action = (
            ("clerk_a", "clerk_b", "inspector")[i % 3],
            ("upload_ledger", "publish", "login", "logout")[i % 4],
        )
        made.append((at, user, "203.0.113.9", action, ("anshan", "dongli", "")[i % 5 % 3], f"第 {i} 号"))
    return made


def _shown(admin: Staff, url: str) -> tuple[list[int], list[str]]:
    """Follow the pager from url to its last page; return the entries' numbers and each page's text."""
    numbers, pages = [], []
    while url:
        page = admin.get(url)
        assert page.status_code == 200
        pages.append(page.text)
        numbers += [int(n) for n in re.findall(r"<tr><td>(\d+)</td>", page.text.split("<tbody>")[1])]
        after = re.search(r'<a href="(\?[^"]*)">下一页</a>', page.text)
        url = "/audit" + html.unescape(after.group(1)) if after else ""
    return numbers, pages


def test_the_viewer_pages_and_filters_beyond_the_newest_200(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    admin = clients(quiet_app, "admin")
    made = _rows(1050)
    with closing(connect(settings.database)) as db:
        first = db.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0] + 1
        audit_chain.append_many(db, made)
        everything = [r[0] for r in db.execute("SELECT id FROM audit ORDER BY id DESC")]
    numbers, pages = _shown(admin, "/audit")
    assert numbers == everything and len(pages) == -(-len(everything) // 200)
    assert f"共 {len(everything)} 条" in pages[0] and numbers[:200] == everything[:200]

    def expected(keep: Callable[[tuple[str, ...]], bool]) -> list[int]:
        return [first + i for i, row in reversed(list(enumerate(made))) if keep(row)]

    numbers, pages = _shown(admin, "/audit?user=clerk_a")
    assert numbers == expected(lambda r: r[1] == "clerk_a") and len(pages) == 2
    query = "/audit?from=2026-10-10&to=2026-10-20&user=clerk_b&action=publish&department=dongli"
    numbers, _ = _shown(admin, query)
    wanted = expected(
        lambda r: "2026-10-10" <= r[0][:10] <= "2026-10-20" and r[1] == "clerk_b" and r[3] == "publish"
        and r[4] == "dongli"
    )  # fmt: skip
    assert numbers == wanted and wanted
    numbers, _ = _shown(admin, "/audit?from=2026-11-01&to=2026-11-03")
    assert numbers == expected(lambda r: "2026-11-01" <= r[0][:10] <= "2026-11-03") and len(numbers) == 90
    last = admin.get("/audit?user=clerk_a&page=99").text  # past the end: the last page
    assert "第 2 页，共 2 页" in last
    wrong = admin.get("/audit?from=2026-13-45").text
    assert "日期没有看懂" in wrong and f"共 {len(everything)} 条" in wrong
