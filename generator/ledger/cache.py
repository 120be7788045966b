"""A per-file cache of parsed 台账: an unchanged million-row ledger loads in under a second instead of ~20.

An entry is keyed by the file (path, size, modification time), how it is shown in messages, and its department's
目录 rows (which decide what each row's certificate is). It holds personal data, so it lives in a private folder
(0700, files 0600) outside the published site: $JIAOZAO_CACHE, else ~/.cache/jiaozao; JIAOZAO_CACHE=off disables it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.catalog.model import Department
from generator.ledger.model import LedgerColumns
from generator.problems import Problem

CACHE_VERSION = 2  # bump whenever parsing or LedgerColumns changes


@dataclass
class FilePart:
    """One ledger file as parsed: its good rows (item indices local to the department) and its problems."""

    columns: LedgerColumns
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    rejected: int = 0
    sources: list[str] = field(default_factory=list)  # how each sheet read is shown (columns.file indexes it)


def file_key(file: Path, shown: str, department: Department) -> str:
    """Return the cache key of a ledger file as read for a department."""
    stat = file.stat()
    items = [(i.seq, i.certificate, i.matter) for i in department.items]
    where = hashlib.sha256(str(file.resolve()).encode("utf-8")).hexdigest()[:16]
    identity = (CACHE_VERSION, stat.st_size, stat.st_mtime_ns, shown, department.slug, items)
    return f"{where}-{hashlib.sha256(repr(identity).encode('utf-8')).hexdigest()[:32]}"


def load_part(key: str, folder: Path | None) -> FilePart | None:
    """Return the cached part, or None when there is none or it cannot be read (then the file is parsed again)."""
    if folder is None:
        return None
    try:
        part = pickle.loads((folder / f"{key}.pickle").read_bytes())
    except Exception:  # missing, truncated or from another version: parse the file again
        return None
    return part if isinstance(part, FilePart) else None


def store_part(key: str, part: FilePart, folder: Path | None) -> None:
    """Keep a parsed part for next time; a cache that cannot be written is simply not used."""
    if folder is None:
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".part-", dir=folder)  # 0600: the rows hold personal data
        with os.fdopen(handle, "wb") as out:
            pickle.dump(part, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(name, folder / f"{key}.pickle")
        for stale in folder.glob(f"{key.split('-')[0]}-*.pickle"):  # older versions of the same file
            if stale.stem != key:
                stale.unlink(missing_ok=True)
    except OSError:
        return
