"""A few PostgreSQL sessions behind the one connection object a process's threads share (the console's requests).

A statement borrows an idle session and gives it back when it has run (its rows are read already); a
transaction keeps its session for its thread until it ends — `with pool.transaction():`, or execute("BEGIN …")
up to COMMIT or ROLLBACK — so no other thread's statement lands inside it. So a slow statement holds one
session and the other requests go on with the rest, where one shared session made each wait its turn. Sessions
are opened when first needed, up to `size` (JIAOZAO_DATABASE_POOL_SIZE); past that a statement waits for one,
first come first served (a session given back goes to the longest waiter, so a busy thread cannot keep it).
Each session is a PgConnection (generator/database/postgres.py): the same translation, rows and errors.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from generator.database.connection import open_postgres
from generator.database.postgres import Cursor, PgConnection

WAIT_SECONDS = 60.0  # a statement waiting this long for a free session fails (every session held that long)


class PgPool:
    """Up to size PgConnection sessions to url, answering the calls of one PgConnection."""

    dialect = "postgresql"

    def __init__(self, url: str, size: int, *, check: bool = True) -> None:
        self.url, self.size = url, max(size, 1)
        first = open_postgres(url, check=check)  # the schema version is checked once, by the first
        self._sessions, self._idle, self._made = [first], [first], 1
        self._waiting: deque[_Waiter] = deque()
        self._guard = threading.Lock()  # over _sessions, _idle, _made and _waiting
        self._own = threading.local()  # .session: the one this thread holds (inside a transaction)

    @property
    def in_transaction(self) -> bool:
        held: PgConnection | None = getattr(self._own, "session", None)
        return held is not None and _open(held)

    @property
    def identity_tables(self) -> frozenset[str]:
        return self._sessions[0].identity_tables

    def reload_tables(self) -> None:
        for session in list(self._sessions):
            session.reload_tables()

    def execute(self, sql: str, values: Any = None, /) -> Cursor:
        with self._session() as session:
            return session.execute(sql, values)

    def executemany(self, sql: str, rows: Any, /) -> Cursor:
        with self._session() as session:
            return session.executemany(sql, rows)

    def executescript(self, script: str, /) -> None:
        with self._session() as session:
            session.executescript(script)

    @contextmanager
    def transaction(self, write_lock: bool = False) -> Iterator[PgPool]:
        """Run the block in one transaction on one session (a savepoint inside another); write_lock: one writer
        at a time, across every process."""
        with self._session() as session, session.transaction(write_lock):
            yield self

    def commit(self) -> None:
        """Nothing to do: outside BEGIN … COMMIT every statement is committed already (autocommit)."""

    def close(self) -> None:
        for session in self._sessions:
            session.close()

    def __enter__(self) -> PgPool:
        return self

    def __exit__(self, *exc: object) -> None:
        """As sqlite3: leaving a with block does not close the connection."""

    @contextmanager
    def _session(self) -> Iterator[PgConnection]:
        """Lend this thread its own session (inside its transaction) or an idle one, given back unless a
        transaction was left open on it (then it stays this thread's until the transaction ends)."""
        held: PgConnection | None = getattr(self._own, "session", None)
        if held is not None:
            try:
                yield held
            finally:  # the transaction ended (COMMIT, ROLLBACK, or an error that ended it): give it back
                if not _open(held) and not getattr(self._own, "outer", False):
                    self._give_back(held)
            return
        session = self._borrow()
        self._own.session, self._own.outer = session, True
        try:
            yield session
        finally:
            self._own.outer = False
            if not _open(session):
                self._give_back(session)

    def _give_back(self, session: PgConnection) -> None:
        self._own.session = None
        with self._guard:
            if self._waiting:
                waiter = self._waiting.popleft()
                waiter.session = session
                waiter.ready.set()
            else:
                self._idle.append(session)

    def _borrow(self) -> PgConnection:
        with self._guard:
            if self._idle:
                return self._idle.pop()
            opening = self._made < self.size
            if opening:
                self._made += 1
            else:
                waiter = _Waiter()
                self._waiting.append(waiter)
        if opening:
            return self._opened()
        if not waiter.ready.wait(WAIT_SECONDS):
            with self._guard:
                if waiter.session is None:
                    self._waiting.remove(waiter)
                    raise sqlite3.OperationalError(
                        f"数据库连接都在使用中（{self.size} 个，已等待 {WAIT_SECONDS:.0f} 秒）：请稍后再试；"
                        "经常出现时请增大 JIAOZAO_DATABASE_POOL_SIZE"
                    )
        assert waiter.session is not None
        return waiter.session

    def _opened(self) -> PgConnection:
        try:
            session = open_postgres(self.url, check=False)
        except BaseException:
            with self._guard:
                self._made -= 1
            raise
        with self._guard:
            self._sessions.append(session)
        return session


class _Waiter:
    """A thread waiting for a session: handed one by the thread that gives it back."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.session: PgConnection | None = None


def _open(session: PgConnection) -> bool:
    """Return whether a transaction is under way on the session (a broken one has none left to finish)."""
    return session.in_transaction and not session.raw.broken
