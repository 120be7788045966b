"""One database API over both backends: SQLite files (the embedded default) and one PostgreSQL database.

`open_database(target)` takes a SQLite file path or a `postgresql://…` URL (JIAOZAO_DATABASE_URL) and returns a
connection that answers the calls the code makes of `sqlite3.Connection`: `execute` with `?` or `:name`
parameters, rows read by position or column name, `BEGIN IMMEDIATE … COMMIT`. Code written for SQLite moves
over one module at a time: its SQL is translated (generator/database/sql.py), not rewritten.
"""

from __future__ import annotations

from generator.database.connection import Connection, Cursor, dialect, open_database
from generator.database.errors import DatabaseError, SchemaMismatch
from generator.database.url import is_postgres, redacted

__all__ = [
    "Connection",
    "Cursor",
    "DatabaseError",
    "SchemaMismatch",
    "dialect",
    "is_postgres",
    "open_database",
    "redacted",
]
