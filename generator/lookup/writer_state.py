"""What each generation of the lookup index keeps for the next update, beside its public files (private).

The department list with each one's fingerprint, the sorted Whoosh document uids with their departments, and
the department of every number-table row. Anything missing, damaged (each array's digest is kept) or written
by another version reads as None: the next write is then a whole one.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from portal.format import FORMAT_VERSION, NUMBERS_FILE

WRITER_VERSION = 1  # raise whenever the private files, or what the public files are made of, change
STATE_FILE = "writer.json"  # versions, department fingerprints, digests of the arrays
UIDS_FILE = "uids.npy"  # the sorted 64-bit digests of the generation's Whoosh documents
UID_DEPARTMENTS_FILE = "uid-departments.npy"  # each uid's department (a place in STATE_FILE's list)
ROW_DEPARTMENTS_FILE = "row-departments.npy"  # each number-table row's department, in table order
ARRAY_FILES = (UIDS_FILE, UID_DEPARTMENTS_FILE, ROW_DEPARTMENTS_FILE)
STATE_FILES = (STATE_FILE, *ARRAY_FILES)
U64 = npt.NDArray[np.uint64]
I32 = npt.NDArray[np.int32]


@dataclass(frozen=True)
class WriterState:
    """What a generation keeps for the next update, beside its public files."""

    departments: list[str]
    fingerprints: list[str]
    uids: U64  # sorted
    uid_departments: I32
    row_departments: I32


def save_state(work: Path, state: WriterState) -> None:
    arrays: dict[str, npt.NDArray[Any]] = {UIDS_FILE: state.uids, UID_DEPARTMENTS_FILE: state.uid_departments,
              ROW_DEPARTMENTS_FILE: state.row_departments}  # fmt: skip
    digests = {}
    for name, array in arrays.items():
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        (work / name).write_bytes(buffer.getvalue())
        digests[name] = hashlib.blake2b(buffer.getvalue(), digest_size=16).hexdigest()
    saved = {"writer": WRITER_VERSION, "format": FORMAT_VERSION, "departments": state.departments,
             "fingerprints": state.fingerprints, "digests": digests}  # fmt: skip
    (work / STATE_FILE).write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")


def read_state(generation: Path) -> WriterState | None:
    """Return what the generation kept for an update, or None when anything is missing, damaged or foreign."""
    try:
        saved = json.loads((generation / STATE_FILE).read_text(encoding="utf-8"))
        if saved["writer"] != WRITER_VERSION or saved["format"] != FORMAT_VERSION:
            return None
        arrays = [_read_array(generation / name, saved["digests"][name]) for name in ARRAY_FILES]
        state = WriterState(list(saved["departments"]), list(saved["fingerprints"]), *arrays)
        table_rows = (generation / NUMBERS_FILE).stat().st_size // 8
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return state if _consistent(state, table_rows) else None


def _read_array(path: Path, digest: str) -> Any:
    data = path.read_bytes()
    if hashlib.blake2b(data, digest_size=16).hexdigest() != digest:
        raise ValueError(f"{path.name} damaged")
    return np.load(io.BytesIO(data), allow_pickle=False)


def _consistent(state: WriterState, table_rows: int) -> bool:
    count = len(state.departments)
    tags = (state.uid_departments, state.row_departments)
    return (
        len(state.fingerprints) == count
        and len(set(state.departments)) == count
        and all(isinstance(d, str) for d in state.departments + state.fingerprints)
        and state.uids.dtype == np.uint64
        and state.uids.shape == state.uid_departments.shape
        and len(state.row_departments) == table_rows
        and all(
            t.dtype == np.int32 and t.ndim == 1 and (not len(t) or (t.min() >= 0 and t.max() < count))
            for t in tags
        )
    )
