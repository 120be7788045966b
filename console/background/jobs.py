"""Publishing in the background: a huey queue, one job at a time, in the order /jobs counts places.

The embedded default (SQLite): huey's SqliteHuey in a file beside the console's database, its consumer in this
process. On PostgreSQL (JIAOZAO_DATABASE_URL): huey's PostgresHuey in the same database, one queue for every
console process on every machine; each process queues into it, and the one holding the publisher lock
(console/background/leader.py) runs the consumer — the publishes one after another, and the SMS sender (console/background/sms_auto.py).
So `jiaozao console` is all there is to start. Progress lives in the console's jobs table, so a reload of
/jobs/{id} on any process shows where the job is.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from typing import Any

from huey import Huey, PostgresHuey, SqliteHuey, crontab
from huey.consumer import Consumer

from console.background import sms_auto, undo, warmup
from console.background.leader import Leadership
from console.settings import ConsoleSettings
from console.state import inputs
from console.store import audit
from console.store.db import connect
from generator.workflows.database import private_database
from portal.rules import site_layout as layout

STATES = {"queued": "排队中", "running": "进行中", "done": "已完成", "failed": "失败"}
# A publish cut off by a killed console (kill -9, power cut, out of memory) is run again once, by the process
# that takes over (or by this one when it starts again), from the start; cut off a second time, it is failed
# and its files are put back: it may be what kills the processes.
RETRIED = "发布中工作台被中止（第 1 次），已自动重新排队，由{who}从头重新发布"
KILLED = {  # why a publish cut off twice failed; its files are put back
    "facts": "发布中工作台两次被中止，部门信息和办事指南已恢复到修改前；公开网站保持原样。请重新修改并保存",
    "": "发布中工作台两次被中止，已恢复到上一个已发布的版本；公开网站保持原样。请重新发布",
}
KILLED_SUPERSEDED = "发布中工作台两次被中止；本部门之后提交的版本还在排队，由它的任务发布"
TRIES = 2  # runs of one job: the first, and one more after it was cut off
# Tests only: seconds the build waits before it starts, so a test can kill the console mid-publish. Unset: none.
HOLD_BUILD = "JIAOZAO_TEST_HOLD_BUILD_SECONDS"
QUEUE = "jiaozao-console"  # huey's name for the queue (its rows' queue column)


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    department: str
    user: str
    created_at: str
    state: str
    stage: str
    percent: int
    message: str
    link: str
    position: int  # jobs ahead of this one (0: running or next)

    @property
    def state_label(self) -> str:
        return STATES.get(self.state, self.state)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


class _ThreadConsumer(Consumer):  # type: ignore[misc]
    """huey's consumer inside the console's process: uvicorn owns the signals."""

    def _set_signal_handlers(self) -> None:
        pass


class JobQueue:
    """Queues publishes and runs them one after another in a worker thread."""

    def __init__(self, settings: ConsoleSettings) -> None:
        self.settings = settings
        self.huey = _huey(settings)
        self._task = self.huey.task(name="publish")(self._run)
        if (
            settings.sms is not None
        ):  # the day's SMS and their receipts (console/background/sms_auto.py), checked each minute
            self.huey.periodic_task(crontab(), name="sms")(self._sms)
        self._consumer: _ThreadConsumer | None = None
        self._leadership: Leadership | None = None

    def start(self) -> None:
        """Settle the publishes a killed console cut off, then start the worker thread (one: no overlaps).

        With several processes on one PostgreSQL database, only the publisher does this (console/background/leader.py);
        the others queue jobs for it in the queue they share, huey's tables in that database.
        """
        if self.settings.database_url:
            self._leadership = Leadership(self.settings.database_url, self._lead, self._lose)
            self._leadership.start()
        else:
            self._lead()

    def _lead(self) -> None:
        db = connect(self.settings.database)
        try:
            self._settle(db)
            waiting = [
                row["id"] for row in db.execute("SELECT id FROM jobs WHERE state = 'queued' ORDER BY id")
            ]
        finally:
            db.close()
        for job_id in waiting:  # their messages may have gone with a killed process: one more each, harmless
            self.queue(job_id)
        self._consumer = _ThreadConsumer(
            self.huey,
            workers=1,
            periodic=self.settings.sms is not None,
            initial_delay=0.1,
            max_delay=0.5,
            check_worker_health=False,
        )
        self._consumer.start()

    def _settle(self, db: sqlite3.Connection) -> None:
        """Queue again each job left running for the first time (from the start, before the jobs queued after
        it); fail each one cut off a second time: put its files back, fail its version, audit it; then rebuild
        the site from the files put back (the build may have been cut off after the site was replaced)."""
        cut_off: list[str] = []  # their departments: the rebuild is listed with them
        for row in db.execute("SELECT * FROM jobs WHERE state = 'running' ORDER BY id DESC").fetchall():
            payload = json.loads(row["payload"])
            if payload.get("tries", 1) < TRIES:
                self._retry(db, row, payload)
                continue
            whole = undo.put_back(db, row["id"])
            cut_off.append(row["department"])
            reason = KILLED.get(row["kind"], KILLED[""]) if whole else KILLED_SUPERSEDED
            db.execute(
                "UPDATE jobs SET state = 'failed', stage = '中断', percent = 100, message = ?, finished = ? "
                "WHERE id = ?",
                (reason, time.time(), row["id"]),
            )
            version = payload.get("version")
            if version:
                db.execute("UPDATE catalog_versions SET state = 'failed' WHERE id = ?", (version,))
            named = f"（第 {version} 版）" if version else ""
            audit.log(
                db, "工作台", "后台任务", "publish", row["department"], f"任务 {row['id']}{named}：{reason}"
            )
        if cut_off:
            self.submit(db, "settle", cut_off[0], "工作台", {})

    def _retry(self, db: sqlite3.Connection, row: sqlite3.Row, payload: dict[str, Any]) -> None:
        """Queue a job cut off for the first time again, to run from the start.

        A 目录 publish writes its 目录 file itself: that file is put back first, so the run again keeps what was
        there before it (and a second cut-off puts that back). The other jobs only rebuild from files their
        request wrote: those stay, and so does what the files held before, kept for a failure.
        """
        if row["kind"] == "catalog":
            undo.put_back(db, row["id"])
        payload = {**payload, "tries": payload.get("tries", 1) + 1}
        message = RETRIED.format(who="接手的工作台进程" if self.settings.database_url else "重新启动的工作台")
        db.execute(
            "UPDATE jobs SET state = 'queued', stage = '排队等候', percent = 0, message = ?, payload = ? "
            "WHERE id = ? AND state = 'running'",
            (message, json.dumps(payload), row["id"]),
        )
        audit.log(db, "工作台", "后台任务", "publish", row["department"], f"任务 {row['id']}：{message}")

    def _lose(self) -> None:
        """The publisher lock is gone (its connection broke): take no more jobs; another process runs them."""
        if self._consumer is not None:
            self._consumer.stop(graceful=False)
            self._consumer = None

    def stop(self) -> None:
        if self._leadership is not None:
            self._leadership.stop_waiting()
        if self._consumer is not None:
            self._consumer.stop(graceful=True)
            self._consumer = None
        if self._leadership is not None:
            self._leadership.release()  # only now may another process take over the publishes
            self._leadership = None
        self.huey.storage.close()

    def submit(
        self, db: sqlite3.Connection, kind: str, department: str, user: str, payload: dict[str, Any],
        before: inputs.Files | None = None,
    ) -> int:  # fmt: skip
        """Add a job and queue it; return its id. before: the input files as they were before the request
        wrote them, put back if the job fails or the console is killed before it ends."""
        job_id = self.add(db, kind, department, user, payload, before)
        self.queue(job_id)
        return job_id

    def add(
        self, db: sqlite3.Connection, kind: str, department: str, user: str, payload: dict[str, Any],
        before: inputs.Files | None = None,
    ) -> int:  # fmt: skip
        """Add a job row without queueing it (part of the caller's transaction; queue it after the commit)."""
        cursor = db.execute(
            "INSERT INTO jobs (kind, department, user, created_at, payload) VALUES (?, ?, ?, ?, ?)",
            (kind, department, user, audit.now_text(), json.dumps(payload)),
        )
        job_id = int(cursor.lastrowid or 0)
        undo.keep(db, job_id, before or {})
        return job_id

    def queue(self, job_id: int) -> None:
        """Queue a recorded job (after the transaction that recorded it is committed)."""
        self._task(job_id)

    def _sms(self) -> None:
        db = connect(self.settings.database)  # on PostgreSQL the shared meta, not this machine's file
        try:
            sms_auto.tick(self.settings, db, sms_auto.now_of(self.settings))
        finally:
            db.close()

    def _run(self, job_id: int) -> None:
        """Run the oldest queued job: this message's, or one queued before it (the order /jobs counts places
        in). A message finding none does nothing: each job has a message of its own, some have two."""
        if self._leadership is not None and not self._leadership.holds():
            return  # no longer the publisher: the job stays queued for the process that is (it queues it again)
        db = connect(self.settings.database)
        try:
            taken = _take(db)
            if taken is not None:
                _Run(self.settings, db, taken).run()
        finally:
            db.close()


def _huey(settings: ConsoleSettings) -> Huey:
    """Return the queue: huey's tables in the PostgreSQL database (made by `jiaozao db upgrade`, 0002_queue.sql),
    else huey's SQLite file beside the console's database."""
    if settings.database_url:
        # blocking=False: polled (every 0.1–0.5 s), no LISTEN connection per worker thread left open
        return PostgresHuey(QUEUE, dsn=settings.database_url, blocking=False, create_tables=False)
    private_database(settings.queue_db)  # the jobs' payloads: server staff only
    return SqliteHuey(QUEUE, filename=str(settings.queue_db))


def _take(db: sqlite3.Connection) -> int | None:
    """Mark the oldest queued job running and return its id (None: none is queued). Only a queued job runs:
    one settled as failed when a killed console restarted, or already run, is never run again (it would put
    a cut-off version on the site)."""
    for (job_id,) in db.execute("SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1").fetchall():
        if db.execute(
            "UPDATE jobs SET state = 'running' WHERE id = ? AND state = 'queued'", (job_id,)
        ).rowcount:
            return int(job_id)
    return None


def find(db: sqlite3.Connection, job_id: int) -> Job | None:
    row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
    if row is None:
        return None
    (ahead,) = db.execute(
        "SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running') AND id < ?", (job_id,)
    ).fetchone()
    return Job(
        row["id"], row["kind"], row["department"], row["user"], row["created_at"], row["state"], row["stage"],
        row["percent"], row["message"], row["link"], int(ahead) if row["state"] == "queued" else 0,
    )  # fmt: skip


def recent(db: sqlite3.Connection, department: str, limit: int = 5) -> list[Job]:
    rows = db.execute(
        "SELECT id FROM jobs WHERE department = ? ORDER BY id DESC LIMIT ?", (department, limit)
    )
    return [job for (job_id,) in rows.fetchall() if (job := find(db, job_id)) is not None]


class _Run:
    """One job from start to end, writing its stage and percentage as it goes."""

    def __init__(self, settings: ConsoleSettings, db: sqlite3.Connection, job_id: int) -> None:
        self.settings, self.db, self.job_id = settings, db, job_id
        row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        self.kind, self.slug, self.user = row["kind"], row["department"], row["user"]
        self.payload: dict[str, Any] = json.loads(row["payload"])

    def update(self, stage: str, percent: int, state: str = "running", **extra: object) -> None:
        """Write the job's progress while it is running: a process that lost the publisher lock mid-job and
        runs on does not overwrite the job another process queued again meanwhile (it runs it again)."""
        columns = ", ".join(f"{k} = ?" for k in ("stage", "percent", "state", *extra))
        self.db.execute(
            f"UPDATE jobs SET {columns} WHERE id = ? AND state = 'running'",
            (stage, percent, state, *extra.values(), self.job_id),
        )

    def run(self) -> None:
        started = time.time()
        self.update("准备", 2, started=started)
        version = self.payload.get("version")
        try:
            if self.kind == "catalog":
                row = self.db.execute(
                    "SELECT ext, content FROM catalog_versions WHERE id = ?", (version,)
                ).fetchone()
                self.update("写入目录文件", 5)
                undo.keep(self.db, self.job_id, inputs.catalog_files(self.settings, self.slug))
                inputs.write_catalog(self.settings, self.slug, row["content"], row["ext"])
            summary = self._build()
        except BaseException as error:
            undo.put_back(self.db, self.job_id)
            self.settings.memory.forget_looks()
            self.update("失败", 100, "failed", message=inputs.failure_text(error), finished=time.time())
            if version:
                self.db.execute("UPDATE catalog_versions SET state = 'failed' WHERE id = ?", (version,))
            audit.log(self.db, self.user, "后台任务", "publish", self.slug, f"任务 {self.job_id} 失败")
            return
        seconds = time.time() - started
        self.db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('build_seconds', ?)", (str(seconds),)
        )
        if version:
            self.db.execute("UPDATE catalog_versions SET state = 'published' WHERE id = ?", (version,))
        base = self.settings.public_url
        link = layout.absolute(base, layout.department_page(self.slug)) if self.slug else base
        self.update("完成", 100, "done", message=summary, link=link, finished=time.time())
        undo.forget(self.db, self.job_id)
        audit.log(self.db, self.user, "后台任务", "publish", self.slug, f"任务 {self.job_id} 完成，{summary}")
        self.settings.memory.forget_looks()  # the input files were written: the next page walks them again
        warmup.start(self.settings)  # the pages' copy of the inputs is out of date now

    def _build(self) -> str:
        """Rebuild while a ticker moves the bar by the time the last build took (the build reports no steps)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'build_seconds'").fetchone()
        expected = max(float(row["value"]) if row else 30.0, 1.0)
        self.update("生成网站和查询索引", 10)
        done = threading.Event()
        ticker = threading.Thread(target=self._tick, args=(expected, done), daemon=True)
        ticker.start()
        try:
            time.sleep(float(os.environ.get(HOLD_BUILD) or 0))
            return inputs.rebuild(self.settings)
        finally:
            done.set()
            ticker.join()

    def _tick(self, expected: float, done: threading.Event) -> None:
        db, begun = connect(self.settings.database), time.monotonic()
        try:
            while not done.wait(0.5):
                percent = min(95, 10 + int(85 * (time.monotonic() - begun) / expected))
                db.execute(
                    "UPDATE jobs SET percent = ? WHERE id = ? AND state = 'running'", (percent, self.job_id)
                )
        finally:
            db.close()
