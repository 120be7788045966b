"""Where the 登记簿 and the SMS outbox live: a SQLite file (the embedded default) or the shared PostgreSQL database.

`Settings.registry` names the place (JIAOZAO_DATABASE_URL when set, else JIAOZAO_RECORD_DB); `open_registry` opens
it. On SQLite the tables are made when the file is opened, as before; on PostgreSQL they come from the numbered
migrations (`jiaozao db upgrade`) and the schema version is checked at open. Writes are one transaction each, one
writer at a time on either backend (SQLite's BEGIN IMMEDIATE; on PostgreSQL a lock of the 登记簿's own, so the
console's own writes never wait for it nor it for them), so two processes never decide the same thing twice.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.atomic import private_database
from generator.database import Connection, dialect, is_postgres, open_database, redacted
from generator.problems import JiaozaoError

Target = Path | str  # a SQLite file, or a postgresql:// URL
REGISTRY_LOCK = 7_366_434  # pg_advisory_xact_lock key: one writer of the 登记簿 at a time
KEEP = 8  # PostgreSQL sessions kept open per process for the next Registry/SmsOutbox: a new one costs ~15 ms
_URLS = 4  # databases whose sessions are kept (a process uses one; the tests, one a test)
_idle: dict[str, list[Any]] = {}
_idle_lock = threading.Lock()


class RegistryError(JiaozaoError):
    """A 登记簿 that cannot be opened or written."""


def place_name(target: Target) -> str:
    """Return the place as a message names it: the file, or the URL without its password."""
    return redacted(str(target)) if is_postgres(target) else str(target)


def open_registry(target: Target, schema: str) -> Any:
    """Open the 登记簿 database: a SQLite file (private: 0600 in a 0700 folder) given its tables from schema, or
    PostgreSQL (its schema checked); RegistryError in words when it cannot be opened. The reminders and the SMS
    outbox both live in it."""
    if is_postgres(target):
        with (
            _idle_lock
        ):  # a kept session was checked when opened (`jiaozao db upgrade` stops the consoles first)
            kept = _idle.get(str(target))
            if kept:
                return kept.pop()
        return open_database(target)  # DatabaseError / SchemaMismatch say what to run
    path = Path(target)
    try:
        private_database(path)  # names and telephone numbers: 0600, its folder 0700
        db = sqlite3.connect(path, isolation_level=None, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.executescript(schema)
        return db
    except (OSError, sqlite3.Error) as error:
        raise RegistryError(f"无法打开登记簿“{path}”：{error}。请检查路径和权限（可用 --db 指定）") from error


def close_registry(db: Any, target: Target) -> None:
    """Close a 登记簿 connection; a PostgreSQL session between transactions is kept for the next open instead."""
    if is_shared(db) and not db.in_transaction and not db.raw.broken and not db.raw.closed:
        with _idle_lock:
            kept = _idle.setdefault(str(target), [])
            stale = [one for url in list(_idle)[:-_URLS] for one in _idle.pop(url)]
            if len(kept) < KEEP:
                kept.append(db)
            else:
                stale.append(db)
        for one in stale:
            one.close()
        return
    db.close()


def is_shared(db: object) -> bool:
    """Return whether a 登记簿 connection is to PostgreSQL (else a SQLite file)."""
    return dialect(db) == "postgresql"


@contextmanager
def registry_transaction(db: Any, target: Target) -> Iterator[Any]:
    """One write transaction on the 登记簿, one writer at a time: all of the block or, with a RegistryError in
    words, none."""
    try:
        if is_shared(db):
            db.execute("BEGIN")
            try:
                db.execute("SELECT pg_advisory_xact_lock(?)", (REGISTRY_LOCK,))
            except BaseException:
                db.execute("ROLLBACK")
                raise
        else:
            db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    except sqlite3.Error as error:
        raise RegistryError(
            f"写入登记簿“{place_name(target)}”失败：{error}。登记簿保持原样，请重试"
        ) from error


def exists(target: Target) -> bool:
    """Return whether there is a 登记簿 to read (the shared database always has one once upgraded)."""
    return is_postgres(target) or Path(target).exists()


def read_only(target: Target) -> Connection | None:
    """Return a connection that reads the 登记簿 without making anything (None: no SQLite file yet); give it
    back with close_registry."""
    if is_postgres(target):
        return open_registry(target, "")  # type: ignore[no-any-return]
    path = Path(target)
    if not path.is_file():
        return None
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as error:
        raise RegistryError(f"无法打开登记簿“{path}”：{error}。请检查路径和权限") from error


def stamp(target: Target) -> object:
    """Return what changes whenever a record is added: the SQLite file and its write-ahead log; on PostgreSQL
    the last record's id (records are never changed or removed there, a trigger refuses it)."""
    if is_postgres(target):
        db = open_registry(target, "")
        try:
            return ("postgresql", db.execute("SELECT MAX(id) FROM reminders").fetchone()[0])
        finally:
            close_registry(db, target)
    path = Path(target)
    paths = (path, path.with_name(path.name + "-wal"))
    return tuple((p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else None for p in paths)
