"""The PostgreSQL schema's version: numbered SQL files applied in order by `jiaozao db upgrade`, checked at start.

SQLite files keep bringing themselves up to date when opened (console/store/db.py), as before: the embedded default
needs no command. On PostgreSQL, where several processes share one database, the schema changes only when the
operator says so, and a process refuses to start on a schema older or newer than its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.database.errors import SchemaMismatch
from generator.database.postgres import PgConnection
from generator.database.url import redacted

FOLDER = Path(__file__).with_name("migrations") / "postgresql"
_LOCK = 7_366_432  # pg_advisory_xact_lock key: one upgrade at a time
_NAME = re.compile(r"^(\d{4})_([\w-]+)\.sql$")
UPGRADE = "jiaozao db upgrade"


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file (0001_console.sql): version 1, named console."""

    version: int
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


def migrations(folder: Path | None = None) -> list[Migration]:
    """Return the migrations in order; their numbers run 1, 2, 3 … without a gap."""
    folder = folder or FOLDER
    named = [(m, path) for path in folder.glob("*.sql") if (m := _NAME.match(path.name))]
    found = sorted(
        (Migration(int(m.group(1)), m.group(2), path) for m, path in named), key=lambda one: one.version
    )
    assert [m.version for m in found] == list(range(1, len(found) + 1)), "migrations must be numbered 1, 2, …"
    return found


def latest() -> int:
    """Return the schema version this program was written for."""
    return len(migrations())


def current(db: PgConnection) -> int:
    """Return the database's schema version (0: no schema yet)."""
    (table,) = db.raw.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone() or (False,)
    if not table:
        return 0
    (version,) = db.raw.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone() or (0,)
    return int(version)


def check(db: PgConnection, url: str) -> None:
    """Raise SchemaMismatch, saying what to run, unless the database has this program's schema version."""
    have, want = current(db), latest()
    where = f"数据库 {redacted(url)} "
    if have == 0:
        raise SchemaMismatch(f"{where}还没有建表：请先运行 {UPGRADE}（JIAOZAO_DATABASE_URL 指向这个数据库）")
    if have < want:
        raise SchemaMismatch(
            f"{where}的结构是第 {have} 版，本程序需要第 {want} 版：请先停止所有工作台进程，运行 {UPGRADE}，再启动"
        )
    if have > want:
        raise SchemaMismatch(
            f"{where}的结构是第 {have} 版，比本程序（第 {want} 版）新：它已被更新版本的叫早升级过，"
            "请把本机的叫早也更新到同一版本后再启动（数据库不能降级）"
        )


def upgrade(db: PgConnection) -> list[Migration]:
    """Apply every migration the database lacks, all in one transaction; return those applied."""
    with db.raw.transaction():
        db.raw.execute(f"SELECT pg_advisory_xact_lock({_LOCK})")  # a second upgrade waits, then finds none
        db.raw.execute(
            "CREATE TABLE IF NOT EXISTS schema_version"
            " (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        have = current(db)
        if have > latest():
            check(db, db.url)
        pending = [m for m in migrations() if m.version > have]
        for migration in pending:
            db.raw.execute(migration.sql.encode())
            db.raw.execute(
                "INSERT INTO schema_version (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )
    db.reload_tables()
    return pending
