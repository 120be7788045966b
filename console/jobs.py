"""Publishing in the background: a huey queue in SQLite beside the console's database, one job at a time.

The console runs the consumer in its own process (worker threads), so `jiaozao console` is all there is to start.
Progress lives in the console's jobs table, so a reload of /jobs/{id} shows where the job is.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from typing import Any

from huey import SqliteHuey
from huey.consumer import Consumer

from console import audit, warmup, work
from console.db import connect
from console.settings import ConsoleSettings
from generator.atomic import private_database
from portal.rules import site_layout as layout

STATES = {"queued": "排队中", "running": "进行中", "done": "已完成", "failed": "失败"}


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
        private_database(settings.queue_db)  # the jobs' payloads: server staff only
        self.huey = SqliteHuey("jiaozao-console", filename=str(settings.queue_db))
        self._task = self.huey.task(name="publish")(self._run)
        self._consumer: _ThreadConsumer | None = None

    def start(self) -> None:
        """Start the worker thread (one, so publishes never overlap); jobs cut off by a restart are marked."""
        db = connect(self.settings.db)
        db.execute(
            "UPDATE jobs SET state = 'failed', stage = '中断', message = ? WHERE state = 'running'",
            ("工作台在发布过程中重启，本次发布中断；已发布的网站保持原样（或已是新版本）。请重新发布",),
        )
        self._consumer = _ThreadConsumer(
            self.huey, workers=1, periodic=False, initial_delay=0.1, max_delay=0.5, check_worker_health=False
        )
        self._consumer.start()

    def stop(self) -> None:
        if self._consumer is not None:
            self._consumer.stop(graceful=True)
            self._consumer = None

    def submit(
        self, db: sqlite3.Connection, kind: str, department: str, user: str, payload: dict[str, Any]
    ) -> int:
        """Record a job and queue it; return its id."""
        cursor = db.execute(
            "INSERT INTO jobs (kind, department, user, created_at, payload) VALUES (?, ?, ?, ?, ?)",
            (kind, department, user, audit.now_text(), json.dumps(payload)),
        )
        job_id = int(cursor.lastrowid or 0)
        self._task(job_id)
        return job_id

    def _run(self, job_id: int) -> None:
        db = connect(self.settings.db)
        try:
            _Run(self.settings, db, job_id).run()
        finally:
            db.close()


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
        columns = ", ".join(f"{k} = ?" for k in ("stage", "percent", "state", *extra))
        self.db.execute(
            f"UPDATE jobs SET {columns} WHERE id = ?", (stage, percent, state, *extra.values(), self.job_id)
        )

    def run(self) -> None:
        started = time.time()
        self.update("准备", 2, started=started)
        version = self.payload.get("version")
        try:
            previous = None
            if self.kind == "catalog":
                row = self.db.execute(
                    "SELECT ext, content FROM catalog_versions WHERE id = ?", (version,)
                ).fetchone()
                self.update("写入目录文件", 5)
                previous = work.write_catalog(self.settings, self.slug, row["content"], row["ext"])
            try:
                summary = self._build()
            except BaseException:
                if previous is not None:
                    work.undo_catalog(previous)
                raise
        except BaseException as error:
            self.update("失败", 100, "failed", message=work.failure_text(error), finished=time.time())
            if version:
                self.db.execute("UPDATE catalog_versions SET state = 'failed' WHERE id = ?", (version,))
            audit.record(self.db, self.user, "后台任务", "publish", self.slug, f"任务 {self.job_id} 失败")
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
        audit.record(
            self.db, self.user, "后台任务", "publish", self.slug, f"任务 {self.job_id} 完成，{summary}"
        )
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
            return work.rebuild(self.settings)
        finally:
            done.set()
            ticker.join()

    def _tick(self, expected: float, done: threading.Event) -> None:
        db, begun = connect(self.settings.db), time.monotonic()
        try:
            while not done.wait(0.5):
                percent = min(95, 10 + int(85 * (time.monotonic() - begun) / expected))
                db.execute(
                    "UPDATE jobs SET percent = ? WHERE id = ? AND state = 'running'", (percent, self.job_id)
                )
        finally:
            db.close()
