"""The console's database: users, sessions, sign-in failures, the audit log, uploads, versions, jobs.

A SQLite file (the default; its tables made or brought up to date here when opened), or PostgreSQL at a URL
(JIAOZAO_DATABASE_URL; tables made by `jiaozao db upgrade` from generator/database/migrations/).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from console.store import audit_chain
from generator.workflows.database import PgPool, is_postgres, private_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    departments TEXT NOT NULL DEFAULT '',
    password TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until REAL NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,            -- SHA-256 of the cookie value: a copy of the file signs no one in
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created REAL NOT NULL,
    seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS address_failures (address TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS address_failures_by_address ON address_failures(address, at);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    address TEXT NOT NULL,
    action TEXT NOT NULL,
    department TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    prev TEXT NOT NULL DEFAULT '',  -- the hash of the row before (console/store/audit_chain.py)
    hash TEXT NOT NULL DEFAULT ''   -- SHA-256 of prev and this row's content
);
CREATE TABLE IF NOT EXISTS uploads (
    id INTEGER PRIMARY KEY,
    department TEXT NOT NULL,
    kind TEXT NOT NULL,             -- catalog | ledger
    ext TEXT NOT NULL,              -- xlsx | csv, from the content
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    client_name TEXT NOT NULL,      -- shown, never used as a path
    user TEXT NOT NULL,
    created_at TEXT NOT NULL,
    report TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'checked',  -- checked → accepting → published, each step by one UPDATE
    job_id INTEGER                  -- the publish it went into
);
CREATE TABLE IF NOT EXISTS catalog_versions (  -- the published versions of each 目录 and 台账
    id INTEGER PRIMARY KEY,
    department TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'catalog',   -- catalog | ledger
    ext TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    user TEXT NOT NULL,
    created_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    job_id INTEGER,
    state TEXT NOT NULL DEFAULT 'queued'
);
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    department TEXT NOT NULL,
    user TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started REAL,
    finished REAL,
    state TEXT NOT NULL DEFAULT 'queued',   -- queued | running | done | failed
    stage TEXT NOT NULL DEFAULT '排队等候',
    percent INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS job_files (  -- what a publish's input files held before it wrote them, until it ends
    job_id INTEGER NOT NULL,
    path TEXT NOT NULL,
    content BLOB,                   -- NULL: there was no such file
    PRIMARY KEY (job_id, path)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class SharedConnection(sqlite3.Connection):
    """The console's connection, shared by its request threads: one statement at a time, its result read whole.

    sqlite3 lets threads share a connection but not interleave on it: a statement another thread has not
    finished reading keeps a read transaction open, so a write can fail at once ('database is locked': its
    snapshot is stale) or a COMMIT fail ('SQL statements in progress'). Here each statement runs and is read
    to the end under one lock; what is returned holds the rows, rowcount and lastrowid of that statement alone.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turn = threading.RLock()

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        with self._turn:
            cursor = super().execute(sql, parameters)
            return ReadWhole(self, cursor.fetchall(), cursor.rowcount, cursor.lastrowid)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        with self._turn:
            cursor = super().executemany(sql, parameters)
            return ReadWhole(self, cursor.fetchall(), cursor.rowcount, cursor.lastrowid)

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        with self._turn:
            return super().executescript(script)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the statements of the block as one transaction, no other thread's in between (BEGIN IMMEDIATE:
        other processes wait too). Inside this thread's own transaction the block is part of it."""
        with self._turn:
            if self.in_transaction:
                yield
                return
            super().execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                super().execute("ROLLBACK")
                raise
            super().execute("COMMIT")


class ReadWhole(sqlite3.Cursor):
    """The result of one statement, read while the connection was held (see SharedConnection)."""

    def __init__(self, connection: sqlite3.Connection, rows: list[Any], count: int, last: int | None) -> None:
        super().__init__(connection)
        self._rows, self._next, self._count, self._last = rows, 0, count, last

    @property
    def rowcount(self) -> int:
        return self._count

    @property
    def lastrowid(self) -> int | None:
        return self._last

    def fetchone(self) -> Any:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchmany(self, size: int | None = 1) -> list[Any]:
        taken = self._rows[self._next : self._next + (size or 1)]
        self._next += len(taken)
        return taken

    def fetchall(self) -> list[Any]:
        rest = self._rows[self._next :]
        self._next = len(self._rows)
        return rest

    def __next__(self) -> Any:
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row


def connect(path: Path | str, pool_size: int = 1) -> SharedConnection:
    """Return a connection to the console database, creating its folder and tables when new.

    Given a postgresql:// URL, up to pool_size sessions of PostgreSQL answering the same calls
    (generator/database/pool.py), once the schema version is checked (SchemaMismatch names the command to run).
    """
    if is_postgres(path):
        return cast(SharedConnection, PgPool(str(path), pool_size))
    path = Path(path)
    private_database(path)  # password hashes and personal data in uploads: server staff only
    connection = sqlite3.connect(
        path, timeout=30, isolation_level=None, check_same_thread=False, factory=SharedConnection
    )
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA busy_timeout=30000")
    connection.executescript(SCHEMA)
    _add_column(connection, "catalog_versions", "kind", "TEXT NOT NULL DEFAULT 'catalog'")
    _add_column(connection, "uploads", "job_id", "INTEGER")
    audit_chain.migrate(connection)
    audit_chain.add_triggers(connection)
    assert isinstance(connection, SharedConnection)
    return connection


def _add_column(connection: sqlite3.Connection, table: str, column: str, declaration: str) -> None:
    """Add a column a database made by an earlier version lacks (CREATE TABLE IF NOT EXISTS keeps old tables)."""
    if column not in {row["name"] for row in connection.execute(f"PRAGMA table_info({table})")}:
        connection.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
