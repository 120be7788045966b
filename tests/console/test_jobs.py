"""The publish queue when the console is killed (kill -9) in the middle of a publish: a real `jiaozao console`.

When it starts again, the cut-off publish is run again from the start, once; cut off a second time, its files are
put back, its version failed with the reason and audited, the site rebuilt from the files put back, and the queue
runs on.
"""

from __future__ import annotations

import io
import json
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
import openpyxl
import pytest
from huey import PostgresHuey
from starlette.applications import Starlette

from console.app import create_app
from console.background.jobs import HOLD_BUILD, QUEUE, _Run
from console.settings import ConsoleSettings
from console.store.db import connect
from generator.database import schema
from generator.database.connection import open_postgres
from tests.browser import free_port
from tests.console.conftest import PASSWORD, Clients, edited_catalog, text_of
from tests.pg import Cluster

FIRST_LEAD = 6  # column F of a 目录 (header on row 2)
KILLED_LEAD = "到期前67个工作日"  # only in the version that is killed while it is published


def _url(settings: ConsoleSettings) -> dict[str, str]:
    return {"JIAOZAO_DATABASE_URL": settings.database_url} if settings.database_url else {}


@contextmanager
def console_process(
    settings: ConsoleSettings, workdir: Path, **env: str
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Run `jiaozao console` on a free port of 127.0.0.1; yield the process and its base URL once it answers."""
    port = free_port()
    args = [
        "console", "--catalogs", str(settings.inputs.catalogs), "--site", str(settings.site), "--src",
        str(settings.src), "--index", str(settings.index), "--console-db", str(settings.db),
        "--today", str(settings.today), "--port", str(port),
    ]  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        cwd=workdir, env={**os.environ, "PYTHONWARNINGS": "ignore", **_url(settings), **env},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "jiaozao console did not start"
                time.sleep(0.1)
        yield process, base
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def signed_in(base: str, name: str) -> tuple[httpx.Client, str]:
    """Return a client of the console signed in as name, and its form token."""
    client = httpx.Client(base_url=base, timeout=30)
    token = re.search(r'name="token" value="([^"]+)"', client.get("/login").text)
    assert token
    assert (
        client.post("/login", data={"token": token.group(1), "name": name, "password": PASSWORD}).status_code
        == 303
    )
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert csrf
    return client, csrf.group(1)


def publish(client: httpx.Client, csrf: str, slug: str, content: bytes) -> str:
    """Upload and publish a 目录; return the job's page."""
    folder = f"/departments/{slug}/catalog"
    upload = client.post(folder, data={"csrf": csrf}, files={"file": ("目录.xlsx", content)})
    assert upload.status_code == 303, text_of(upload.text)
    job = client.post(upload.headers["location"] + "/publish", data={"csrf": csrf, "accept_warnings": "1"})
    assert job.status_code == 303, text_of(job.text)
    return job.headers["location"]


def wait_until(client: httpx.Client, job: str, *states: str, seconds: float = 180) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while True:
        state: dict[str, object] = client.get(job + ".json").json()
        if state["state"] in states:
            return state
        assert time.monotonic() < deadline, state
        time.sleep(0.2)


def traces(root: Path, text: str) -> list[Path]:
    """Return the files under root whose bytes hold text (in UTF-8)."""
    needle = text.encode("utf-8")
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def _kill_while_building(process: subprocess.Popen[bytes], client: httpx.Client, job: str) -> None:
    """Wait until the job is building the site, then kill the console running it (kill -9)."""
    running = wait_until(client, job, "running", "done", "failed")
    while running["stage"] != "生成网站和查询索引":
        time.sleep(0.1)
        running = wait_until(client, job, "running", "done", "failed")
    assert running["state"] == "running"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    client.close()


def test_a_publish_killed_once_is_run_again_and_killed_twice_is_put_back_failed_and_never_reaches_the_site(
    settings: ConsoleSettings, workdir: Path
) -> None:
    catalog = settings.inputs.catalogs / "anshan" / "catalog.xlsx"
    original = catalog.read_bytes()
    killed = edited_catalog(settings, "anshan", {(3, FIRST_LEAD): KILLED_LEAD})
    # The build waits a minute before it starts: long enough to find the job running and kill the console.
    with console_process(settings, workdir, **{HOLD_BUILD: "60"}) as (process, base):
        clerk, csrf = signed_in(base, "clerk_a")
        job = publish(clerk, csrf, "anshan", killed)
        running = wait_until(clerk, job, "running")
        while catalog.read_bytes() != killed:  # the publish writes the 目录, then builds
            time.sleep(0.1)
        _kill_while_building(process, clerk, job)

    # Started again, the console runs the cut-off publish again from the start, once.
    with console_process(settings, workdir, **{HOLD_BUILD: "60"}) as (process, base):
        clerk, csrf = signed_in(base, "clerk_a")
        running = wait_until(clerk, job, "running")
        assert "被中止（第 1 次），已自动重新排队" in str(running["message"])
        assert "被中止（第 1 次）" in text_of(clerk.get(job).text)  # the job's page says why it runs again
        _kill_while_building(process, clerk, job)

    # Cut off a second time: put back and failed (it may be what kills the console), the queue runs on.
    with console_process(settings, workdir) as (_, base):
        assert catalog.read_bytes() == original  # put back before the console answers anything
        clerk, csrf = signed_in(base, "clerk_a")
        state = clerk.get(job + ".json").json()
        assert state["state"] == "failed"
        assert "发布中工作台两次被中止，已恢复到上一个已发布的版本" in state["message"]
        page = text_of(clerk.get("/departments/anshan/catalog").text)
        assert "发布失败" in page and "发布中工作台两次被中止，已恢复到上一个已发布的版本" in page
        assert "发布中" not in page.replace("发布中工作台两次被中止", "")
        with closing(connect(settings.database)) as db:
            (settle,) = db.execute("SELECT id FROM jobs WHERE kind = 'settle'").fetchone()
            audited = [r["detail"] for r in db.execute("SELECT detail FROM audit WHERE user = '工作台'")]
        assert any("已自动重新排队" in line for line in audited), audited
        assert any("已恢复到上一个已发布的版本" in line for line in audited), audited
        assert wait_until(clerk, f"/jobs/{settle}", "done", "failed")["state"] == "done"
        assert not traces(settings.site, KILLED_LEAD) and not traces(settings.index, KILLED_LEAD)

        # The next publish, of another department, publishes that department only.
        other, other_csrf = signed_in(base, "admin")
        lvliang = edited_catalog(settings, "lvliang", {(3, 3): "企业登记注册（第二次发布）"})
        next_job = publish(other, other_csrf, "lvliang", lvliang)
        assert wait_until(other, next_job, "done", "failed")["state"] == "done"
        assert catalog.read_bytes() == original
        assert traces(settings.site, "企业登记注册（第二次发布）") and not traces(settings.site, KILLED_LEAD)
        clerk.close()
        other.close()


@pytest.mark.parametrize("tries", [1, 2])
def test_a_ledger_accept_cut_off_is_run_again_once_then_put_back_when_the_console_starts_again(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients, tries: int
) -> None:
    ledger = settings.inputs.ledgers / "anshan.xlsx"
    original = ledger.read_bytes()
    book = openpyxl.load_workbook(ledger)
    book.active.cell(4, 2).value = "鞍山被中止科技有限公司"
    out = io.BytesIO()
    book.save(out)
    clerk = clients(quiet_app, "clerk_a")
    upload = clerk.submit("/departments/anshan/ledger", files={"file": ("导出.xlsx", out.getvalue())})
    job = clerk.submit(upload.headers["location"] + "/accept").headers["location"]
    assert ledger.read_bytes() == out.getvalue()  # written when accepted; the job publishes it
    job_id = int(job.rsplit("/", 1)[1])
    with closing(connect(settings.database)) as db:  # the worker took the job, then the console was killed
        (payload,) = db.execute("SELECT payload FROM jobs WHERE id = ?", (job_id,)).fetchone()
        payload = json.dumps({**json.loads(payload), "tries": tries})  # tries 2: it is the run again
        db.execute("UPDATE jobs SET state = 'running', payload = ? WHERE id = ?", (payload, job_id))
    restarted = create_app(settings)
    try:
        if tries == 1:  # run again, from the 台账 the clerk accepted
            state = wait_until(clerk, job, "done", "failed")  # type: ignore[arg-type]
            assert state["state"] == "done", state
            assert ledger.read_bytes() == out.getvalue()
            page = text_of(clerk.get("/departments/anshan/ledger").text)
            assert "网站发布失败" not in page and "网站发布中" not in page
            return
        assert ledger.read_bytes() == original
        state = clerk.get(job + ".json").json()
        assert state["state"] == "failed" and "已恢复到上一个已发布的版本" in state["message"]
        page = text_of(clerk.get("/departments/anshan/ledger").text)
        assert "网站发布失败" in page and "网站发布中" not in page
    finally:
        restarted.state.console.close()


def test_a_run_whose_job_another_process_queued_again_does_not_overwrite_it(
    settings: ConsoleSettings,
) -> None:
    """A publisher that lost its lock mid-job runs on; the process that took over queued the job again (to run it
    from the start): the old run's progress and end are not written over it."""
    with closing(connect(settings.database)) as db:
        (job_id,) = db.execute(
            "INSERT INTO jobs (kind, department, user, created_at, state) "
            "VALUES ('catalog', 'anshan', 'clerk_a', '2026-11-23 09:00:00', 'running') RETURNING id"
        ).fetchone()
        old_run = _Run(settings, db, job_id)
        db.execute("UPDATE jobs SET state = 'queued', stage = '排队等候' WHERE id = ?", (job_id,))
        old_run.update("完成", 100, "done", message="网站已更新")
        assert tuple(
            db.execute("SELECT state, stage, message FROM jobs WHERE id = ?", (job_id,)).fetchone()
        ) == (
            "queued",
            "排队等候",
            "",
        )


_HUEY_TABLES = (
    "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns "
    "WHERE table_name LIKE 'huey%' ORDER BY 1, 2"
)
_HUEY_INDEXES = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'huey%' ORDER BY 1"


def test_the_queue_tables_made_by_db_upgrade_are_the_ones_huey_makes(postgres: Cluster, pg_url: str) -> None:
    """0002_queue.sql spells out huey's own tables: a huey upgrade that changes them fails here, not in a publish."""
    by_huey = postgres.create()
    try:
        PostgresHuey(QUEUE, dsn=by_huey).storage.close()  # huey makes its tables itself
        with closing(open_postgres(by_huey, check=False)) as db:
            made = db.raw.execute(_HUEY_TABLES).fetchall(), db.raw.execute(_HUEY_INDEXES).fetchall()
    finally:
        postgres.drop(by_huey)
    with closing(open_postgres(pg_url, check=False)) as db:
        schema.upgrade(db)
        assert (db.raw.execute(_HUEY_TABLES).fetchall(), db.raw.execute(_HUEY_INDEXES).fetchall()) == made
    assert made[0] and made[1]
