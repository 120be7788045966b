"""The audit log's hash chain: tampering with the file breaks it at the row tampered with, and
`jiaozao audit verify` names that row in words; parallel appends (threads and processes) keep it one line."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest

from console.store import audit, audit_chain
from console.store.db import connect
from generator.cli import main

OLD_SCHEMA = """
CREATE TABLE audit (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL, address TEXT NOT NULL,
    action TEXT NOT NULL, department TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
"""


@pytest.fixture
def log(tmp_path: Path) -> Path:
    """A console database whose audit log has rows 1–6, a day each from 2026-11-17."""
    path = tmp_path / "var" / "console.sqlite"
    with closing(connect(path)) as db:
        for day in range(17, 23):
            audit_chain.append(db, (f"2026-11-{day} 09:30:00", "clerk_a", "203.0.113.9", "login", "", ""))
    return path


def verify(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["audit", "verify", "--console-db", str(path), *extra])
    return code, capsys.readouterr().err.replace("\n", "")


def tamper(path: Path, *statements: str) -> None:
    """Change the file as anyone with it can: plain sqlite3, none of the console's code."""
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        for statement in statements:
            db.execute(statement)


def test_an_intact_log_verifies_and_shows_its_last_hash(
    log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = verify(log, capsys)
    assert code == 0
    assert "操作日志完好：共 6 条" in said and "2026-11-22 09:30:00" in said
    with closing(connect(log)) as db:
        last = db.execute("SELECT hash FROM audit WHERE id = 6").fetchone()[0]
    assert last in said
    assert verify(log, capsys, "--anchor", last)[0] == 0


def test_an_update_after_dropping_the_trigger_is_named(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tamper(log, "DROP TRIGGER audit_no_update", "UPDATE audit SET user = 'someone else' WHERE id = 3")
    code, said = verify(log, capsys)
    assert code == 1
    assert "第 3 条（2026-11-19 09:30:00）" in said and "写入后被改动" in said


def test_an_update_with_its_hash_recomputed_breaks_the_next_link(
    log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with closing(sqlite3.connect(log)) as db:
        row = db.execute(
            "SELECT id, at, user, address, action, department, detail, prev FROM audit WHERE id = 3"
        )
        number, at, _, address, action, department, detail, prev = row.fetchone()
    forged = audit_chain.row_hash(prev, (number, at, "someone else", address, action, department, detail))
    tamper(
        log, "DROP TRIGGER audit_no_update",
        f"UPDATE audit SET user = 'someone else', hash = '{forged}' WHERE id = 3",
    )  # fmt: skip
    code, said = verify(log, capsys)
    assert code == 1
    assert "第 4 条（2026-11-20 09:30:00）" in said and "第 3 条的哈希" in said


def test_insert_or_replace_is_refused_and_when_forced_named(
    log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    replace = "INSERT OR REPLACE INTO audit (id, at, user, address, action) VALUES (1, '2026-11-17 09:30:00', 'x', 'y', 'login')"
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        tamper(log, replace)
    assert verify(log, capsys)[0] == 0
    tamper(log, "DROP TRIGGER audit_no_replace", replace)
    code, said = verify(log, capsys)
    assert code == 1
    assert "第 1 条（2026-11-17 09:30:00）" in said and "没有哈希" in said
    # the next connect puts the trigger back
    with closing(connect(log)) as db, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute(replace)


def test_a_deleted_row_is_named(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tamper(log, "DROP TRIGGER audit_no_delete", "DELETE FROM audit WHERE id = 4")
    code, said = verify(log, capsys)
    assert code == 1
    assert "第 4 条不见了" in said and "2026-11-19 09:30:00" in said and "2026-11-21 09:30:00" in said


def test_a_deleted_first_row_is_named(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tamper(log, "DROP TRIGGER audit_no_delete", "DELETE FROM audit WHERE id = 1")
    code, said = verify(log, capsys)
    assert code == 1 and "第 1 条不见了" in said


def test_a_cut_tail_is_caught_by_the_hash_written_down(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with closing(sqlite3.connect(log)) as db:
        written_down = db.execute("SELECT hash FROM audit WHERE id = 6").fetchone()[0]
    tamper(log, "DROP TRIGGER audit_no_delete", "DELETE FROM audit WHERE id >= 5")
    assert verify(log, capsys)[0] == 0  # the chain alone cannot tell: what the README says
    code, said = verify(log, capsys, "--anchor", written_down)
    assert code == 1 and written_down in said and "末尾的记录被删除" in said


def test_a_log_from_before_the_chain_is_chained_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "console.sqlite"
    with closing(sqlite3.connect(path, isolation_level=None)) as old:
        old.executescript(OLD_SCHEMA)
        for day in range(1, 4):
            old.execute(
                "INSERT INTO audit (at, user, address, action) VALUES (?, 'admin', '127.0.0.1', 'login')",
                (f"2026-10-0{day} 08:00:00",),
            )
    code, said = verify(path, capsys)
    assert code == 1 and "没有哈希列" in said
    with closing(connect(path)) as db:
        audit.log(db, "admin", "127.0.0.1", "logout")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("UPDATE audit SET user = 'x' WHERE id = 1")
    code, said = verify(path, capsys)
    assert code == 0 and "共 4 条" in said
    # Dropping the hash columns does not get the log chained afresh: it stays broken
    tamper(path, "ALTER TABLE audit DROP COLUMN hash", "ALTER TABLE audit DROP COLUMN prev")
    with closing(connect(path)):
        pass
    code, said = verify(path, capsys)
    assert code == 1 and "第 1 条（2026-10-01 08:00:00）" in said


def test_parallel_appends_from_threads_and_processes_keep_one_chain(
    log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = (
        "import sys; from console.store import audit; from console.store.db import connect\n"
        "db = connect(__import__('pathlib').Path(sys.argv[1]))\n"
        "for i in range(60): audit.log(db, 'process', '127.0.0.1', 'login', detail=str(i))\n"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", writer, str(log)], env=dict(os.environ)) for _ in range(2)
    ]
    shared = connect(log)  # as the console: one connection, many request threads

    def write(own: bool) -> None:
        db = connect(log) if own else shared
        for i in range(60):
            audit.log(db, "thread", "127.0.0.1", "logout", detail=str(i))
        if own:
            db.close()

    threads = [threading.Thread(target=write, args=(n % 2 == 0,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(p.wait(timeout=120) == 0 for p in processes)
    shared.close()
    code, said = verify(log, capsys)
    assert code == 0 and f"共 {6 + 6 * 60 + 2 * 60} 条" in said
