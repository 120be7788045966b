"""The lookup index's number table: every certificate with a number, by the digest of its number.

Written whole, or merged: the previous generation's rows of departments that did not change, taken as slices
of its files, and the changed departments' new lines — in the same order a whole write gives.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from portal.format import NUMBERS_FILE, OFFSETS_FILE, RECORDS_FILE, number_digest

TABLE_FILES = (NUMBERS_FILE, OFFSETS_FILE, RECORDS_FILE)
U64 = npt.NDArray[np.uint64]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class NumberTable:
    """A generation's number table as arrays, with its records file mapped."""

    digests: U64
    offsets: I64
    records: mmap.mmap | bytes

    def close(self) -> None:
        if isinstance(self.records, mmap.mmap):
            self.records.close()


def write_number_table(
    work: Path,
    old: NumberTable | None,
    old_departments: I32,
    departments: list[str],
    lines_of: Mapping[str, Sequence[str]],
    only: Sequence[str] | None = None,
) -> I32:
    """Write the number table (every certificate with a number, persons too) in (digest, line) order: the
    previous table's rows whose department is kept (old_departments ≥ 0) and the given parts' lines.
    Return the department of each row."""
    chosen = departments if only is None else only
    places = {d: n for n, d in enumerate(departments)}
    lines = [line.encode() for d in chosen for line in lines_of[d]]
    line_departments = np.array([places[d] for d in chosen for _ in lines_of[d]], dtype=np.int32)
    kept = np.flatnonzero(old_departments >= 0) if old is not None else np.zeros(0, np.int64)
    new_digests = np.fromiter((number_digest(line[: line.index(b"\t")].decode()) for line in lines),
                              np.uint64, len(lines))  # fmt: skip
    old_digests = old.digests[kept] if old is not None else np.zeros(0, np.uint64)
    digests = np.concatenate([old_digests, new_digests])
    order = np.argsort(digests, kind="stable")
    _sort_ties(order, digests, len(kept), _line_reader(old, kept, lines))
    lengths = np.concatenate(
        [_old_lengths(old, kept), np.fromiter(map(len, lines), np.int64, len(lines)) + 1]
    )
    offsets = np.zeros(len(order) + 1, dtype="<u8")
    np.cumsum(lengths[order], out=offsets[1:])
    digests[order].astype("<u8").tofile(work / NUMBERS_FILE)
    offsets.tofile(work / OFFSETS_FILE)
    _write_records(work / RECORDS_FILE, order, old, kept, lines)
    departments_of_rows: I32 = np.concatenate([old_departments[kept], line_departments])[order]
    return departments_of_rows


def _old_lengths(old: NumberTable | None, kept: I64) -> I64:
    if old is None:
        return np.zeros(0, np.int64)
    lengths: I64 = old.offsets[kept + 1] - old.offsets[kept]
    return lengths


def _line_reader(old: NumberTable | None, kept: I64, lines: list[bytes]) -> Callable[[int], bytes]:
    """Return a function giving the line (without newline) of a row of the merged table before sorting."""

    def line(row: int) -> bytes:
        if row >= len(kept):
            return lines[row - len(kept)]
        assert old is not None
        at = int(kept[row])
        return bytes(old.records[int(old.offsets[at]) : int(old.offsets[at + 1]) - 1])

    return line


def _sort_ties(order: I64, digests: U64, fresh_from: int, line: Callable[[int], bytes]) -> None:
    """Order rows of equal digest by their line, as a full sort of (digest, line) would, where a group holds a
    row from fresh_from on (the previous table's rows are already in order among themselves)."""
    ordered = digests[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    sizes = np.diff(np.append(starts, len(ordered)))
    group = np.repeat(np.arange(len(starts)), sizes)
    fresh = np.zeros(len(starts), dtype=np.bool_)
    fresh[group[order >= fresh_from]] = True
    for start, size in zip(
        starts[fresh & (sizes > 1)].tolist(), sizes[fresh & (sizes > 1)].tolist(), strict=True
    ):
        order[start : start + size] = sorted(order[start : start + size].tolist(), key=line)


def _write_records(path: Path, order: I64, old: NumberTable | None, kept: I64, lines: list[bytes]) -> None:
    """Write records.txt in table order: runs of the previous file's rows as slices of it, new lines between."""
    if old is None or not len(kept):
        path.write_bytes(b"".join(lines[i - len(kept)] + b"\n" for i in order.tolist()))
        return
    from_old = order < len(kept)
    source_row = np.where(from_old, kept[np.minimum(order, len(kept) - 1)], -1)
    follows = np.zeros(len(order), dtype=np.bool_)
    follows[1:] = from_old[1:] & from_old[:-1] & (source_row[1:] == source_row[:-1] + 1)
    starts = np.flatnonzero(~follows)
    ends = np.append(starts[1:], len(order))
    view = memoryview(old.records)
    with path.open("wb") as out:
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            row = int(order[start])
            if row < len(kept):
                first, last = int(kept[row]), int(source_row[end - 1])
                out.write(view[int(old.offsets[first]) : int(old.offsets[last + 1])])
            else:
                out.write(lines[row - len(kept)] + b"\n")
    view.release()


def read_number_table(generation: Path) -> NumberTable | None:
    """Return a generation's number table, or None when its files do not fit together."""
    try:
        digests = np.fromfile(generation / NUMBERS_FILE, dtype="<u8").astype(np.uint64)
        offsets = np.fromfile(generation / OFFSETS_FILE, dtype="<u8").astype(np.int64)
        with (generation / RECORDS_FILE).open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            records = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
    except (OSError, ValueError):
        return None
    table = NumberTable(digests, offsets, records)
    fits = len(offsets) == len(digests) + 1 and offsets[0] == 0 and offsets[-1] == size
    if not fits or (np.diff(offsets) <= 0).any():
        table.close()
        return None
    return table
