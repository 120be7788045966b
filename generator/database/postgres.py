"""A PostgreSQL connection that answers the calls the code makes of sqlite3.Connection (psycopg 3 beneath).

Statements are translated (generator/database/sql.py); rows are read by position or column name, as
sqlite3.Row; errors are raised as sqlite3's classes, so `except sqlite3.IntegrityError` holds on both backends.
The connection is in autocommit mode, as the console opens SQLite (isolation_level=None): a statement is its own
transaction unless the code says BEGIN. Threads may share it: a transaction holds it for its thread until
COMMIT or ROLLBACK, so no other thread's statement lands inside it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.adapt import Dumper, Loader

from generator.database.sql import WRITE_LOCK, Statement, parameters, translate

_TABLES = """
SELECT c.relname,
       COALESCE(ARRAY(SELECT a.attname FROM pg_index i JOIN pg_attribute a
                      ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                      WHERE i.indrelid = c.oid AND i.indisprimary ORDER BY a.attnum), '{}'),
       EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'id'
               AND (a.attidentity <> '' OR pg_get_serial_sequence(c.relname::text, 'id') IS NOT NULL))
FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace
"""


class Row(tuple[Any, ...]):
    """A row read by position (row[0]) or by column name (row["name"]), as sqlite3.Row."""

    _names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


class Cursor:
    """The result of one statement, read the way sqlite3.Cursor is read."""

    def __init__(self, cursor: psycopg.Cursor[Row], returns_id: bool) -> None:
        self._cursor = cursor
        self.rowcount = cursor.rowcount
        self.description = cursor.description
        self.lastrowid: int | None = None
        if returns_id:
            made = cursor.fetchone()
            self.lastrowid = int(made[0]) if made is not None else None

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall() if self._cursor.description else []

    def fetchmany(self, size: int = 1) -> list[Any]:
        return self._cursor.fetchmany(size) if self._cursor.description else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())

    def close(self) -> None:
        self._cursor.close()


class PgConnection:
    """One PostgreSQL session, shared by the threads of a process like the console's SQLite connection."""

    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        self._url = url
        self._raw = self._open()
        self._lock = threading.RLock()
        self._held = 0  # transactions begun by execute("BEGIN …") and not yet ended
        self._keys: dict[str, tuple[str, ...]] = {}
        self._identity: set[str] = set()
        self.reload_tables()

    def _open(self) -> psycopg.Connection[Row]:
        raw = psycopg.connect(self._url, autocommit=True, row_factory=_rows)
        raw.adapters.register_dumper(bool, _BoolAsInteger)
        raw.adapters.register_loader("numeric", _NumberLoader)
        return raw

    def _usable(self) -> None:
        """Open a new session when the last one broke (the server restarted, a firewall dropped it), unless a
        transaction was under way: that one is lost, and its caller hears so."""
        if self._raw.broken and not self._held:
            self._raw = self._open()

    @property
    def url(self) -> str:
        """The URL this connection was opened with (print it with redacted())."""
        return self._url

    @property
    def raw(self) -> psycopg.Connection[Row]:
        """Return the psycopg connection beneath, for PostgreSQL-only work (migrations, copy)."""
        return self._raw

    @property
    def in_transaction(self) -> bool:
        return self._raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    @property
    def identity_tables(self) -> frozenset[str]:
        """Return the tables whose id the database fills in."""
        return frozenset(self._identity)

    def reload_tables(self) -> None:
        """Read each table's primary key and whether its id is filled in by the database (after migrations)."""
        with self._lock:
            rows = self._raw.execute(_TABLES).fetchall()
        self._keys = {str(r[0]): tuple(r[1]) for r in rows}
        self._identity = {str(r[0]) for r in rows if r[2]}

    def execute(self, sql: str, values: Any = None, /) -> Cursor:
        statement = translate(sql, lambda table: self._keys.get(table, ()), self._identity.__contains__)
        if statement.begins:
            self._lock.acquire()  # released by the COMMIT or ROLLBACK that ends it
            self._held += 1
        try:
            with self._lock, _as_sqlite_errors():
                self._usable()
                return self._run(statement, values)
        except BaseException:
            if statement.begins:
                self._release()
            raise
        finally:
            if statement.ends:
                self._release()

    def executemany(self, sql: str, rows: Any, /) -> Cursor:
        statement = translate(sql, lambda table: self._keys.get(table, ()), lambda table: False)
        with self._lock, _as_sqlite_errors():
            self._usable()
            cursor = self._raw.cursor()
            cursor.executemany(statement.sql, [parameters(row) for row in rows])
            return Cursor(cursor, returns_id=False)

    def executescript(self, script: str, /) -> None:
        """Run several statements in PostgreSQL's own dialect, untranslated and without parameters."""
        with self._lock, _as_sqlite_errors():
            self._raw.execute(script.encode())

    @contextmanager
    def transaction(self, write_lock: bool = False) -> Iterator[PgConnection]:
        """Run the block in one transaction (a savepoint inside another); write_lock: one writer at a time."""
        with self._lock, _as_sqlite_errors():
            self._usable()
        with self._lock, _as_sqlite_errors(), self._raw.transaction():
            if write_lock:
                self._raw.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
            yield self

    def commit(self) -> None:
        """Nothing to do: in autocommit mode every statement outside BEGIN … COMMIT is committed already."""

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> PgConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        """As sqlite3: leaving a with block does not close the connection."""

    def _run(self, statement: Statement, values: Any) -> Cursor:
        if statement.begins:  # BEGIN and the write lock: two statements, no parameters
            for part in statement.sql.split("; "):
                self._raw.execute(part.encode())
            return Cursor(self._raw.cursor(), returns_id=False)
        cursor = self._raw.execute(statement.sql, parameters(values))
        return Cursor(cursor, statement.returns_id)

    def _release(self) -> None:
        if self._held:
            self._held -= 1
            self._lock.release()


@contextmanager
def _as_sqlite_errors() -> Iterator[None]:
    """Raise psycopg's errors as sqlite3's classes (the message kept), so callers catch one kind on both."""
    try:
        yield
    except (psycopg.errors.IntegrityError, psycopg.errors.RaiseException) as error:
        raise sqlite3.IntegrityError(str(error)) from error
    except psycopg.OperationalError as error:
        raise sqlite3.OperationalError(str(error)) from error
    except psycopg.Error as error:
        raise sqlite3.DatabaseError(str(error)) from error


def _rows(cursor: psycopg.Cursor[Any]) -> Any:
    names = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, names)


class _BoolAsInteger(Dumper):
    """True and False as 1 and 0: the schema keeps SQLite's integer flags."""

    oid = psycopg.postgres.types["int8"].oid

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


class _NumberLoader(Loader):
    """numeric (SUM, AVG) as int when whole, else float, as SQLite gives them, never Decimal."""

    def load(self, data: Any) -> Any:
        number = Decimal(bytes(data).decode())
        return int(number) if number == number.to_integral_value() else float(number)
