"""Which console process runs the publishes when several share one PostgreSQL database: the one holding a
session advisory lock on a connection of its own. The lock goes with the process: when it dies, the next
process to ask takes over, settles the publish it cut off, and runs the queue. On SQLite: this process, now.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from generator.workflows.database import PgConnection, open_postgres

PUBLISHER_LOCK = 7_366_435  # pg_try_advisory_lock key: the one process that runs publishes
POLL_SECONDS = 1.0


class Leadership:
    """Call lead() once this process is the publisher: at once when it can be, else when the holder goes."""

    def __init__(self, url: str, lead: Callable[[], None], poll: float = POLL_SECONDS) -> None:
        self.url, self.lead, self.poll = url, lead, poll
        self._db: PgConnection | None = None
        self._stop = threading.Event()
        self._waiter: threading.Thread | None = None
        self.leading = False

    def start(self) -> None:
        """Try once now (so the first process settles before it answers), then keep trying in a thread."""
        self._db = open_postgres(self.url)
        if self._try():
            return
        self._waiter = threading.Thread(target=self._wait, name="jiaozao-publisher", daemon=True)
        self._waiter.start()

    def stop_waiting(self) -> None:
        """Stop trying to take the lock (a lead() under way finishes first)."""
        self._stop.set()
        if self._waiter is not None:
            self._waiter.join()

    def release(self) -> None:
        """Give the lock up (closing its connection) for another process to take: after the worker stopped."""
        self.stop_waiting()
        if self._db is not None:
            self._db.close()
            self._db = None

    def _try(self) -> bool:
        assert self._db is not None
        (won,) = self._db.execute(f"SELECT pg_try_advisory_lock({PUBLISHER_LOCK})").fetchone()
        if won:
            self.leading = True
            self.lead()
        return bool(won)

    def _wait(self) -> None:
        while not self._stop.wait(self.poll):
            if self._try():
                return
