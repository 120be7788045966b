"""The audit log's hash chain: each row holds the previous row's hash and the hash of that and its own content.

A row changed, replaced, inserted or removed after it was written breaks the chain at that row; appends are
serialised (a lock in this process, one statement across processes on SQLite, an advisory lock on PostgreSQL) so
the chain stays one line. On PostgreSQL the table and its triggers come from generator/database/migrations/.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

from generator.workflows.database import dialect

COLUMNS = ("id", "at", "user", "address", "action", "department", "detail")
TRIGGERS = (  # recreated by every connect when someone dropped them
    """CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
    # INSERT OR REPLACE deletes the old row without firing the delete trigger: refuse an id already there
    """CREATE TRIGGER IF NOT EXISTS audit_no_replace BEFORE INSERT ON audit
    WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
)
# In meta once the log is chained: a log whose hash columns went missing is not chained afresh.
_MARK = "audit_chain"
_APPEND_LOCK = 7_366_434  # PostgreSQL: pg_advisory_xact_lock key of appends, across processes and machines


def row_hash(prev: str, values: Sequence[object]) -> str:
    """Return the SHA-256 of the previous row's hash and this row's id, time, user, address, action, department, detail."""
    text = json.dumps([prev, *values], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def append(db: sqlite3.Connection, values: Sequence[object]) -> None:
    """Append one row (at, user, address, action, department, detail), chained to the last one."""
    append_many(db, [values])


def append_many(db: sqlite3.Connection, rows: Sequence[Sequence[object]]) -> None:
    """Append rows (at, user, address, action, department, detail), each chained to the one before.

    The last row is read and the next written in one transaction (IMMEDIATE: other processes wait), so the
    chain stays one line; on the console's shared connection no other thread's statement comes in between,
    and inside a transaction of the caller the rows are part of it. (No SQL function written in Python: on a
    connection threads share, SQLite would hold the connection's mutex waiting for the interpreter lock while
    another thread holds the interpreter lock waiting for the mutex.)
    """
    with _one_transaction(db):
        # PostgreSQL: the log's own lock against other appends (readers go on); an advisory lock, not LOCK
        # TABLE, which would need UPDATE or DELETE rights the console's database account should not have
        if dialect(db) == "postgresql":
            db.execute(f"SELECT pg_advisory_xact_lock({_APPEND_LOCK})")
        last = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        number, prev = (int(last[0]), str(last[1])) if last else (0, "")
        for values in rows:
            number += 1
            row = (number, *values)
            own = row_hash(prev, row)
            db.execute(_INSERT, (*row, prev, own))
            prev = own


_INSERT = (
    f"INSERT INTO audit ({', '.join(COLUMNS)}, prev, hash) VALUES ({', '.join('?' * (len(COLUMNS) + 2))})"
)


def _one_transaction(db: sqlite3.Connection) -> AbstractContextManager[None]:
    shared = getattr(db, "transaction", None)  # console.db.SharedConnection
    return shared() if shared is not None else _plain_transaction(db)


@contextmanager
def _plain_transaction(db: sqlite3.Connection) -> Iterator[None]:
    if db.in_transaction:
        yield
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def migrate(db: sqlite3.Connection) -> None:
    """Give a log from before the chain its prev and hash columns and chain its rows, once, in one transaction."""
    if _has_chain(db):
        _mark(db)
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        if not _has_chain(db):  # another process may have done it meanwhile
            db.execute("ALTER TABLE audit ADD COLUMN prev TEXT NOT NULL DEFAULT ''")
            db.execute("ALTER TABLE audit ADD COLUMN hash TEXT NOT NULL DEFAULT ''")
            # a log once chained whose hash columns were dropped is not chained afresh: verify says so
            if db.execute("SELECT 1 FROM meta WHERE key = ?", (_MARK,)).fetchone() is None:
                _chain_rows(db)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    _mark(db)


def _chain_rows(db: sqlite3.Connection) -> None:
    db.execute("DROP TRIGGER IF EXISTS audit_no_update")  # back with TRIGGERS right after
    prev = ""
    for row in db.execute(f"SELECT {', '.join(COLUMNS)} FROM audit ORDER BY id").fetchall():
        own = row_hash(prev, tuple(row))
        db.execute("UPDATE audit SET prev = ?, hash = ? WHERE id = ?", (prev, own, row[0]))
        prev = own
    add_triggers(db)


def add_triggers(db: sqlite3.Connection) -> None:
    """Create the triggers that refuse updates, deletes and replacing an existing row (each statement alone:
    executescript would commit the transaction it runs in)."""
    for statement in TRIGGERS:
        db.execute(statement)


def _has_chain(db: sqlite3.Connection) -> bool:
    if dialect(db) == "postgresql":
        return True  # the hash columns are part of the schema from its first version
    return "hash" in {str(row[1]) for row in db.execute("PRAGMA table_info(audit)")}


def _mark(db: sqlite3.Connection) -> None:
    if (
        db.execute("SELECT 1 FROM meta WHERE key = ?", (_MARK,)).fetchone() is None
    ):  # no write on every connect
        db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, '1')", (_MARK,))


@dataclass(frozen=True)
class Break:
    """The first broken link: the row (its number), its time, and what is wrong, in words for the clerk."""

    row: int
    at: str
    problem: str

    def __str__(self) -> str:
        when = f"（{self.at}）" if self.at else ""
        return f"操作日志在第 {self.row} 条{when}处断开：{self.problem}"


@dataclass(frozen=True)
class Intact:
    rows: int
    last_at: str
    last_hash: str


def verify(db: sqlite3.Connection, anchor: str = "") -> Break | Intact:
    """Walk the chain from the first row; return the first broken link, else how many rows and the last hash.

    anchor, a hash written down earlier, must be some row's hash: this catches a log rewritten or cut short.
    """
    if not _has_chain(db):
        return Break(1, "", "日志没有哈希列：哈希链被删除过（或数据库来自旧版本，启动一次工作台即会建立）")
    prev, number, last_at, found = "", 0, "", not anchor
    query = f"SELECT {', '.join(COLUMNS)}, prev, hash FROM audit ORDER BY id"
    for row in db.execute(query):
        values, row_prev, own = tuple(row[:7]), str(row[7]), str(row[8])
        at = str(row[1])
        if row[0] != number + 1:
            missing = f"第 {number + 1} 条" if row[0] == number + 2 else f"第 {number + 1} 至 {row[0] - 1} 条"
            after = f"第 {number} 条（{last_at}）之后、" if number else ""
            return Break(
                number + 1, "", f"{missing}不见了（在{after}第 {row[0]} 条（{at}）之前）：记录被删除过"
            )
        if not own:
            return Break(row[0], at, "这一条没有哈希：它不是工作台写入的，是有人绕过工作台直接插入或替换的")
        if row_prev != prev:
            before = f"第 {number} 条的哈希" if number else "空（它是第一条）"
            return Break(
                row[0], at, f"它记下的前一条哈希应为{before}，但不一致：前面的记录被改动、替换或删除过"
            )
        if row_hash(prev, values) != own:
            return Break(row[0], at, "内容与它的哈希不符：这一条写入后被改动或替换过")
        prev, number, last_at = own, row[0], at
        found = found or own == anchor
    if not found:
        return Break(number + 1, "", f"记下的哈希 {anchor} 不在日志中：日志被整体改写，或末尾的记录被删除过")
    return Intact(number, last_at, prev)
