"""The console's database: users, sessions, sign-in failures, the audit log, uploads, versions, jobs.

A SQLite file (the default; its tables made or brought up to date here when opened), or PostgreSQL at a URL
(JIAOZAO_DATABASE_URL; tables made by `jiaozao db upgrade` from generator/database/migrations/).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import cast

from console import audit_chain
from generator.atomic import private_database
from generator.database import is_postgres, open_database

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
    prev TEXT NOT NULL DEFAULT '',  -- the hash of the row before (console/audit_chain.py)
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


def connect(path: Path | str) -> sqlite3.Connection:
    """Return a connection to the console database, creating its folder and tables when new.

    Given a postgresql:// URL, a connection to PostgreSQL answering the same calls (generator/database), once
    the schema version is checked (SchemaMismatch names the command to run).
    """
    if is_postgres(path):
        return cast(sqlite3.Connection, open_database(path))
    path = Path(path)
    private_database(path)  # password hashes and personal data in uploads: server staff only
    connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    audit_chain.prepare(connection)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA busy_timeout=30000")
    connection.executescript(SCHEMA)
    _add_column(connection, "catalog_versions", "kind", "TEXT NOT NULL DEFAULT 'catalog'")
    _add_column(connection, "uploads", "job_id", "INTEGER")
    audit_chain.migrate(connection)
    audit_chain.add_triggers(connection)
    return connection


def _add_column(connection: sqlite3.Connection, table: str, column: str, declaration: str) -> None:
    """Add a column a database made by an earlier version lacks (CREATE TABLE IF NOT EXISTS keeps old tables)."""
    if column not in {row["name"] for row in connection.execute(f"PRAGMA table_info({table})")}:
        connection.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
