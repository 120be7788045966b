"""Which backend a database setting names, and how to print it without its password."""

from __future__ import annotations

import re
from pathlib import Path

SCHEMES = ("postgresql://", "postgres://")


def is_postgres(target: str | Path) -> bool:
    """Return whether a database setting is a PostgreSQL URL (anything else is a SQLite file)."""
    return isinstance(target, str) and target.startswith(SCHEMES)


def redacted(url: str) -> str:
    """Return the URL with its password replaced by ***, for messages and logs."""
    return re.sub(r"^(postgres(?:ql)?://[^:/@]*:)[^@]*@", r"\1***@", url)
