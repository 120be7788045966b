"""Move a bureau's SQLite files into an empty PostgreSQL database: every table the schema has, in one transaction.

The console's file (users, sessions, audit log, versions, jobs) and the 登记簿's (records, SMS files, the day's
plans, the SMS outbox) go into the one database; ids are kept, so corrections still name what they correct and
each outbox message its certificates.

The counts of each table on both sides are returned for the operator to read; a table the files hold that the
PostgreSQL schema does not have yet is named, not silently dropped; a database with rows is never written to.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from generator.database.errors import DatabaseError
from generator.database.postgres import PgConnection

_LOCK = 7_366_433  # pg_advisory_xact_lock key: one copy at a time
_NOT_DATA = ("schema_version",)
QUEUE_SUFFIX = "-queue.sqlite"  # the console's huey queue: work in flight on one machine, not data to move


@dataclass(frozen=True)
class Copied:
    """One table: the file it came from, its rows there, and its rows in PostgreSQL after the copy."""

    table: str
    source: Path
    source_rows: int
    target_rows: int


@dataclass
class CopyReport:
    copied: list[Copied] = field(default_factory=list)
    left: list[tuple[Path, str, int]] = field(
        default_factory=list
    )  # (file, table, rows) not on PostgreSQL yet


def sqlite_files(given: list[Path]) -> list[Path]:
    """Return the SQLite files named, a folder standing for the *.sqlite files in it (not the job queue)."""
    found: list[Path] = []
    for path in given:
        if path.is_dir():
            found += sorted(p for p in path.glob("*.sqlite") if not p.name.endswith(QUEUE_SUFFIX))
        elif path.is_file():
            found.append(path)
        else:
            raise DatabaseError(
                f"找不到“{path}”：--from 应是 SQLite 文件（console.sqlite、登记簿.sqlite）或它们所在的文件夹"
            )
    if not found:
        raise DatabaseError(f"在 {'、'.join(map(str, given))} 中没有找到 .sqlite 文件")
    return found


def copy_sqlite(target: PgConnection, files: list[Path]) -> CopyReport:
    """Copy every table of the files that the PostgreSQL schema has, all in one transaction; refuse a database
    that holds any row already (a second run), and a table found in two files."""
    report, columns = CopyReport(), _target_columns(target)
    found: dict[str, tuple[Path, int]] = {}
    for path in files:
        for table, rows in _tables_of(path):
            if table not in columns:
                report.left.append((path, table, rows))
            elif table in found:
                raise DatabaseError(f"表 {table} 同时在“{found[table][0]}”和“{path}”中：请只给其中一个文件")
            else:
                found[table] = (path, rows)
    with target.raw.transaction():
        target.raw.execute(f"SELECT pg_advisory_xact_lock({_LOCK})")
        _refuse_filled(target, columns)
        for table in _referenced_first(target, list(found)):
            path, rows = found[table]
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source:
                try:
                    _copy_table(target, source, path, table, columns[table])
                except psycopg.Error as error:
                    raise DatabaseError(
                        f"复制“{path}”的表 {table} 时 PostgreSQL 拒绝了：{str(error).strip().splitlines()[0]}。"
                        "整个复制是一个事务，PostgreSQL 中没有留下任何数据"
                    ) from None
            report.copied.append(Copied(table, path, rows, _count(target, table)))
        _restart_ids(target, list(found))
        for table in found:  # statistics for the planner now, not when autovacuum comes round: without them
            target.raw.execute(
                f"ANALYZE {table}"
            )  # a page of the 登记簿 took 1.2 s instead of 1 ms (100,000 rows)
    return report


def _referenced_first(target: PgConnection, tables: list[str]) -> list[str]:
    """Return the tables ordered so a table comes after those its foreign keys point at (users before sessions)."""
    pointing = target.raw.execute(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"
    ).fetchall()
    needs = {table: {str(to) for frm, to in pointing if frm == table and to != table} for table in tables}
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = sorted(
            t for t in tables if t not in ordered and needs[t] <= set(ordered) | (needs[t] - set(tables))
        )
        ordered += ready or sorted(t for t in tables if t not in ordered)  # a cycle: the schema has none
    return ordered


def _target_columns(target: PgConnection) -> dict[str, list[str]]:
    rows = target.raw.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND is_generated = 'NEVER' AND identity_generation IS DISTINCT FROM 'ALWAYS'"
        " ORDER BY table_name, ordinal_position"
    ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        if table not in _NOT_DATA:
            columns.setdefault(str(table), []).append(str(column))
    return columns


def _refuse_filled(target: PgConnection, columns: dict[str, list[str]]) -> None:
    filled = [(table, n) for table in sorted(columns) if (n := _count(target, table))]
    if filled:
        named = "、".join(f"{table}（{n} 行）" for table, n in filled)
        raise DatabaseError(
            f"目标数据库已有数据：{named}。jiaozao db copy 只往刚用 jiaozao db upgrade 建好的空数据库里复制，"
            "不会覆盖或合并；若要重来，请删除并重建这个数据库"
        )


def _tables_of(path: Path) -> list[tuple[str, int]]:
    """Return the file's tables and their rows; DatabaseError, in words, when it is not a readable SQLite file."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source:
            return list(_tables(source))
    except sqlite3.Error as error:
        raise DatabaseError(
            f"“{path}”不是可读的 SQLite 数据库文件（{error}）：--from 应是工作台的 console.sqlite、登记簿.sqlite，"
            "或它们所在的文件夹；没有复制任何数据"
        ) from None


def _tables(source: sqlite3.Connection) -> Iterator[tuple[str, int]]:
    names = source.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    for (name,) in names:
        yield str(name), int(source.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0])


def _copy_table(
    target: PgConnection, source: sqlite3.Connection, path: Path, table: str, wanted: list[str]
) -> None:
    have = [str(row[1]) for row in source.execute(f'PRAGMA table_info("{table}")')]
    extra = [c for c in have if c not in wanted]
    if extra:
        raise DatabaseError(
            f"“{path}”的表 {table} 有 PostgreSQL 中没有的列 {'、'.join(extra)}：这些数据会丢失，没有复制。"
            "请用与这个文件同一版本的叫早运行 jiaozao db upgrade 后再复制"
        )
    names = [c for c in wanted if c in have]
    quoted = ", ".join(f'"{c}"' for c in names)
    with target.raw.cursor().copy(f"COPY {table} ({quoted}) FROM STDIN".encode()) as copy:
        for row in source.execute(f'SELECT {quoted} FROM "{table}"'):
            copy.write_row(row)


def _restart_ids(target: PgConnection, tables: list[str]) -> None:
    """Set each id sequence past the ids copied, so the next row the console adds gets a new one."""
    for table in (t for t in tables if t in target.identity_tables):
        (sequence,) = target.raw.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,)).fetchone() or (
            None,
        )
        if sequence:
            target.raw.execute(
                f"SELECT setval(%s, COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)", (sequence,)
            )


def _count(target: PgConnection, table: str) -> int:
    (rows,) = target.raw.execute(f"SELECT COUNT(*) FROM {table}").fetchone() or (0,)
    return int(rows)
