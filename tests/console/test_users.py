"""Accounts and sign-in: argon2id, password rules, lockout, throttling, sessions, SSO, and `jiaozao user`."""

from __future__ import annotations

import io
import re
import time
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.applications import Starlette

from console.app import create_app
from console.settings import ConsoleSettings
from console.store import passwords, sessions, users
from console.store.db import connect
from console.store.passwords import WeakPassword, check_strength
from generator.cli import main
from tests.console.conftest import PASSWORD, SLUGS, Clients

FAILED = "用户名或密码不正确"

BOTH_BACKENDS = True  # every test using the console's database runs on SQLite and on PostgreSQL


@pytest.mark.parametrize(
    "password", ["short1!", "1234567890", "password123", "aaaaaaaaaaaa", "clerk_a-2026-x"]
)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword):
        check_strength(password, "clerk_a")


def test_passwords_are_stored_as_argon2id_only(settings: ConsoleSettings) -> None:
    with closing(connect(settings.database)) as db:
        stored = [row[0] for row in db.execute("SELECT password FROM users")]
    assert stored and all(s.startswith("$argon2id$") for s in stored)
    assert not any(PASSWORD in s for s in stored)


@pytest.mark.production_hashing
def test_the_console_hashes_at_the_libraries_recommended_cost() -> None:
    """The one test at production cost: 64 MiB, three passes, four lanes (argon2-cffi's RFC 9106 low-memory profile);
    the other tests hash cheaply (tests/conftest.py)."""
    made = passwords.hash_password("Kx7-lantern-harbor")
    assert made.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.DUMMY_HASH.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify_password(made, "Kx7-lantern-harbor")


def test_unknown_name_and_wrong_password_get_the_same_answer(quiet_app: Starlette, clients: Clients) -> None:
    unknown = clients(quiet_app).sign_in("nobody", PASSWORD)
    wrong = clients(quiet_app).sign_in("admin", "Wrong-password-123")
    assert unknown.status_code == wrong.status_code == 401
    assert FAILED in unknown.text and FAILED in wrong.text
    strip = lambda text: text.split('name="token" value="')[0]  # noqa: E731 - the token differs each time
    assert strip(unknown.text) == strip(wrong.text)


def test_five_failures_lock_the_account_for_fifteen_minutes(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    for _ in range(5):
        assert clients(quiet_app).sign_in("clerk_a", "Wrong-password-123").status_code == 401
    locked = clients(quiet_app, address="198.51.100.7").sign_in("clerk_a", PASSWORD)
    assert locked.status_code == 401 and FAILED in locked.text
    with closing(connect(settings.database)) as db:
        (until,) = db.execute("SELECT locked_until FROM users WHERE name = 'clerk_a'").fetchone()
        assert 14 * 60 < until - time.time() <= 15 * 60
        db.execute("UPDATE users SET locked_until = ? WHERE name = 'clerk_a'", (time.time() - 1,))
    assert clients(quiet_app, address="198.51.100.7").sign_in("clerk_a", PASSWORD).status_code == 303


def test_failures_are_throttled_per_client_address(quiet_app: Starlette, clients: Clients) -> None:
    for n in range(users.ADDRESS_FAILURES):  # different names: no single account gets locked
        clients(quiet_app, address="192.0.2.50").sign_in(f"guess{n}", "Wrong-password-123")
    assert clients(quiet_app, address="192.0.2.50").sign_in("admin", PASSWORD).status_code == 401
    assert clients(quiet_app, address="192.0.2.51").sign_in("admin", PASSWORD).status_code == 303


def test_a_new_session_id_at_sign_in_and_logout_ends_it(quiet_app: Starlette, clients: Clients) -> None:
    client = clients(quiet_app)
    client.get("/login")
    client._client.cookies.set("jiaozao_session", "planted-by-an-attacker", domain="portal.test")
    client.sign_in("clerk_a")
    cookie = client._client.cookies.get("jiaozao_session")
    assert cookie and cookie != "planted-by-an-attacker"
    assert client.get("/").status_code == 200
    assert client.submit("/logout").status_code == 303
    stolen = clients(quiet_app)
    stolen._client.cookies.set("jiaozao_session", cookie, domain="portal.test")
    assert stolen.get("/").status_code == 303  # the old cookie signs no one in


def test_sessions_end_after_thirty_idle_minutes_and_eight_hours(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    idle, long = clients(quiet_app, "clerk_a"), clients(quiet_app, "clerk_b")
    with closing(connect(settings.database)) as db:
        rows = db.execute("SELECT s.id, u.name FROM sessions s JOIN users u ON u.id = s.user_id").fetchall()
        for key, name in rows:
            if name == "clerk_a":
                db.execute("UPDATE sessions SET seen = ? WHERE id = ?", (time.time() - 31 * 60, key))
            else:
                db.execute("UPDATE sessions SET created = ? WHERE id = ?", (time.time() - 8 * 3600 - 1, key))
    for client in (idle, long):
        response = client.get("/departments/anshan/catalog")
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_disabling_a_user_ends_their_session_at_once(quiet_app: Starlette, clients: Clients) -> None:
    clerk, admin = clients(quiet_app, "clerk_a"), clients(quiet_app, "admin")
    assert clerk.get("/").status_code == 200
    assert admin.submit("/users/clerk_a/disable").status_code == 303
    assert clerk.get("/").status_code == 303
    assert clients(quiet_app).sign_in("clerk_a").status_code == 401


def test_administrators_add_users_in_the_console(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    admin = clients(quiet_app, "admin")
    form = {
        "name": "wangwu",
        "role": "科员",
        "department": "lvliang",
        "password": "Quiet-river-7741",
        "password2": "Quiet-river-7741",
    }
    assert admin.submit("/users", form).status_code == 303
    weak = admin.submit(
        "/users", {**form, "name": "zhaoliu", "password": "1234567890", "password2": "1234567890"}
    )
    assert weak.status_code == 400 and "太常见" in weak.text
    new = clients(quiet_app)
    assert new.sign_in("wangwu", "Quiet-river-7741").status_code == 303
    assert new.get("/departments/lvliang/ledger").status_code == 200
    assert new.get("/departments/anshan/ledger").status_code == 403
    with closing(connect(settings.database)) as db:
        assert users.find(db, "zhaoliu") is None


def test_single_sign_on_trusts_the_header_only_from_the_trusted_proxy(
    settings: ConsoleSettings, clients: Clients
) -> None:
    secret = "s" * 32
    app = create_app(
        replace(settings, trusted_proxy="10.9.8.7", sso_header="x-remote-user", proxy_secret=secret),
        start_jobs=False,
    )
    proven = {"X-Jiaozao-Proxy-Secret": secret}
    via_proxy = clients(app, address="10.9.8.7")
    page = via_proxy.get("/departments/anshan/catalog", headers={"X-Remote-User": "clerk_a", **proven})
    assert page.status_code == 200 and "clerk_a" in page.text
    forged = clients(app, address="203.0.113.66")
    headers = {"X-Remote-User": "admin", **proven}
    assert forged.get("/departments/anshan/catalog", headers=headers).status_code == 303
    assert (
        via_proxy.get("/", headers={"X-Remote-User": "clerk_a"}).status_code == 200
    )  # its own session goes on
    # the proxy naming someone else (another person at the same browser) ends the session
    assert via_proxy.get("/", headers={"X-Remote-User": "nobody", **proven}).status_code == 303
    assert (
        clients(app, address="10.9.8.7").get("/", headers={"X-Remote-User": "nobody", **proven}).status_code
        == 303
    )
    app.state.console.close()


def _database_option(settings: ConsoleSettings, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Return --console-db for SQLite; for PostgreSQL set JIAOZAO_DATABASE_URL, as on a server."""
    if settings.database_url:
        monkeypatch.setenv("JIAOZAO_DATABASE_URL", settings.database_url)
        return []
    return ["--console-db", str(settings.db)]


def test_the_user_command_adds_lists_changes_and_disables(
    settings: ConsoleSettings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = tmp_path / "pw.txt"
    secret.write_text("Harbor-lantern-9931\n", encoding="utf-8")
    db = _database_option(settings, monkeypatch)
    catalogs = ["--catalogs", str(settings.inputs.catalogs)]
    add = ["user", "add", "sunqi", "--role", "科员", "--department", "anyang", "--password-file", str(secret)]
    assert main([*add, *db, *catalogs]) == 0
    assert main([*add, *db, *catalogs]) == 1
    assert main(["user", "add", "x1", "--role", "局长", "--password-file", str(secret), *db, *catalogs]) == 1
    assert (
        main(
            [
                "user",
                "add",
                "x2",
                "--role",
                "科员",
                "--department",
                "nowhere",
                "--password-file",
                str(secret),
                *db,
                *catalogs,
            ]
        )
        == 1
    )
    secret.write_text("password123", encoding="utf-8")
    assert main(["user", "passwd", "sunqi", "--password-file", str(secret), *db]) == 1
    assert main(["user", "disable", "sunqi", *db]) == 0
    assert main(["user", "list", *db]) == 0
    out, err = capsys.readouterr()
    assert (
        "已存在" in err and "局长" in err and "nowhere" in err and "太常见" in err and "Traceback" not in err
    )
    assert "sunqi\t科员\tanyang\t已停用" in out
    assert "Harbor-lantern" not in err
    with closing(connect(settings.database)) as connection:
        assert users.find(connection, "sunqi").disabled  # type: ignore[union-attr]
        assert not any("Harbor" in str(tuple(r)) for r in connection.execute("SELECT * FROM audit"))


def test_the_user_command_prompts_twice_without_a_file(
    settings: ConsoleSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["Copper-kettle-5521", "Copper-kettle-5522"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)  # typed at a terminal
    args = [
        "user",
        "add",
        "zhou",
        "--role",
        "督查",
        *_database_option(settings, monkeypatch),
        "--catalogs",
        str(settings.inputs.catalogs),
    ]
    assert main(args) == 1  # the two differ
    answers = iter(["Copper-kettle-5521", "Copper-kettle-5521"])
    assert main(args) == 0


def test_the_user_command_reads_a_piped_password_without_prompting(
    settings: ConsoleSettings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def add(name: str, piped: str) -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(piped))
        return main(
            ["user", "add", name, "--role", "督查", *database, "--catalogs", str(settings.inputs.catalogs)]
        )

    database = _database_option(settings, monkeypatch)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": pytest.fail("prompted"))
    assert add("wu", "Copper-kettle-5521\n") == 0  # echo 密码 | jiaozao user add …
    twice = "Copper-kettle-5521\r\nCopper-kettle-5521\r\n"  # printf '密码\n密码\n' |, with CRLF too
    assert add("zheng", twice) == 0
    assert add("wang", "Copper-kettle-5521\nCopper-kettle-5522\n") == 1
    assert add("feng", "") == 1
    out, err = capsys.readouterr()
    assert "不一致" in err and "没有读到密码" in err and "Traceback" not in err and "Warning" not in err
    assert "Copper" not in out + err
    with closing(connect(settings.database)) as db:
        assert [users.find(db, name) is not None for name in ("wu", "zheng", "wang", "feng")] == [
            True,
            True,
            False,
            False,
        ]
        (stored,) = db.execute("SELECT password FROM users WHERE name = ?", ("zheng",)).fetchone()
        assert passwords.verify_password(stored, "Copper-kettle-5521")  # no \r kept from the pipe


def test_sessions_store_only_a_hash_of_the_cookie(settings: ConsoleSettings) -> None:
    with closing(connect(settings.database)) as db:
        user = users.find(db, "admin")
        assert user is not None
        cookie = sessions.start(db, user)
        assert db.execute("SELECT COUNT(*) FROM sessions WHERE id = ?", (cookie,)).fetchone()[0] == 0
        assert sessions.resume(db, cookie, 60, 60) is not None


def test_add_user_refuses_a_clerk_without_department(settings: ConsoleSettings) -> None:
    with closing(connect(settings.database)) as db, pytest.raises(users.UserError):
        users.add_user(db, "nodept", users.Role.CLERK, [], "Silver-lining-0420", SLUGS)


def test_a_clerk_of_one_department_lands_on_its_today_page_and_home_counts_each_departments_day(
    quiet_app: Starlette, clients: Clients
) -> None:
    clerk = clients(quiet_app)
    assert clerk.sign_in("clerk_a").headers["location"].endswith("/departments/anshan/today")
    admin = clients(quiet_app)
    assert admin.sign_in("admin").headers["location"].endswith("/")
    home = admin.get("/")
    for slug in SLUGS:  # one click from the home page to each department's 今日提醒
        assert f'href="/departments/{slug}/today"' in home.text
    today = admin.get("/departments/anshan/today")  # today's inputs are loaded now (the console warms up so)
    home = admin.get("/")
    holders = re.search(r"<strong>\d+</strong> 张证照、<strong>(\d+)</strong> 户", today.text)
    assert holders, today.text
    assert f"应提醒 {holders.group(1)} 户" in home.text
