"""Two `jiaozao console` processes on one PostgreSQL database, as behind a load balancer: one sign-in for both,
one lockout counted across both, and a process that refuses a database not upgraded."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import httpx
import pytest

from console.background.jobs import HOLD_BUILD
from console.settings import ConsoleSettings
from console.store.db import connect
from tests.browser import free_port
from tests.console.conftest import PASSWORD, edited_catalog
from tests.console.test_jobs import FIRST_LEAD, KILLED_LEAD, publish, signed_in, traces, wait_until
from tests.pg import Cluster

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
WRONG = "Wrong-password-123"
processes: list[subprocess.Popen[bytes]] = []  # of the consoles() running now, for a test to kill one


def _args(settings: ConsoleSettings, own: Path, port: int) -> list[str]:
    return [
        sys.executable, "-m", "generator", "console", "--catalogs", str(settings.inputs.catalogs),
        "--site", str(settings.site), "--src", str(settings.src), "--index", str(settings.index),
        "--console-db", str(own / "console.sqlite"),  # only its local job queue file lives beside it
        "--today", str(settings.today), "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip


@contextmanager
def consoles(
    settings: ConsoleSettings, tmp_path: Path, count: int, *extra: dict[str, str], one_queue: bool = False
) -> Iterator[list[str]]:
    """Run count console processes on free ports of 127.0.0.1, all on settings.database_url (extra[i]: more
    environment for process i; one_queue: one machine's processes sharing one queue file); yield their URLs."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "JIAOZAO_DATABASE_URL": settings.database_url}
    started: list[tuple[subprocess.Popen[bytes], str]] = []
    try:
        for number in range(count):
            port = free_port()
            own = tmp_path / ("machine" if one_queue else f"process-{number}")
            process = subprocess.Popen(
                _args(settings, own, port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                env={**env, **(extra[number] if number < len(extra) else {})},
            )  # fmt: skip
            started.append((process, f"http://127.0.0.1:{port}"))
            processes.append(process)
            _wait_for(process, started[-1][1])  # one after another: the first to start is the first publisher
        yield [base for _, base in started]
    finally:
        processes.clear()
        for process, _ in started:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)


def _wait_for(process: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(base + "/login", timeout=1)
            return
        except httpx.TransportError:
            assert process.poll() is None and time.monotonic() < deadline, "jiaozao console did not start"
            time.sleep(0.1)


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


def test_one_console_publishes_for_all_and_another_takes_over_when_it_is_killed(
    settings: ConsoleSettings, tmp_path: Path
) -> None:
    catalog = settings.inputs.catalogs / "anshan" / "catalog.xlsx"
    original = catalog.read_bytes()
    killed = edited_catalog(settings, "anshan", {(3, FIRST_LEAD): KILLED_LEAD})
    second_version = edited_catalog(settings, "lvliang", {(3, 3): "企业登记注册（第二次发布）"})
    # The first process starts first and so publishes; its builds wait a minute: time to see the queue, then kill it.
    with consoles(settings, tmp_path, 2, {HOLD_BUILD: "60"}, one_queue=True) as (_, second):
        publisher = processes[0]
        clerk, csrf = signed_in(
            second, "clerk_a"
        )  # both publishes are asked of the process that does not run them
        admin, admin_csrf = signed_in(second, "admin")
        job = publish(clerk, csrf, "anshan", killed)
        running = wait_until(clerk, job, "running", "done", "failed")
        while running["stage"] != "生成网站和查询索引":
            time.sleep(0.1)
            running = wait_until(clerk, job, "running", "done", "failed")
        assert catalog.read_bytes() == killed  # written by the first process, which is building now
        queued = publish(admin, admin_csrf, "lvliang", second_version)
        waiting = admin.get(queued + ".json").json()
        assert waiting["state"] == "queued" and waiting["position"] == 1  # one publish at a time, across both
        publisher.send_signal(signal.SIGKILL)
        publisher.wait(timeout=30)

        # The second process takes over: puts the cut-off publish back, then runs what is queued.
        assert wait_until(clerk, job, "failed")["message"].startswith("发布中工作台被中止")  # type: ignore[union-attr]
        assert wait_until(admin, queued, "done", "failed", seconds=240)["state"] == "done"
        assert catalog.read_bytes() == original
        assert traces(settings.site, "企业登记注册（第二次发布）") and not traces(settings.site, KILLED_LEAD)
        clerk.close()
        admin.close()
