"""Write the lookup index as a new generation and switch the portal to it in one rename.

A generation is never changed once CURRENT names it: an update hard-links the previous generation's
Whoosh files into a new folder, deletes and adds only the organisations' certificates that changed there,
writes the number table afresh (a few seconds for a million), and then replaces CURRENT.
A portal reading the old generation keeps reading it undisturbed.
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
from whoosh import index

from generator.atomic import replacing
from generator.lookup.records import Entry
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

UIDS_FILE = "uids.npy"  # the 64-bit digests of the generation's Whoosh documents, for the next update's diff
_OWN_FILES = (META_FILE, UIDS_FILE, NUMBERS_FILE, OFFSETS_FILE, RECORDS_FILE)
KEEP_GENERATIONS = 3  # the current one and two before it, for portals still reading them
FULL_REBUILD_SHARE = 0.25  # above this share of changed records a fresh index is faster than an update
_PARALLEL_FROM = 50_000  # records from which the index is written by two processes


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


def write_lookup_index(
    folder: Path, entries: Sequence[Entry], meta: dict[str, Any], *, incremental: bool = True
) -> IndexResult:
    """Write the entries as a new generation and make it current; an update changes only what changed."""
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    encoded = [entry.record.encode() for entry in entries]  # the stored form, made once for both structures
    documents = _documents(entries, encoded)
    uids = np.array(sorted(documents), dtype=np.uint64)
    previous = _current_generation(folder)
    name = _next_name(folder)
    for leftover in folder.glob(f".{GENERATION_PREFIX}*-tmp"):  # of a build that was killed while writing
        shutil.rmtree(leftover, ignore_errors=True)
    work = folder / f".{name}-tmp"
    try:
        old_uids = _read_uids(previous) if (incremental and previous is not None) else None
        if old_uids is not None and previous is not None:
            added = np.setdiff1d(uids, old_uids, assume_unique=True)
            removed = np.setdiff1d(old_uids, uids, assume_unique=True)
            changed = len(added) + len(removed)
            if changed > FULL_REBUILD_SHARE * max(len(uids), 1):
                old_uids = None
        if old_uids is not None and previous is not None:
            _update(previous, work, documents, added.tolist(), removed.tolist())
        else:
            added, removed = uids, np.array([], dtype=np.uint64)
            _create(work, documents)
        np.save(work / UIDS_FILE, uids)
        numbered = _write_number_table(work, entries, encoded)
        meta = {**meta, "generation": name, "certificates": len(entries), "numbered": numbered,
                "searchable": len(documents)}  # fmt: skip
        (work / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        _verify(work, len(documents))
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
    return IndexResult(
        folder,
        name,
        len(entries),
        len(added),
        len(removed),
        old_uids is not None,
        time.perf_counter() - started,
    )


def _documents(entries: Sequence[Entry], encoded: list[str]) -> dict[int, dict[str, str]]:
    """Return the Whoosh documents (organisations only) by record digest; identical records are indexed once."""
    documents: dict[int, dict[str, str]] = {}
    for (_, holder, department, record), stored in zip(entries, encoded, strict=True):
        if not holder:  # a natural person: found by number only, never by name
            continue
        digest = hashlib.blake2b(f"{department}\x1e{stored}".encode(), digest_size=8).digest()
        uid = int.from_bytes(digest, "big")
        documents[uid] = {
            "uid": f"{uid:016x}", "holder": holder, "item": record.item, "department": department, "record": stored,
        }  # fmt: skip
    return documents


def _write_number_table(work: Path, entries: Sequence[Entry], encoded: list[str]) -> int:
    """Write the number table (every certificate with a number, persons too); return how many rows it has."""
    lines = sorted(
        {f"{entry.key}\t{stored}" for entry, stored in zip(entries, encoded, strict=True) if entry.key}
    )
    digests = np.fromiter((number_digest(line[: line.index("\t")]) for line in lines), np.uint64, len(lines))
    order = np.argsort(digests, kind="stable")
    blobs = [(lines[i] + "\n").encode() for i in order.tolist()]
    offsets = np.zeros(len(blobs) + 1, dtype="<u8")
    np.cumsum(np.fromiter((len(b) for b in blobs), np.uint64, len(blobs)), out=offsets[1:])
    digests[order].astype("<u8").tofile(work / NUMBERS_FILE)
    offsets.tofile(work / OFFSETS_FILE)
    (work / RECORDS_FILE).write_bytes(b"".join(blobs))
    return len(blobs)


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
    for file in previous.iterdir():
        if file.name in _OWN_FILES or not file.is_file() or file.name.endswith("WRITELOCK"):
            continue
        try:
            os.link(file, work / file.name)
        except OSError:
            shutil.copy2(file, work / file.name)
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
    try:
        name = (folder / CURRENT_FILE).read_text(encoding="utf-8").strip()
        meta = json.loads((folder / name / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not name.startswith(GENERATION_PREFIX) or meta.get("format") != FORMAT_VERSION:
        return None
    return folder / name


def _read_uids(generation: Path) -> np.ndarray[Any, np.dtype[np.uint64]] | None:
    try:
        uids: np.ndarray[Any, np.dtype[np.uint64]] = np.load(generation / UIDS_FILE)
    except (OSError, ValueError):
        return None
    return uids


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
