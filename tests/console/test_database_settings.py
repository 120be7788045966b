"""The console's PostgreSQL settings: the statement timeout every connection starts with, and a pool of sessions
the request threads share without one's transaction holding up the others' statements."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from console.background.jobs import JobQueue
from console.settings import ConsoleSettings
from console.store.db import connect
from generator.config import SettingError, Settings
from generator.database import schema
from generator.database.connection import open_postgres
from generator.database.pool import PgPool


@pytest.fixture
def upgraded(pg_url: str) -> Iterator[str]:
    with closing(open_postgres(pg_url, check=False)) as db:
        schema.upgrade(db)
    yield pg_url


def _console(url: str, tmp_path: Path, **env: str) -> ConsoleSettings:
    environ = {"JIAOZAO_DATABASE_URL": url, **env}
    inputs = Settings.read(str(tmp_path), environ=environ)
    return ConsoleSettings.read(
        inputs, tmp_path / "site", tmp_path / "src", tmp_path / "index", environ=environ
    )


def test_every_connection_of_the_console_starts_with_the_statement_timeout(
    upgraded: str, tmp_path: Path
) -> None:
    settings = _console(upgraded, tmp_path, JIAOZAO_DATABASE_STATEMENT_TIMEOUT="0.25")
    with closing(connect(settings.database)) as db:
        assert db.execute("SHOW statement_timeout").fetchone()[0] == "250ms"
        with pytest.raises(sqlite3.OperationalError, match="statement timeout"):
            db.execute("SELECT pg_sleep(5)")
        assert db.execute("SELECT 1").fetchone()[0] == 1  # the session goes on after the cancelled statement
    queue = JobQueue(settings)  # the queue's own connection (huey's) as well
    try:
        assert queue.huey.storage.conn.execute("SHOW statement_timeout").fetchone()[0] == "250ms"
    finally:
        queue.huey.storage.close()
    assert settings.inputs.database_url == upgraded  # the commands (db copy, db upgrade) are not limited


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("JIAOZAO_DATABASE_STATEMENT_TIMEOUT", "半分钟", "应是不小于 0 的秒数"),
        ("JIAOZAO_DATABASE_STATEMENT_TIMEOUT", "-1", "应是不小于 0 的秒数"),
        ("JIAOZAO_DATABASE_POOL_SIZE", "0", "应是正整数"),
        ("JIAOZAO_DATABASE_POOL_SIZE", "2.5", "应是正整数"),
    ],
)
def test_a_database_setting_that_cannot_be_used_is_named(variable: str, value: str, said: str) -> None:
    with pytest.raises(SettingError, match=f"{variable} 的值“{value}”{said}；不设置则用默认值"):
        Settings.read(environ={variable: value})


def test_a_transaction_keeps_its_session_while_other_threads_go_on_with_the_others(upgraded: str) -> None:
    pool = PgPool(upgraded, 2)
    inside, done = threading.Event(), threading.Event()
    seen: list[object] = []

    def hold() -> None:
        with pool.transaction():
            pool.execute("INSERT INTO meta (key, value) VALUES ('pool', 'uncommitted')")
            seen.append(pool.execute("SELECT pg_backend_pid()").fetchone()[0])
            inside.set()
            done.wait(30)
            seen.append(pool.execute("SELECT pg_backend_pid()").fetchone()[0])

    try:
        holder = threading.Thread(target=hold)
        holder.start()
        assert inside.wait(30)
        # Another thread's statements run meanwhile, on the other session, outside that transaction.
        assert pool.execute("SELECT value FROM meta WHERE key = 'pool'").fetchone() is None
        other = pool.execute("SELECT pg_backend_pid()").fetchone()[0]
        assert not pool.in_transaction
        done.set()
        holder.join(30)
        assert seen[0] == seen[1] != other  # the transaction's statements on one session
        assert pool.execute("SELECT value FROM meta WHERE key = 'pool'").fetchone()[0] == "uncommitted"
    finally:
        done.set()
        pool.close()


def test_begin_keeps_the_session_for_its_thread_until_commit_or_rollback(upgraded: str) -> None:
    pool = PgPool(upgraded, 1)  # one session: another thread's statement waits for the transaction to end
    try:
        pool.execute("BEGIN IMMEDIATE")
        pool.execute("INSERT INTO meta (key, value) VALUES ('begun', '1')")
        assert pool.in_transaction
        answered: list[object] = []
        reader = threading.Thread(
            target=lambda: answered.append(
                pool.execute("SELECT COUNT(*) FROM meta WHERE key = 'begun'").fetchone()
            )
        )
        reader.start()
        reader.join(0.5)
        assert answered == []  # still waiting: nothing of the open transaction is read by another thread
        pool.execute("ROLLBACK")
        reader.join(30)
        assert answered == [(0,)] and not pool.in_transaction
    finally:
        pool.close()


def test_a_thread_waiting_for_a_session_gets_it_before_a_busy_thread_takes_it_again(upgraded: str) -> None:
    pool = PgPool(upgraded, 1)
    busy = threading.Thread(target=lambda: [pool.execute("SELECT pg_sleep(0.05)") for _ in range(200)])
    try:
        busy.start()
        assert pool.execute("SELECT 1").fetchone()[0] == 1
        assert busy.is_alive()  # served between two of its statements, not after all 200 (10 s)
    finally:
        busy.join()
        pool.close()
