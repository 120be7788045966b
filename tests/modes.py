"""File modes after a real run: what the tests of private files (personal data) share."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def loose_umask() -> Iterator[None]:
    """Run with umask 000, as a careless server might: private modes must not come from the umask."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def not_private(folder: Path) -> list[str]:
    """Return what under folder (itself included) is not 0700 (folders) or 0600 (files), with its mode."""
    found = [] if mode(folder) == 0o700 else [f"{folder} {oct(mode(folder))}"]
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            continue
        wanted = 0o700 if path.is_dir() else 0o600
        if mode(path) != wanted:
            found.append(f"{path} {oct(mode(path))}")
    return found


def database_files(path: Path) -> list[Path]:
    """Return an SQLite database file and the -wal, -shm and -journal files it has beside it."""
    return [p for p in (path, *(Path(f"{path}{s}") for s in ("-wal", "-shm", "-journal"))) if p.exists()]
