"""Two `jiaozao console` processes on one PostgreSQL database, as behind a load balancer on two machines (each
its own folder): one sign-in for both, one lockout counted across both, one publish queue (huey's tables in that
database) run by one of them at a time, one SMS sender, and a process that refuses a database not upgraded."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
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
from tests.console.conftest import PASSWORD, edited_catalog, text_of
from tests.console.test_jobs import FIRST_LEAD, KILLED_LEAD, publish, signed_in, traces, wait_until
from tests.console.today_helpers import holder_forms, registry_rows
from tests.pg import Cluster
from tests.smsfake import FakeSms

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
WRONG = "Wrong-password-123"
processes: list[subprocess.Popen[bytes]] = []  # of the consoles() running now, for a test to kill one


def _args(settings: ConsoleSettings, own: Path, port: int) -> list[str]:
    return [
        sys.executable, "-m", "generator", "console", "--catalogs", str(settings.inputs.catalogs),
        "--site", str(settings.site), "--src", str(settings.src), "--index", str(settings.index),
        "--console-db", str(own / "console.sqlite"),  # unused: all its state is in the database
        "--today", str(settings.today), "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip


@contextmanager
def consoles(
    settings: ConsoleSettings, tmp_path: Path, count: int, *extra: dict[str, str]
) -> Iterator[list[str]]:
    """Run count console processes on free ports of 127.0.0.1, all on settings.database_url, each with a folder
    of its own as on another machine (extra[i]: more environment for process i); yield their URLs."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "JIAOZAO_DATABASE_URL": settings.database_url}
    started: list[tuple[subprocess.Popen[bytes], str]] = []
    try:
        for number in range(count):
            port = free_port()
            own = tmp_path / f"process-{number}"
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


def test_one_console_publishes_for_all_and_another_takes_over_and_runs_the_cut_off_publish_again(
    settings: ConsoleSettings, tmp_path: Path
) -> None:
    catalog = settings.inputs.catalogs / "anshan" / "catalog.xlsx"
    killed = edited_catalog(settings, "anshan", {(3, FIRST_LEAD): KILLED_LEAD})
    second_version = edited_catalog(settings, "lvliang", {(3, 3): "企业登记注册（第二次发布）"})
    # The first process starts first and so publishes; its builds wait a minute: time to see the queue, then kill it.
    with consoles(settings, tmp_path, 2, {HOLD_BUILD: "60"}) as (_, second):
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

        # The second process takes over: runs the cut-off publish again from the start, then what is queued.
        again = wait_until(clerk, job, "done", "failed", seconds=240)
        assert again["state"] == "done", again
        assert wait_until(admin, queued, "done", "failed", seconds=240)["state"] == "done"
        assert catalog.read_bytes() == killed
        assert traces(settings.site, "企业登记注册（第二次发布）") and traces(settings.site, KILLED_LEAD)
        with closing(connect(settings.database)) as db:
            assert db.execute("SELECT id FROM jobs WHERE kind = 'settle'").fetchall() == []
            audited = [r["detail"] for r in db.execute("SELECT detail FROM audit WHERE user = '工作台'")]
            finished = db.execute("SELECT id FROM jobs WHERE state = 'done' ORDER BY finished").fetchall()
        assert any(
            "被中止（第 1 次），已自动重新排队，由接手的工作台进程从头重新发布" in line for line in audited
        )
        assert [row[0] for row in finished] == [int(job.rsplit("/", 1)[1]), int(queued.rsplit("/", 1)[1])]
        clerk.close()
        admin.close()


def _upload(client: httpx.Client, csrf: str, slug: str, content: bytes) -> str:
    """Upload a 目录 to be published; return its page."""
    upload = client.post(
        f"/departments/{slug}/catalog", data={"csrf": csrf}, files={"file": ("目录.xlsx", content)}
    )
    assert upload.status_code == 303, text_of(upload.text)
    return str(upload.headers["location"])


def _publish(client: httpx.Client, csrf: str, upload: str) -> str:
    job = client.post(upload + "/publish", data={"csrf": csrf, "accept_warnings": "1"})
    assert job.status_code == 303, text_of(job.text)
    return str(job.headers["location"])


def test_two_publishes_asked_of_two_consoles_at_once_run_one_after_the_other(
    settings: ConsoleSettings, tmp_path: Path
) -> None:
    first_text, second_text = "企业登记注册（甲机发布）", "企业登记注册（乙机发布）"
    hold = {HOLD_BUILD: "5"}  # each build waits a little: the second publish is asked while the first runs
    with consoles(settings, tmp_path, 2, hold, hold) as (first, second):
        clerk, csrf = signed_in(first, "clerk_a")
        admin, admin_csrf = signed_in(second, "admin")
        one = _upload(clerk, csrf, "anshan", edited_catalog(settings, "anshan", {(3, 3): first_text}))
        two = _upload(
            admin, admin_csrf, "lvliang", edited_catalog(settings, "lvliang", {(3, 3): second_text})
        )
        one, two = _publish(clerk, csrf, one), _publish(admin, admin_csrf, two)
        waiting = admin.get(two + ".json").json()
        assert waiting["state"] == "queued" and waiting["position"] == 1, waiting
        assert "前面还有 1 个任务" in text_of(admin.get(two).text)  # the place, counted from the database
        assert wait_until(clerk, one, "done", "failed")["state"] == "done"
        assert wait_until(admin, two, "done", "failed")["state"] == "done"
        clerk.close()
        admin.close()
    ids = (int(one.rsplit("/", 1)[1]), int(two.rsplit("/", 1)[1]))
    with closing(connect(settings.database)) as db:
        runs = db.execute("SELECT started, finished FROM jobs WHERE id IN (?, ?) ORDER BY id", ids).fetchall()
    assert runs[0]["finished"] <= runs[1]["started"]  # one after the other, never both at once
    assert traces(settings.site, first_text) and traces(settings.site, second_text)


def _sms_ticker(settings: ConsoleSettings) -> str:
    """Return which process ran the SMS sender's last tick (host:pid), "" before the first."""
    with closing(connect(settings.database)) as db:
        row = db.execute("SELECT value FROM meta WHERE key = 'sms_tick'").fetchone()
    return str(json.loads(row["value"])["by"]) if row else ""


def test_the_sms_sender_runs_in_one_console_only_and_another_takes_it_over(
    settings: ConsoleSettings, tmp_path: Path
) -> None:
    fake = FakeSms("aliyun")
    fake.start()
    sms = {
        "JIAOZAO_SMS_PROVIDER": "aliyun", "JIAOZAO_SMS_KEY_ID": "id", "JIAOZAO_SMS_KEY_SECRET": "key",
        "JIAOZAO_SMS_ENDPOINT": f"http://127.0.0.1:{fake.server.server_address[1]}",
    }  # fmt: skip
    host = socket.gethostname()
    try:
        with consoles(settings, tmp_path, 2, sms, sms):
            first, second = processes
            # Each worker ticks as it starts, then each minute: had the second started one, its tick came last.
            time.sleep(3)
            assert _sms_ticker(settings) == f"{host}:{first.pid}"
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
            deadline = time.monotonic() + 60
            while _sms_ticker(settings) != f"{host}:{second.pid}":
                assert time.monotonic() < deadline, "the SMS sender did not move to the other console"
                time.sleep(0.2)
    finally:
        fake.stop()


def test_a_result_recorded_on_one_console_is_seen_on_the_other(
    settings: ConsoleSettings, tmp_path: Path
) -> None:
    """The 登记簿 is in the one database: the other process's 今日提醒 drops the holder told, keeps the one whose
    call failed (saying so), and both records are in PostgreSQL once, with their audit rows."""
    with (
        consoles(settings, tmp_path, 2) as (first, second),
        httpx.Client(base_url=first, timeout=60) as one,
        httpx.Client(base_url=second, timeout=60) as two,
    ):
        assert sign_in(one, "clerk_a") == 303
        two.cookies = one.cookies
        today = "/departments/anshan/today"
        forms = holder_forms(
            two.get(today).text
        )  # the other process plans the day before anything is recorded
        told, missed = forms[0], forms[1]
        page = one.get(today).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        for picks, result in ((told, "已告知"), (missed, "未接通")):
            form = {"csrf": csrf.group(1), "c": picks, "result": result, "channel": "电话", "remark": ""}
            assert one.post(today + "/record", data=form).status_code == 303
        after = two.get(today).text
        assert told not in holder_forms(after) and missed in holder_forms(after)
        assert "今天已记：未接通（电话，clerk_a" in after
    rows = registry_rows(settings.inputs.registry)
    assert sorted(str(row[10]) for row in rows) == sorted(["已告知"] * len(told) + ["未接通"] * len(missed))
    with closing(connect(settings.database)) as db:
        (audited,) = db.execute("SELECT COUNT(*) FROM audit WHERE action = 'record_reminder'").fetchone()
    assert audited == 2
