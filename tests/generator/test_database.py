"""The database layer: SQLite's dialect translated for PostgreSQL, and a real PostgreSQL server answering it."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from generator.cli import main
from generator.database import SchemaMismatch, open_database, redacted, schema
from generator.database.connection import open_postgres, with_statement_timeout
from generator.database.postgres import PgConnection
from generator.database.sql import WRITE_LOCK, translate

KEYS = {"meta": ("key",), "job_files": ("job_id", "path")}


def _pg(sql: str) -> str:
    return translate(sql, lambda table: KEYS.get(table, ("id",)), lambda table: table == "jobs").sql


@pytest.mark.parametrize(
    ("sqlite", "postgresql"),
    [
        ("SELECT * FROM users WHERE name = ?", "SELECT * FROM users WHERE name = %s"),
        ("SELECT '?', \"a?\" FROM t WHERE x = ?", "SELECT '?', \"a?\" FROM t WHERE x = %s"),
        ("UPDATE t SET a = :most WHERE id = :id", "UPDATE t SET a = %(most)s WHERE id = %(id)s"),
        ("SELECT user, users.id, user_id FROM audit", 'SELECT "user", users.id, user_id FROM audit'),
        ("SELECT 'user' FROM t WHERE note LIKE '%x%'", "SELECT 'user' FROM t WHERE note LIKE '%%x%%'"),
        ("SELECT IFNULL(a, 0) FROM t", "SELECT COALESCE(a, 0) FROM t"),
        ("SELECT 1 FROM t WHERE instr(number, ?) > 0", "SELECT 1 FROM t WHERE STRPOS(number, %s) > 0"),
        ("INSERT INTO t (c) VALUES (x'00ff')", "INSERT INTO t (c) VALUES ('\\x00ff'::bytea)"),
        ("SELECT '12:30', a::text FROM t", "SELECT '12:30', a::text FROM t"),
        (
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('login_secret', ?)",
            "INSERT INTO meta (key, value) VALUES ('login_secret', %s) ON CONFLICT DO NOTHING",
        ),
        (
            "INSERT OR REPLACE INTO job_files (job_id, path, content) VALUES (?, ?, ?)",
            "INSERT INTO job_files (job_id, path, content) VALUES (%s, %s, %s)"
            " ON CONFLICT (job_id, path) DO UPDATE SET content = EXCLUDED.content",
        ),
        (
            "INSERT INTO jobs (kind, user) VALUES (?, ?)",
            'INSERT INTO jobs (kind, "user") VALUES (%s, %s) RETURNING id',
        ),
        (
            "INSERT INTO jobs (kind) VALUES (?) RETURNING kind",
            "INSERT INTO jobs (kind) VALUES (%s) RETURNING kind",
        ),
        ("BEGIN IMMEDIATE", f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"),
        ("BEGIN", "BEGIN"),
    ],
)
def test_sqlite_statements_are_translated(sqlite: str, postgresql: str) -> None:
    assert _pg(sqlite) == postgresql


def test_a_password_is_never_printed() -> None:
    assert redacted("postgresql://jiaozao:s3cret@db:5432/j") == "postgresql://jiaozao:***@db:5432/j"
    assert (
        redacted("postgresql://db/j?user=jiaozao&password=s3cret")
        == "postgresql://db/j?user=jiaozao&password=***"
    )
    for url in (
        "postgresql://jiaozao:s3cret@db/j",
        "postgresql://db/j?sslmode=require&options=-c%20search_path%3Dx",
    ):
        # the console's statement timeout is not the operator's: messages show the URL as they set it
        assert redacted(with_statement_timeout(url, 30)) == redacted(url)


@pytest.fixture
def pg(pg_url: str) -> Iterator[PgConnection]:
    """A connection to an upgraded database of its own."""
    db = open_postgres(pg_url, check=False)
    schema.upgrade(db)
    yield db
    db.close()


def test_upgrade_applies_each_migration_once_and_the_version_is_checked(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SchemaMismatch, match=r"还没有建表.*jiaozao db upgrade"):
        open_database(pg_url)
    assert main(["db", "upgrade", "--database-url", pg_url]) == 0
    assert main(["db", "upgrade", "--database-url", pg_url]) == 0
    said = capsys.readouterr().err
    assert "已执行第 1 版：0001_console.sql" in said and "已执行第 3 版：0003_registry.sql" in said
    assert "已是最新，未做改动" in said
    with closing(open_database(pg_url)) as db:
        versions = db.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    assert versions == [(number,) for number in range(1, schema.latest() + 1)]


def test_a_process_refuses_a_schema_older_or_newer_than_its_own(
    pg: PgConnection,
    pg_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    newer = tmp_path / "migrations"
    shutil.copytree(schema.FOLDER, newer)
    have = schema.latest()
    more = f"{have + 1:04d}_more.sql"
    (newer / more).write_text("CREATE TABLE more (id INTEGER PRIMARY KEY);", encoding="utf-8")
    monkeypatch.setattr(schema, "FOLDER", newer)
    with pytest.raises(
        SchemaMismatch, match=rf"第 {have} 版，本程序需要第 {have + 1} 版.*jiaozao db upgrade"
    ):
        open_database(pg_url)
    assert [m.version for m in schema.upgrade(pg)] == [have + 1]
    monkeypatch.undo()
    with pytest.raises(SchemaMismatch, match=f"第 {have + 1} 版，比本程序（第 {have} 版）新") as refused:
        open_database(with_statement_timeout(pg_url, 30))  # as the console opens it
    assert f"数据库 {redacted(pg_url)} 的结构" in str(refused.value)  # the URL as the operator set it
    assert main(["db", "upgrade", "--database-url", pg_url]) == 1  # an upgrade does not downgrade either
    said = capsys.readouterr().err
    assert f"数据库 {redacted(pg_url)} 的结构是第 {have + 1} 版" in said and "Traceback" not in said


def test_a_server_that_does_not_answer_is_named_without_its_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql://jiaozao:s3cret@127.0.0.1:1/nothing"
    assert main(["db", "upgrade", "--database-url", url]) == 1
    said = capsys.readouterr().err
    assert "无法连接数据库" in said and "s3cret" not in said and "Traceback" not in said


def test_rows_ids_flags_and_conflicts_behave_as_on_sqlite(pg: PgConnection) -> None:
    cursor = pg.execute(
        "INSERT INTO jobs (kind, department, user, created_at) VALUES (?, ?, ?, ?)",
        ("publish", "anshan", "王", "t"),
    )
    assert cursor.lastrowid == 1
    row = pg.execute("SELECT id, user, percent FROM jobs WHERE id = ?", (1,)).fetchone()
    assert (row[0], row["user"], tuple(row), dict(row)["percent"]) == (1, "王", (1, "王", 0), 0)
    pg.execute("UPDATE jobs SET percent = ? WHERE id = ?", (True, 1))
    assert (
        pg.execute("SELECT SUM(percent) AS total FROM jobs").fetchone()["total"] == 1
    )  # an int, not Decimal
    for value in ("a", "b"):
        pg.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('k', ?)", (value,))
        pg.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('r', ?)", (value,))
    assert dict(pg.execute("SELECT key, value FROM meta ORDER BY key").fetchall()) == {"k": "a", "r": "b"}
    pg.execute("INSERT INTO meta (key, value) VALUES ('%', '100%')")
    assert pg.execute("SELECT value FROM meta WHERE key = ?", ("%",)).fetchone()[0] == "100%"
    with pytest.raises(sqlite3.IntegrityError):
        pg.execute("INSERT INTO meta (key, value) VALUES ('k', 'again')")


def test_the_audit_log_refuses_update_delete_and_truncate(pg: PgConnection) -> None:
    pg.execute("INSERT INTO audit (id, at, user, address, action) VALUES (1, 't', 'u', 'a', 'login')")
    for tamper in (
        "UPDATE audit SET user = 'someone else'",
        "DELETE FROM audit",
        "TRUNCATE audit",
        "INSERT OR REPLACE INTO audit (id, at, user, address, action) VALUES (1, 't', 'x', 'y', 'login')",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            pg.execute(tamper)
    assert pg.execute("SELECT user FROM audit").fetchall() == [("u",)]


def test_a_transaction_keeps_other_threads_out_until_it_ends(pg: PgConnection) -> None:
    pg.execute("BEGIN IMMEDIATE")
    pg.execute("INSERT INTO meta (key, value) VALUES ('mine', '1')")
    seen: list[object] = []
    other = threading.Thread(
        target=lambda: seen.append(pg.execute("SELECT COUNT(*) FROM meta").fetchone()[0])
    )
    other.start()
    other.join(0.3)
    assert other.is_alive() and not seen  # waiting: its statement does not land inside this transaction
    pg.execute("ROLLBACK")
    other.join()
    assert seen == [0]


def test_a_dropped_session_is_opened_again_at_the_next_statement(pg: PgConnection, pg_url: str) -> None:
    (pid,) = pg.execute("SELECT pg_backend_pid()").fetchone()
    with closing(open_postgres(pg_url)) as admin:
        admin.execute("SELECT pg_terminate_backend(?)", (pid,))
    with pytest.raises(sqlite3.OperationalError):
        pg.execute("SELECT 1")  # the statement that finds the session gone fails, and says so
    assert pg.execute("SELECT 1").fetchone()[0] == 1
