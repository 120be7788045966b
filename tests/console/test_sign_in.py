"""Sign-in under attack (issue 18): parallel tries, floods, passwords typed as names, forged form tokens."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import replace

import pytest
from starlette.applications import Starlette

from console.app import create_app
from console.settings import ConsoleSettings
from console.store import passwords, users
from console.store.db import connect
from tests.console.conftest import PASSWORD, Clients, Staff

WRONG = "Wrong-password-123"

BOTH_BACKENDS = True  # every test using the console's database runs on SQLite and on PostgreSQL


def form_token(client: Staff) -> str:
    found = re.search(r'name="token" value="([^"]+)"', client.get("/login").text)
    assert found
    return found.group(1)


def post_together(
    clients: list[Staff], forms: list[dict[str, str]], last_after: Callable[[], bool] | None = None
) -> list[int]:
    """POST /login from every client at the same moment, each in its own thread; return the statuses.

    last_after: the last client posts once this holds (checked while the others are under way), so that "the
    right one last" does not depend on which thread the scheduler runs first."""
    start = threading.Barrier(len(clients))

    def post(client: Staff, form: dict[str, str]) -> int:
        start.wait()
        if last_after is not None and client is clients[-1]:
            deadline = time.monotonic() + 60
            while not last_after() and time.monotonic() < deadline:
                time.sleep(0.01)
        return client.post("/login", data=form).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(post, clients, forms))


class Hashes:
    """Counts the password checks (argon2) the console runs, and how many ran at the same time."""

    def __init__(self, check: Callable[[str, str], bool]) -> None:
        self.check, self.lock = check, threading.Lock()
        self.calls = self.running = self.most = 0
        self.stored: list[str] = []

    def __call__(self, stored: str, password: str) -> bool:
        with self.lock:
            self.calls, self.running = self.calls + 1, self.running + 1
            self.most = max(self.most, self.running)
            self.stored.append(stored)
        try:
            return self.check(stored, password)
        finally:
            with self.lock:
                self.running -= 1


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hashes]:
    counter = Hashes(passwords.verify_password)
    monkeypatch.setattr(passwords, "verify_password", counter)
    yield counter


def failures_from(settings: ConsoleSettings, address: str) -> int:
    with closing(connect(settings.database)) as db:
        (count,) = db.execute(
            "SELECT COUNT(*) FROM address_failures WHERE address = ?", (address,)
        ).fetchone()
        return int(count)


def test_thirty_parallel_tries_lock_the_account(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    attackers = [clients(quiet_app) for _ in range(30)]
    forms = [{"token": form_token(c), "name": "clerk_a", "password": WRONG} for c in attackers]
    forms[-1]["password"] = PASSWORD  # the right one last: after the wrong ones have begun to be counted
    statuses = post_together(
        attackers, forms, lambda: failures_from(settings, "203.0.113.9") >= users.MAX_FAILURES
    )
    assert statuses == [401] * 30
    assert failures_from(settings, "203.0.113.9") == 30  # the address throttle counted every one
    with closing(connect(settings.database)) as db:
        (until,) = db.execute("SELECT locked_until FROM users WHERE name = 'clerk_a'").fetchone()
    assert 14 * 60 < until - time.time() <= 15 * 60
    assert clients(quiet_app, address="198.51.100.7").sign_in("clerk_a").status_code == 401
    with closing(connect(settings.database)) as db:
        db.execute("UPDATE users SET locked_until = ? WHERE name = 'clerk_a'", (time.time() - 1,))
    assert clients(quiet_app, address="198.51.100.7").sign_in("clerk_a").status_code == 303


def test_a_flood_runs_few_hashes_at_once_and_none_once_throttled(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients, hashes: Hashes
) -> None:
    flood = [clients(quiet_app, address="192.0.2.60") for _ in range(40)]
    forms = [{"token": form_token(c), "name": f"guess{n}", "password": WRONG} for n, c in enumerate(flood)]
    statuses = post_together(flood, forms)
    assert statuses == [401] * 40
    assert 1 <= hashes.most <= passwords.HASHES_AT_ONCE
    assert hashes.calls == users.ADDRESS_FAILURES  # the tries after the throttle tripped cost no hash
    assert set(hashes.stored) == {passwords.DUMMY_HASH}  # unknown names are checked all the same
    assert failures_from(settings, "192.0.2.60") == 40
    late = clients(quiet_app, address="192.0.2.60").sign_in("admin")
    assert late.status_code == 401 and hashes.calls == users.ADDRESS_FAILURES


def test_many_addresses_at_once_still_wait_their_turn(
    quiet_app: Starlette, clients: Clients, hashes: Hashes
) -> None:
    flood = [clients(quiet_app, address=f"192.0.2.{n + 100}") for n in range(40)]
    forms = [{"token": form_token(c), "name": "clerk_b", "password": WRONG} for c in flood]
    assert post_together(flood, forms) == [401] * 40
    assert 1 <= hashes.most <= passwords.HASHES_AT_ONCE
    assert hashes.calls <= users.MAX_FAILURES  # a locked account costs no hash either


def test_a_wrong_name_answers_as_a_wrong_password_after_one_hash(
    quiet_app: Starlette, clients: Clients, hashes: Hashes
) -> None:
    unknown = clients(quiet_app).sign_in("nobody", PASSWORD)
    wrong = clients(quiet_app).sign_in("admin", WRONG)
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.text.split('name="token"')[0] == wrong.text.split('name="token"')[0]
    assert hashes.calls == 2 and hashes.stored[0] == passwords.DUMMY_HASH != hashes.stored[1]


def test_a_password_typed_as_the_name_is_not_logged(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clients(quiet_app).sign_in("Kx7-lantern-harbor", "clerk_a")  # the two boxes swapped
    clients(quiet_app).sign_in("clerk_b", WRONG)
    with closing(connect(settings.database)) as db:
        rows = db.execute("SELECT * FROM audit WHERE action = 'login_failed' ORDER BY id").fetchall()
        logged = [" ".join(str(value) for value in row) for row in db.execute("SELECT * FROM audit")]
    assert [row["user"] for row in rows] == ["（未知用户）", "clerk_b"]
    assert not any(PASSWORD in line for line in logged)
    page = clients(quiet_app, "admin").get("/audit?action=login_failed").text
    assert "（未知用户）" in page and PASSWORD not in page


def test_a_sign_in_token_works_only_with_its_own_form(quiet_app: Starlette, clients: Clients) -> None:
    mallory, victim = clients(quiet_app), clients(quiet_app)
    stolen = form_token(mallory)
    form_token(victim)  # the victim has a sign-in form open, with its own cookie
    answer = victim.post("/login", data={"token": stolen, "name": "admin", "password": PASSWORD})
    assert answer.status_code == 403 and "表单已失效" in answer.text
    cookie = victim._client.cookies.get("jiaozao_login")
    assert cookie and stolen != cookie  # the token is not the cookie's value: a planted pair is refused too
    planted = victim.post("/login", data={"token": cookie, "name": "admin", "password": PASSWORD})
    assert planted.status_code == 403
    assert (
        victim.post(
            "/login", data={"token": form_token(victim), "name": "admin", "password": PASSWORD}
        ).status_code
        == 303
    )


def test_behind_https_the_sign_in_cookie_is_a_host_cookie(
    settings: ConsoleSettings, clients: Clients
) -> None:
    app = create_app(replace(settings, https=True), start_jobs=False)
    try:
        client = clients(app, https=True)
        page = client.get("/login")
        cookie = next(v for k, v in page.headers.multi_items() if k == "set-cookie")
        assert cookie.startswith("__Host-jiaozao_login=")
        assert "Path=/;" in cookie + ";" and "Secure" in cookie and "Domain" not in cookie
        assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
        signed = client.sign_in("admin")
        assert signed.status_code == 303
        gone = [v for k, v in signed.headers.multi_items() if k == "set-cookie" and "_login=" in v]
        assert gone and gone[0].startswith("__Host-jiaozao_login=") and "Secure" in gone[0]
    finally:
        app.state.console.close()


def test_the_token_secret_stays_with_the_console(settings: ConsoleSettings, clients: Clients) -> None:
    """The secret is made once and kept: a form opened before a restart still signs in after it."""
    first = create_app(settings, start_jobs=False)
    before = clients(first)
    token = form_token(before)
    first.state.console.close()
    second = create_app(settings, start_jobs=False)
    try:
        after = clients(second)
        after._client.cookies.update(before._client.cookies)
        answer = after.post("/login", data={"token": token, "name": "admin", "password": PASSWORD})
        assert answer.status_code == 303
    finally:
        second.state.console.close()
