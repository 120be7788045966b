"""The database as the front doors open it: a SQLite file or one PostgreSQL database (generator/database/), and
the private file mode a SQLite database holding personal data is kept under."""

from __future__ import annotations

from generator.atomic import private_database
from generator.database import (
    Connection,
    Cursor,
    DatabaseError,
    SchemaMismatch,
    dialect,
    is_postgres,
    open_database,
    redacted,
)
from generator.database.connection import open_postgres, with_statement_timeout
from generator.database.pool import PgPool
from generator.database.postgres import PgConnection
from generator.reminders.store import stamp as registry_stamp

__all__ = [
    "Connection",
    "Cursor",
    "DatabaseError",
    "PgConnection",
    "PgPool",
    "SchemaMismatch",
    "dialect",
    "is_postgres",
    "open_database",
    "open_postgres",
    "private_database",
    "redacted",
    "registry_stamp",
    "with_statement_timeout",
]
