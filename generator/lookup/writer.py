"""Write the lookup index as a new generation and switch the portal to it in one rename.

A generation is never changed once CURRENT names it. Each keeps, beside the public files, a fingerprint of
every department's entries and the department of every Whoosh document and number-table row. An update
makes entries only for the departments whose fingerprint changed: it hard-links the previous generation's
Whoosh files into a new folder and deletes and adds only those departments' documents there, and merges
their rows into the previous number table. Then it replaces CURRENT. A portal reading the old generation
keeps reading it undisturbed. Private files missing, damaged or of another version mean a full write.
"""

from __future__ import annotations

import hashlib
import io
import json
import mmap
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import index

from generator.atomic import replacing
from generator.lookup.records import Entry, EntrySource, GivenEntries
from generator.problems import JiaozaoError
from portal.format import (
    CURRENT_FILE,
    FORMAT_VERSION,
    GENERATION_PREFIX,
    META_FILE,
    NUMBERS_FILE,
    OFFSETS_FILE,
    RECORDS_FILE,
    number_digest,
    schema,
)  # fmt: skip

WRITER_VERSION = 1  # raise whenever the private files, or what the public files are made of, change
STATE_FILE = "writer.json"  # private: versions, department fingerprints, digests of the private arrays
UIDS_FILE = "uids.npy"  # private: the sorted 64-bit digests of the generation's Whoosh documents
UID_DEPARTMENTS_FILE = "uid-departments.npy"  # private: each uid's department (a place in STATE_FILE's list)
ROW_DEPARTMENTS_FILE = "row-departments.npy"  # private: each number-table row's department, in table order
_ARRAY_FILES = (UIDS_FILE, UID_DEPARTMENTS_FILE, ROW_DEPARTMENTS_FILE)
_OWN_FILES = (META_FILE, STATE_FILE, *_ARRAY_FILES, NUMBERS_FILE, OFFSETS_FILE, RECORDS_FILE)
_TABLE_FILES = (NUMBERS_FILE, OFFSETS_FILE, RECORDS_FILE)
KEEP_GENERATIONS = 3  # the current one and two before it, for portals still reading them
FULL_REBUILD_SHARE = 0.25  # above this share of changed records a fresh index is faster than an update
_PARALLEL_FROM = 50_000  # records from which the index is written by two processes

U64 = npt.NDArray[np.uint64]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
Documents = dict[int, dict[str, str]]


class IndexWriteError(JiaozaoError):
    """The lookup index could not be written; the portal keeps the previous one."""


@dataclass(frozen=True)
class IndexResult:
    """What an index write did, for the build's summary line."""

    folder: Path
    generation: str
    certificates: int
    added: int
    removed: int
    incremental: bool
    seconds: float


@dataclass(frozen=True)
class _Part:
    """One department's share of the index, made from its entries."""

    documents: Documents  # its Whoosh documents by uid
    lines: list[str]  # its distinct number-table lines, "key<TAB>record"


@dataclass(frozen=True)
class _State:
    """What a generation keeps for the next update, beside its public files."""

    departments: list[str]
    fingerprints: list[str]
    uids: U64  # sorted
    uid_departments: I32
    row_departments: I32


@dataclass(frozen=True)
class _Table:
    """A generation's number table as arrays, with its records file mapped."""

    digests: U64
    offsets: I64
    records: mmap.mmap | bytes

    def close(self) -> None:
        if isinstance(self.records, mmap.mmap):
            self.records.close()


@dataclass(frozen=True)
class _Written:
    """What a write put in the new generation."""

    state: _State
    added: int
    removed: int
    incremental: bool


def write_lookup_index(
    folder: Path, entries: Sequence[Entry] | EntrySource, meta: dict[str, Any], *, incremental: bool = True
) -> IndexResult:
    """Write the entries as a new generation and make it current; an update changes only what changed."""
    started = time.perf_counter()
    source: EntrySource = GivenEntries(entries) if isinstance(entries, Sequence) else entries
    fingerprints = source.fingerprints()
    folder.mkdir(parents=True, exist_ok=True)
    previous = _current_generation(folder) if incremental else None
    name = _next_name(folder)
    for leftover in folder.glob(f".{GENERATION_PREFIX}*-tmp"):  # of a build that was killed while writing
        shutil.rmtree(leftover, ignore_errors=True)
    work = folder / f".{name}-tmp"
    try:
        state = _read_state(previous) if previous is not None else None
        written = None
        parts: dict[str, _Part] = {}
        if state is not None and previous is not None:
            written = _write_update(previous, work, state, source, fingerprints, parts)
        if written is None:
            written = _write_full(work, source, fingerprints, parts)
        _save_state(work, written.state)
        meta = {**meta, "generation": name, "certificates": len(source),
                "numbered": len(written.state.row_departments), "searchable": len(written.state.uids)}  # fmt: skip
        (work / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        _verify(work, len(written.state.uids))
        work.rename(folder / name)
    except OSError as error:
        shutil.rmtree(work, ignore_errors=True)
        raise IndexWriteError(f"查询索引写入失败（门户继续使用上一版）：{error}") from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    with replacing(folder / CURRENT_FILE) as temporary:
        temporary.write_text(name + "\n", encoding="utf-8")
    _remove_old(folder, keep=name)
    seconds = time.perf_counter() - started
    return IndexResult(
        folder, name, len(source), written.added, written.removed, written.incremental, seconds
    )


def _make_part(department: str, entries: list[Entry]) -> _Part:
    encoded = [entry.record.encode() for entry in entries]  # the stored form, made once for both structures
    lines = list(
        dict.fromkeys(f"{e.key}\t{stored}" for e, stored in zip(entries, encoded, strict=True) if e.key)
    )
    return _Part(_documents(department, entries, encoded), lines)


def _documents(department: str, entries: Sequence[Entry], encoded: list[str]) -> Documents:
    """Return the Whoosh documents (organisations only) by record digest; identical records are indexed once."""
    documents: Documents = {}
    for (_, holder, _, record), stored in zip(entries, encoded, strict=True):
        if not holder:  # a natural person: found by number only, never by name
            continue
        digest = hashlib.blake2b(f"{department}\x1e{stored}".encode(), digest_size=8).digest()
        uid = int.from_bytes(digest, "big")
        documents[uid] = {
            "uid": f"{uid:016x}", "holder": holder, "item": record.item, "department": department, "record": stored,
        }  # fmt: skip
    return documents


def _write_full(
    work: Path, source: EntrySource, fingerprints: dict[str, str], parts: dict[str, _Part]
) -> _Written:
    """Write every department afresh (parts already made for an update that turned out too big are reused)."""
    shutil.rmtree(work, ignore_errors=True)
    departments = sorted(fingerprints)
    for department in departments:
        if department not in parts:
            parts[department] = _make_part(department, source.entries(department))
    documents: Documents = {}
    for department in departments:
        documents.update(parts[department].documents)
    _create(work, documents)
    uids, uid_departments = _uids_of(departments, parts)
    row_departments = _write_number_table(work, None, np.zeros(0, np.int32), departments, parts)
    state = _State(
        departments, [fingerprints[d] for d in departments], uids, uid_departments, row_departments
    )
    return _Written(state, len(uids), 0, False)


def _write_update(
    previous: Path,
    work: Path,
    old: _State,
    source: EntrySource,
    fingerprints: dict[str, str],
    parts: dict[str, _Part],
) -> _Written | None:
    """Update the previous generation's files for the changed departments; None when a full write is better."""
    before = dict(zip(old.departments, old.fingerprints, strict=True))
    changed = sorted(d for d, f in fingerprints.items() if before.get(d) != f)
    departments = sorted(fingerprints)
    code = {d: n for n, d in enumerate(departments)}
    kept_code = np.array([code[d] if before[d] == fingerprints.get(d) else -1 for d in old.departments],
                         dtype=np.int32)  # fmt: skip
    for department in changed:
        parts[department] = _make_part(department, source.entries(department))
    uid_kept = kept_code[old.uid_departments] >= 0
    new_uids, new_uid_departments = _uids_of(departments, parts, changed)
    added = np.setdiff1d(new_uids, old.uids[~uid_kept], assume_unique=True)
    removed = np.setdiff1d(old.uids[~uid_kept], new_uids, assume_unique=True)
    total = int(uid_kept.sum()) + len(new_uids)
    if len(added) + len(removed) > FULL_REBUILD_SHARE * max(total, 1):
        return None
    table_changed = bool(changed) or bool((kept_code < 0).any())
    table = _read_table(previous) if table_changed else None
    if table_changed and table is None:
        return None
    _update(previous, work, {uid: doc for d in changed for uid, doc in parts[d].documents.items()},
            added.tolist(), removed.tolist())  # fmt: skip
    uids = np.concatenate([old.uids[uid_kept], new_uids])
    uid_departments = np.concatenate([kept_code[old.uid_departments[uid_kept]], new_uid_departments])
    order = np.argsort(uids, kind="stable")
    if table is not None:
        try:
            row_departments = _write_number_table(work, table, kept_code[old.row_departments], departments,
                                                  parts, changed)  # fmt: skip
        finally:
            table.close()
    else:  # no department changed: the previous table serves as it is, copied so each generation owns its own
        _copy(previous, work, _TABLE_FILES)
        row_departments = kept_code[old.row_departments]
    state = _State(departments, [fingerprints[d] for d in departments], uids[order], uid_departments[order],
                   row_departments)  # fmt: skip
    return _Written(state, len(added), len(removed), True)


def _uids_of(
    departments: list[str], parts: dict[str, _Part], only: Sequence[str] | None = None
) -> tuple[U64, I32]:
    """Return the sorted uids of the parts' documents and the department (place in departments) of each."""
    chosen = departments if only is None else only
    uids = np.array([uid for d in chosen for uid in parts[d].documents], dtype=np.uint64)
    places = {d: n for n, d in enumerate(departments)}
    tags = np.array([places[d] for d in chosen for _ in parts[d].documents], dtype=np.int32)
    order = np.argsort(uids, kind="stable")
    return uids[order], tags[order]


def _write_number_table(
    work: Path,
    old: _Table | None,
    old_departments: I32,
    departments: list[str],
    parts: dict[str, _Part],
    only: Sequence[str] | None = None,
) -> I32:
    """Write the number table (every certificate with a number, persons too) in (digest, line) order: the
    previous table's rows whose department is kept (old_departments ≥ 0) and the given parts' lines.
    Return the department of each row."""
    chosen = departments if only is None else only
    places = {d: n for n, d in enumerate(departments)}
    lines = [line.encode() for d in chosen for line in parts[d].lines]
    line_departments = np.array([places[d] for d in chosen for _ in parts[d].lines], dtype=np.int32)
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


def _old_lengths(old: _Table | None, kept: I64) -> I64:
    if old is None:
        return np.zeros(0, np.int64)
    lengths: I64 = old.offsets[kept + 1] - old.offsets[kept]
    return lengths


def _line_reader(old: _Table | None, kept: I64, lines: list[bytes]) -> Callable[[int], bytes]:
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


def _write_records(path: Path, order: I64, old: _Table | None, kept: I64, lines: list[bytes]) -> None:
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


def _create(work: Path, documents: dict[int, dict[str, str]]) -> None:
    work.mkdir()
    ix = index.create_in(str(work), schema())
    parallel = len(documents) >= _PARALLEL_FROM and (os.cpu_count() or 1) > 1
    writer = ix.writer(limitmb=256, procs=2 if parallel else 1, multisegment=parallel)
    try:
        for document in documents.values():
            writer.add_document(**document)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def _update(
    previous: Path, work: Path, documents: dict[int, dict[str, str]], added: list[int], removed: list[int]
) -> None:
    work.mkdir()
    whoosh_files = [f.name for f in previous.iterdir() if f.name not in _OWN_FILES and f.is_file()]
    _link(previous, work, [name for name in whoosh_files if not name.endswith("WRITELOCK")])
    if not added and not removed:  # the previous Whoosh files serve as they are
        return
    ix = index.open_dir(str(work))
    writer = ix.writer(limitmb=128)
    try:
        with writer.searcher() as searcher:  # one searcher for all deletions, not one each
            for uid in removed:
                writer.delete_by_term("uid", f"{uid:016x}", searcher=searcher)
        for uid in added:
            writer.add_document(**documents[uid])
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def _verify(work: Path, expected: int) -> None:
    ix = index.open_dir(str(work))
    with ix.searcher() as searcher:
        if searcher.doc_count() != expected:
            raise IndexWriteError(f"查询索引校验失败：应有 {expected} 条，实有 {searcher.doc_count()} 条")


def _current_generation(folder: Path) -> Path | None:
    """Return the generation CURRENT names (its format is checked with the writer's state), or None."""
    try:
        name = (folder / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        return None
    if not name.startswith(GENERATION_PREFIX) or "/" in name or not (folder / name).is_dir():
        return None
    return folder / name


def _link(previous: Path, work: Path, names: Sequence[str]) -> None:
    """Hard-link files of the previous generation into the new one (never changed in place), else copy them.

    A Whoosh table of contents is copied: a generation must own its files that name what it holds (a damaged
    new generation must leave the previous one readable).
    """
    for name in names:
        if name.endswith(".toc"):
            shutil.copyfile(previous / name, work / name)
            continue
        try:
            os.link(previous / name, work / name)
        except OSError:
            shutil.copy2(previous / name, work / name)


def _copy(previous: Path, work: Path, names: Sequence[str]) -> None:
    for name in names:
        shutil.copyfile(previous / name, work / name)


def _save_state(work: Path, state: _State) -> None:
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


def _read_state(generation: Path) -> _State | None:
    """Return what the generation kept for an update, or None when anything is missing, damaged or foreign."""
    try:
        saved = json.loads((generation / STATE_FILE).read_text(encoding="utf-8"))
        if saved["writer"] != WRITER_VERSION or saved["format"] != FORMAT_VERSION:
            return None
        arrays = [_read_array(generation / name, saved["digests"][name]) for name in _ARRAY_FILES]
        state = _State(list(saved["departments"]), list(saved["fingerprints"]), *arrays)
        table_rows = (generation / NUMBERS_FILE).stat().st_size // 8
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return state if _consistent(state, table_rows) else None


def _read_array(path: Path, digest: str) -> Any:
    data = path.read_bytes()
    if hashlib.blake2b(data, digest_size=16).hexdigest() != digest:
        raise ValueError(f"{path.name} damaged")
    return np.load(io.BytesIO(data), allow_pickle=False)


def _consistent(state: _State, table_rows: int) -> bool:
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


def _read_table(generation: Path) -> _Table | None:
    """Return a generation's number table, or None when its files do not fit together."""
    try:
        digests = np.fromfile(generation / NUMBERS_FILE, dtype="<u8").astype(np.uint64)
        offsets = np.fromfile(generation / OFFSETS_FILE, dtype="<u8").astype(np.int64)
        with (generation / RECORDS_FILE).open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            records = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
    except (OSError, ValueError):
        return None
    table = _Table(digests, offsets, records)
    fits = len(offsets) == len(digests) + 1 and offsets[0] == 0 and offsets[-1] == size
    if not fits or (np.diff(offsets) <= 0).any():
        table.close()
        return None
    return table


def _generation_numbers(folder: Path) -> list[int]:
    numbers = []
    for child in folder.iterdir():
        if child.name.startswith(GENERATION_PREFIX) and child.name[len(GENERATION_PREFIX) :].isdigit():
            numbers.append(int(child.name[len(GENERATION_PREFIX) :]))
    return sorted(numbers)


def _next_name(folder: Path) -> str:
    numbers = _generation_numbers(folder)
    return f"{GENERATION_PREFIX}{(numbers[-1] + 1 if numbers else 1):06d}"


def _remove_old(folder: Path, keep: str) -> None:
    """Remove generations older than the last KEEP_GENERATIONS (a portal may still hold the one before)."""
    numbers = _generation_numbers(folder)
    for number in numbers[:-KEEP_GENERATIONS]:
        name = f"{GENERATION_PREFIX}{number:06d}"
        if name != keep:
            shutil.rmtree(folder / name, ignore_errors=True)
