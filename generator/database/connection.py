"""Open the database a setting names: a SQLite file, or PostgreSQL at a URL, behind one set of calls."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from generator.database.errors import DatabaseError
from generator.database.url import is_postgres, redacted

if TYPE_CHECKING:
    from generator.database.postgres import PgConnection


class Cursor(Protocol):
    """What a statement returns on either backend (sqlite3.Cursor, or postgres.Cursor)."""

    @property
    def rowcount(self) -> int: ...
    @property
    def lastrowid(self) -> int | None: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The calls code may make of a connection on either backend (sqlite3.Connection, or PgConnection)."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Any, /) -> Cursor: ...
    def close(self) -> None: ...


def dialect(db: object) -> str:
    """Return "postgresql" or "sqlite": the backend a connection talks to."""
    return str(getattr(db, "dialect", "sqlite"))


def open_database(target: str | Path, *, check: bool = True) -> Connection:
    """Return a connection to a SQLite file (rows by name, autocommit, WAL) or to PostgreSQL at a URL.

    On PostgreSQL the schema version is checked unless check is False (`jiaozao db upgrade` itself).
    """
    if is_postgres(target):
        return open_postgres(str(target), check=check)
    connection = sqlite3.connect(target, timeout=30, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    return connection


def open_postgres(url: str, *, check: bool = True) -> PgConnection:
    """Return a PgConnection to url; DatabaseError, in Chinese, when the server cannot be reached."""
    import psycopg

    from generator.database import schema
    from generator.database.postgres import PgConnection

    try:
        db = PgConnection(url)
    except psycopg.Error as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DatabaseError(
            f"无法连接数据库 {redacted(url)}：{reason}。请检查 JIAOZAO_DATABASE_URL（主机、端口、用户名、密码、"
            "数据库名）和 PostgreSQL 是否在运行"
        ) from None
    if check:
        try:
            schema.check(db, url)
        except BaseException:
            db.close()
            raise
    return db


def with_statement_timeout(url: str, seconds: float) -> str:
    """Return the URL with every session it opens limited to statements of `seconds` (0: no limit), in libpq's
    options parameter (kept in URL form, so redacted() still hides the password); a limit already there is
    replaced. Applied by the server at connect, to every connection made with it (requests, jobs, the queue)."""
    if not is_postgres(url):
        return url
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    options = " ".join(value for key, value in query if key == "options")
    options = re.sub(r"\s*-c\s*statement_timeout=\S+", "", options).strip()
    options = f"{options} -c statement_timeout={round(seconds * 1000)}".strip()
    query = [(key, value) for key, value in query if key != "options"] + [("options", options)]
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))
