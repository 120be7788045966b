"""The audit log: every action with who, when and from where; append-only; filterable; never a password."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing

import pytest
from starlette.applications import Starlette

from console.db import connect
from console.settings import ConsoleSettings
from tests.console.conftest import PASSWORD, Clients, edited_catalog, wait_for_job


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
    with closing(connect(settings.db)) as db:
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
    with closing(connect(settings.db)) as db:
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
