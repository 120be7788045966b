"""What can go wrong opening the shared database, said for the person who runs the server."""

from __future__ import annotations

from generator.problems import JiaozaoError


class DatabaseError(JiaozaoError):
    """The database cannot be used as configured; the message says what to do, in Chinese."""


class SchemaMismatch(DatabaseError):
    """The database's schema version is not the one this program was written for."""
