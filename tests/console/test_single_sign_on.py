"""Single sign-on and the client address behind nginx, attacked from another program on the same server.

The console runs in a real uvicorn on 127.0.0.1 with the README's deployment (trusted proxy 127.0.0.1, SSO header
X-Remote-User, the proxy secret); these tests call it from 127.0.0.1 as any local program could.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from console.app import create_app
from console.settings import ConsoleSettings
from console.store import users
from console.store.db import connect
from tests.browser import free_port, running_jiaozao
from tests.console.conftest import Clients, Staff

SECRET = "k3v9-proxy-secret-only-nginx-knows-41"
DEPLOYMENT = {
    "JIAOZAO_CONSOLE_TRUSTED_PROXY": "127.0.0.1",
    "JIAOZAO_CONSOLE_SSO_HEADER": "X-Remote-User",
    "JIAOZAO_CONSOLE_PROXY_SECRET": SECRET,
}
NEW_ADMIN = {
    "name": "mallory",
    "role": "管理员",
    "password": "Unusual-phrase-42",
    "password2": "Unusual-phrase-42",
}

BOTH_BACKENDS = True  # every test using the console's database runs on SQLite and on PostgreSQL


def _from(clients: Clients, app: Starlette, address: str, forwarded_for: str) -> Staff:
    """Return a client at address whose every request says X-Forwarded-For: forwarded_for."""
    client = clients(app, address=address)
    client._client.headers["X-Forwarded-For"] = forwarded_for
    return client


def _args(settings: ConsoleSettings) -> list[str]:
    return [
        "console", "--catalogs", str(settings.inputs.catalogs), "--site", str(settings.site), "--src",
        str(settings.src), "--index", str(settings.index), "--console-db", str(settings.db),
        "--today", str(settings.today),
    ]  # fmt: skip


@pytest.fixture
def behind_nginx(settings: ConsoleSettings, workdir: Path) -> Iterator[str]:
    """`jiaozao console` on a free port of 127.0.0.1, deployed as the README says; yield its base URL."""
    env = DEPLOYMENT | ({"JIAOZAO_DATABASE_URL": settings.database_url} if settings.database_url else {})
    with running_jiaozao(_args(settings), "/login", env=env, cwd=workdir, stop_seconds=20) as base:
        yield base


def _count(settings: ConsoleSettings, sql: str, *values: object) -> int:
    with closing(connect(settings.database)) as db:
        return int(db.execute(sql, values).fetchone()[0])


def _sessions_and_sign_ins(settings: ConsoleSettings) -> tuple[int, int]:
    return (
        _count(settings, "SELECT COUNT(*) FROM sessions"),
        _count(settings, "SELECT COUNT(*) FROM audit WHERE action = 'login'"),
    )


def test_the_header_without_the_proxy_secret_signs_nobody_in(
    settings: ConsoleSettings, behind_nginx: str
) -> None:
    for secret in (None, "", "wrong", SECRET[:-1], SECRET + "x", SECRET.upper()):
        headers = {"X-Remote-User": "admin"} | ({} if secret is None else {"X-Jiaozao-Proxy-Secret": secret})
        with httpx.Client(base_url=behind_nginx, headers=headers) as local:
            page = local.get("/users")
            assert page.status_code == 303 and page.headers["location"].startswith("/login"), secret
            assert not local.cookies
            assert local.post("/users", data={"csrf": "", **NEW_ADMIN}).status_code == 403
    assert _sessions_and_sign_ins(settings) == (0, 0)
    with closing(connect(settings.database)) as db:
        assert users.find(db, "mallory") is None
    refused = _count(settings, "SELECT COUNT(*) FROM audit WHERE detail LIKE '统一身份认证请求头%不予采信%'")
    assert refused >= 6  # each attempt is in the audit log


def test_the_proxy_with_its_secret_signs_in_once_and_the_session_is_reused(
    settings: ConsoleSettings, behind_nginx: str
) -> None:
    headers = {
        "X-Remote-User": "admin",
        "X-Jiaozao-Proxy-Secret": SECRET,
        "X-Forwarded-For": "1.2.3.4, 198.51.100.7",  # what nginx sends: the caller's list, then the hop it added
    }
    with ThreadPoolExecutor(4) as pool:  # callers that keep no cookies (curl, a script), at once: one session
        codes = pool.map(
            lambda p: httpx.get(behind_nginx + p, headers=headers).status_code, ["/", "/audit"] * 4
        )
        assert set(codes) == {200}
    with httpx.Client(base_url=behind_nginx, headers=headers) as proxy:  # a browser keeps the cookie
        for path in ("/", "/users", "/audit", "/departments/anshan/catalog", "/users"):
            assert proxy.get(path).status_code == 200, path
    assert _sessions_and_sign_ins(settings) == (1, 1)
    assert _count(settings, "SELECT COUNT(*) FROM audit WHERE action = 'login' AND user = 'admin' "
                            "AND detail = '统一身份认证' AND address = '198.51.100.7'") == 1  # fmt: skip


def test_a_locked_disabled_or_unknown_account_never_signs_in_by_header(
    settings: ConsoleSettings, behind_nginx: str
) -> None:
    with closing(connect(settings.database)) as db:
        db.execute("UPDATE users SET locked_until = ? WHERE name = 'clerk_a'", (time.time() + 900,))
        users.disable_user(db, "clerk_b")
    for name in ("clerk_a", "clerk_b", "nobody"):
        headers = {"X-Remote-User": name, "X-Jiaozao-Proxy-Secret": SECRET}
        with httpx.Client(base_url=behind_nginx, headers=headers) as proxy:
            assert proxy.get("/").status_code == 303, name
            assert proxy.post("/logout", data={"csrf": ""}).status_code == 403, name
    assert _sessions_and_sign_ins(settings) == (0, 0)


def test_the_console_refuses_to_start_with_single_sign_on_and_no_secret(
    settings: ConsoleSettings, workdir: Path
) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("JIAOZAO_CONSOLE_PROXY_SECRET")}
    for short in ("", "too-short"):
        result = subprocess.run(
            [sys.executable, "-m", "generator", *_args(settings), "--port", str(free_port())],
            env={**environment, **DEPLOYMENT, "JIAOZAO_CONSOLE_PROXY_SECRET": short},
            capture_output=True, text=True, timeout=120, cwd=workdir,
        )  # fmt: skip
        said = result.stdout + result.stderr
        assert result.returncode != 0, said
        assert "JIAOZAO_CONSOLE_PROXY_SECRET" in said and "工作台没有启动" in said, said
        assert "Traceback" not in said, said


def test_a_forwarded_address_is_the_proxys_hop_and_never_markup(
    settings: ConsoleSettings, clients: Clients
) -> None:
    app = create_app(replace(settings, trusted_proxy="10.9.8.7"), start_jobs=False)
    spoofed = "1.2.3.4, <script>alert(1)</script>"
    _from(clients, app, "203.0.113.66", spoofed).sign_in("admin", "Wrong-password-1")
    _from(clients, app, "10.9.8.7", spoofed).sign_in("admin", "Wrong-password-2")
    _from(clients, app, "10.9.8.7", "1.2.3.4, 198.51.100.7").sign_in("admin", "Wrong-password-3")
    _from(clients, app, "203.0.113.66", spoofed).post("/logout")
    app.state.console.close()
    with closing(connect(settings.database)) as db:
        rows = [
            (r["action"], r["address"]) for r in db.execute("SELECT action, address FROM audit ORDER BY id")
        ]
    assert rows == [
        ("login_failed", "203.0.113.66"),  # not the proxy: its X-Forwarded-For is ignored
        ("login_failed", "10.9.8.7"),  # the proxy's last hop is no address: the socket's
        ("login_failed", "198.51.100.7"),  # only the hop the proxy added, not what the caller put before it
        ("refused", "203.0.113.66"),
    ]


def test_a_caller_cannot_choose_its_throttling_address(settings: ConsoleSettings, clients: Clients) -> None:
    app = create_app(replace(settings, trusted_proxy="10.9.8.7"), start_jobs=False)
    for n in range(users.ADDRESS_FAILURES):  # an unknown name: the account itself is never locked
        assert (
            _from(clients, app, "10.9.8.7", f"10.0.{n}.1, 198.51.100.9").sign_in("nobody").status_code == 401
        )
    assert _from(clients, app, "10.9.8.7", "10.0.99.1, 198.51.100.9").sign_in("admin").status_code == 401
    assert _from(clients, app, "10.9.8.7", "198.51.100.10").sign_in("admin").status_code == 303
    app.state.console.close()
