"""Which backend a database setting names, and how to print it without its password."""

from __future__ import annotations

import re
from pathlib import Path

SCHEMES = ("postgresql://", "postgres://")


def is_postgres(target: str | Path) -> bool:
    """Return whether a database setting is a PostgreSQL URL (anything else is a SQLite file)."""
    return isinstance(target, str) and target.startswith(SCHEMES)


def redacted(url: str) -> str:
    """Return the URL as the operator wrote it, for messages and logs: its password replaced by ***, and without
    the statement timeout the console adds to it (connection.with_statement_timeout)."""
    url = re.sub(r"^(postgres(?:ql)?://[^:/@]*:)[^@]*@", r"\1***@", url)
    url = re.sub(r"([?&]password=)[^&]*", r"\1***", url)  # libpq takes it as a parameter too
    url = re.sub(r"(%20|\+)?-c(%20|\+)statement_timeout%3D\d+", "", url)  # in options=…, encoded
    return re.sub(r"([?&])options=(&|$)", lambda m: m.group(1) if m.group(2) else "", url).rstrip("?&")
