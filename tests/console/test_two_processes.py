"""Two `jiaozao console` processes on one PostgreSQL database, as behind a load balancer: one sign-in for both,
one lockout counted across both, and a process that refuses a database not upgraded."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import httpx
import pytest

from console.db import connect
from console.settings import ConsoleSettings
from tests.browser import free_port
from tests.console.conftest import PASSWORD
from tests.pg import Cluster

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
WRONG = "Wrong-password-123"


def _args(settings: ConsoleSettings, own: Path, port: int) -> list[str]:
    return [
        sys.executable, "-m", "generator", "console", "--catalogs", str(settings.inputs.catalogs),
        "--site", str(settings.site), "--src", str(settings.src), "--index", str(settings.index),
        "--console-db", str(own / "console.sqlite"),  # only its local job queue file lives beside it
        "--today", str(settings.today), "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip


@contextmanager
def consoles(settings: ConsoleSettings, tmp_path: Path, count: int) -> Iterator[list[str]]:
    """Run count console processes on free ports of 127.0.0.1, all on settings.database_url; yield their URLs."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "JIAOZAO_DATABASE_URL": settings.database_url}
    started: list[tuple[subprocess.Popen[bytes], str]] = []
    try:
        for number in range(count):
            port = free_port()
            process = subprocess.Popen(
                _args(settings, tmp_path / f"process-{number}", port),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
            )  # fmt: skip
            started.append((process, f"http://127.0.0.1:{port}"))
        for process, base in started:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(base + "/login", timeout=1)
                    break
                except httpx.TransportError:
                    assert process.poll() is None and time.monotonic() < deadline, (
                        "jiaozao console did not start"
                    )
                    time.sleep(0.1)
        yield [base for _, base in started]
    finally:
        for process, _ in started:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)


def sign_in(client: httpx.Client, name: str, password: str = PASSWORD) -> int:
    token = re.search(r'name="token" value="([^"]+)"', client.get("/login").text)
    assert token
    form = {"token": token.group(1), "name": name, "password": password}
    return client.post("/login", data=form).status_code


def test_a_session_made_by_one_console_is_valid_on_the_other(
    settings: ConsoleSettings, tmp_path: Path
) -> None:
    with (
        consoles(settings, tmp_path, 2) as (first, second),
        httpx.Client(base_url=first, timeout=30) as one,
        httpx.Client(base_url=second, timeout=30) as two,
    ):
        assert sign_in(one, "clerk_a") == 303
        two.cookies = one.cookies  # the load balancer sends the next request to the other process
        home = two.get("/")
        assert home.status_code == 200 and "clerk_a" in home.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', home.text)
        assert csrf
        assert two.post("/logout", data={"csrf": csrf.group(1)}).status_code == 303
        assert one.get("/").status_code == 303  # signed out on the other one as well
    with closing(connect(settings.database)) as db:
        actions = [row["action"] for row in db.execute("SELECT action FROM audit ORDER BY id")]
    assert actions == ["login", "logout"]


def test_the_lockout_counts_tries_made_on_both_consoles(settings: ConsoleSettings, tmp_path: Path) -> None:
    with (
        consoles(settings, tmp_path, 2) as (first, second),
        httpx.Client(base_url=first, timeout=30) as one,
        httpx.Client(base_url=second, timeout=30) as two,
    ):
        for client in (one, two, one, two, one):
            assert sign_in(client, "clerk_b", WRONG) == 401
        assert sign_in(two, "clerk_b") == 401  # five wrong ones across both: locked on both
        assert sign_in(one, "clerk_b") == 401
    with closing(connect(settings.database)) as db:
        (until,) = db.execute("SELECT locked_until FROM users WHERE name = 'clerk_b'").fetchone()
        failed = db.execute("SELECT COUNT(*) FROM audit WHERE action = 'login_failed'").fetchone()[0]
    assert 14 * 60 < until - time.time() <= 15 * 60 and failed == 7


def test_a_console_refuses_to_start_on_a_database_not_upgraded(
    settings: ConsoleSettings, postgres: Cluster, tmp_path: Path
) -> None:
    empty = postgres.create()
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "JIAOZAO_DATABASE_URL": empty}
    done = subprocess.run(
        _args(settings, tmp_path, free_port()),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    postgres.drop(empty)
    assert done.returncode == 1 and "jiaozao db upgrade" in done.stderr and "Traceback" not in done.stderr
