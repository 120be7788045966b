"""Which console process runs the publishes and the SMS sender when several share one PostgreSQL database: the
one holding a session advisory lock on a connection of its own. The lock goes with the process: when it dies
(or its connection does), the next process to ask takes over, settles the publish it cut off, and runs the
queue. A process that finds it no longer holds the lock stops its worker before another can start one.
On SQLite: this process, now.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable

from generator.workflows.database import PgConnection, open_postgres

PUBLISHER_LOCK = 7_366_435  # pg_try_advisory_lock key: the one process that runs publishes
POLL_SECONDS = 1.0
# The lock as pg_locks lists it: a one-number key below 2³² is classid 0, objid the key, objsubid 1.
_HELD = (
    "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = "
    f"{PUBLISHER_LOCK} AND objsubid = 1 AND pid = pg_backend_pid() AND granted"
)
log = logging.getLogger("jiaozao.console")


class Leadership:
    """Call lead() once this process is the publisher: at once when it can be, else when the holder goes;
    call lose() if the lock is lost (its connection broke), then wait for it again."""

    def __init__(
        self, url: str, lead: Callable[[], None], lose: Callable[[], None], poll: float = POLL_SECONDS
    ) -> None:
        self.url, self.lead, self.lose, self.poll = url, lead, lose, poll
        self._db: PgConnection | None = None
        self._stop = threading.Event()
        self._watch: threading.Thread | None = None
        self.leading = False

    def start(self) -> None:
        """Try once now (so the first process settles before it answers), then keep watching in a thread."""
        self._db = open_postgres(self.url)
        self._try()
        self._watch = threading.Thread(target=self._loop, name="jiaozao-publisher", daemon=True)
        self._watch.start()

    def holds(self) -> bool:
        """Return whether this process still holds the publisher lock (asked of the database, not remembered)."""
        if self._db is None:
            return False
        try:
            (held,) = self._db.execute(_HELD).fetchone()
        except sqlite3.Error:  # the connection broke: the server let the lock go with it
            return False
        return bool(held)

    def stop_waiting(self) -> None:
        """Stop watching the lock (a lead() under way finishes first)."""
        self._stop.set()
        if self._watch is not None:
            self._watch.join()
            self._watch = None

    def release(self) -> None:
        """Give the lock up (closing its connection) for another process to take: after the worker stopped."""
        self.stop_waiting()
        if self._db is not None:
            self._db.close()
            self._db = None
        self.leading = False

    def _try(self) -> bool:
        assert self._db is not None
        try:
            (won,) = self._db.execute(f"SELECT pg_try_advisory_lock({PUBLISHER_LOCK})").fetchone()
        except sqlite3.Error:  # the database is away for now: try again at the next poll
            return False
        if won:
            self.leading = True
            self.lead()
        return bool(won)

    def _loop(self) -> None:
        while not self._stop.wait(self.poll):
            if not self.leading:
                self._try()
            elif not self.holds():
                log.error(
                    "工作台失去了发布任务的数据库锁（与数据库的连接中断）：停止本进程的后台任务，由持锁的进程接手"
                )
                self.leading = False
                self.lose()
