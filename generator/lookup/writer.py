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
import json
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import index

from generator.atomic import replacing
from generator.lookup.number_table import TABLE_FILES, read_number_table, write_number_table
from generator.lookup.records import Entry, EntrySource, GivenEntries
from generator.lookup.writer_state import STATE_FILES, WriterState, read_state, save_state
from generator.problems import JiaozaoError
from portal.format import (
    CURRENT_FILE,
    GENERATION_PREFIX,
    META_FILE,
    schema,
)  # fmt: skip

_OWN_FILES = (META_FILE, *STATE_FILES, *TABLE_FILES)
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
class _Written:
    """What a write put in the new generation."""

    state: WriterState
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
        state = read_state(previous) if previous is not None else None
        written = None
        parts: dict[str, _Part] = {}
        if state is not None and previous is not None:
            written = _write_update(previous, work, state, source, fingerprints, parts)
        if written is None:
            written = _write_full(work, source, fingerprints, parts)
        save_state(work, written.state)
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
    row_departments = write_number_table(work, None, np.zeros(0, np.int32), departments, _lines(parts))
    state = WriterState(
        departments, [fingerprints[d] for d in departments], uids, uid_departments, row_departments
    )
    return _Written(state, len(uids), 0, False)


def _write_update(
    previous: Path,
    work: Path,
    old: WriterState,
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
    table = read_number_table(previous) if table_changed else None
    if table_changed and table is None:
        return None
    _update(previous, work, {uid: doc for d in changed for uid, doc in parts[d].documents.items()},
            added.tolist(), removed.tolist())  # fmt: skip
    uids = np.concatenate([old.uids[uid_kept], new_uids])
    uid_departments = np.concatenate([kept_code[old.uid_departments[uid_kept]], new_uid_departments])
    order = np.argsort(uids, kind="stable")
    if table is not None:
        try:
            row_departments = write_number_table(work, table, kept_code[old.row_departments], departments,
                                                 _lines(parts), changed)  # fmt: skip
        finally:
            table.close()
    else:  # no department changed: the previous table serves as it is, copied so each generation owns its own
        _copy(previous, work, TABLE_FILES)
        row_departments = kept_code[old.row_departments]
    state = WriterState(departments, [fingerprints[d] for d in departments], uids[order], uid_departments[order],
                   row_departments)  # fmt: skip
    return _Written(state, len(added), len(removed), True)


def _lines(parts: dict[str, _Part]) -> dict[str, list[str]]:
    return {department: part.lines for department, part in parts.items()}


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
