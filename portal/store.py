"""The lookup index as the portal holds it: the current generation, taken up as soon as a build switches.

All reads happen on the event loop thread, between awaits, so swapping the generation is a plain
assignment: a request already holding the old one finishes with it; the next one gets the new one.
"""

from __future__ import annotations

import gc
import json
import logging
import mmap
import os
import sys
import time
import warnings
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.query import And, Or, Query, Term
from whoosh.searching import Searcher

from portal.certificate import ItemView
from portal.format import (
    CURRENT_FILE,
    FORMAT_VERSION,
    GENERATION_PREFIX,
    META_FILE,
    MIN_QUERY_LENGTH,
    NUMBERS_FILE,
    OFFSETS_FILE,
    RECORDS_FILE,
    IndexRecord,
    MalformedInput,
    bigrams,
    number_digest,
)
from portal.rules.text import normalize_name

log = logging.getLogger("jiaozao.portal")
SEARCH_LIMIT = 20
_SEARCH_CANDIDATES = 400  # postings read per search before giving up on finding more than SEARCH_LIMIT
_CHECK_EVERY = 1.0  # seconds between looks at CURRENT


class IndexUnavailable(Exception):
    """No usable lookup index: none built yet, or the only one there is damaged. Its message is public."""


def _unavailable(public: str, detail: object) -> IndexUnavailable:
    """Return the error to raise, with a message fit for /healthz; the detail (paths and all) goes to the log."""
    log.error("%s: %s", public, detail)
    return IndexUnavailable(public)


class NumberTable:
    """The exact-lookup table of a generation: sorted key digests, record offsets, and the records mapped."""

    def __init__(self, folder: Path) -> None:
        self.digests, self.offsets = array("Q"), array("Q")
        self.digests.frombytes((folder / NUMBERS_FILE).read_bytes())
        self.offsets.frombytes((folder / OFFSETS_FILE).read_bytes())
        with open(folder / RECORDS_FILE, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            self.records = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        if sys.byteorder != "little":
            self.digests.byteswap()
            self.offsets.byteswap()
        if len(self.offsets) != len(self.digests) + 1 or (self.offsets and self.offsets[-1] != size):
            raise IndexUnavailable(f"{folder.name}：号码表不完整")

    def __len__(self) -> int:
        return len(self.digests)

    def find(self, key: str) -> list[IndexRecord]:
        """Return the records filed under key (several when departments share a number)."""
        digest, found = number_digest(key), []
        position = bisect_left(self.digests, digest)
        prefix = key.encode() + b"\t"
        while position < len(self.digests) and self.digests[position] == digest:
            line = self.records[self.offsets[position] : self.offsets[position + 1] - 1]
            if line.startswith(prefix):  # guard against a 64-bit collision of two different keys
                found.append(IndexRecord.decode(line[len(prefix) :].decode()))
            position += 1
        return found

    def close(self) -> None:
        if isinstance(self.records, mmap.mmap):
            self.records.close()


@dataclass
class Generation:
    """One opened generation of the lookup index with its meta.json."""

    name: str
    searcher: Searcher
    numbers: NumberTable
    meta: dict[str, Any]
    items: dict[str, ItemView]  # what each catalogue item's certificates share, built once

    @classmethod
    def open(cls, folder: Path) -> Generation:
        """Open a generation folder; raises IndexUnavailable when it is missing, damaged or of another format."""
        try:
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise _unavailable(f"{folder.name}：无法读取 {META_FILE}", error) from None
        if meta.get("format") != FORMAT_VERSION:
            raise IndexUnavailable(f"{folder.name}：索引格式 {meta.get('format')} 与本程序不符")
        try:
            numbers = NumberTable(folder)
        except (OSError, ValueError) as error:
            raise _unavailable(f"{folder.name}：无法读取号码表", error) from None
        searcher, problem = _open_searcher(folder)
        if searcher is None:
            numbers.close()
            raise _unavailable(f"{folder.name}：全文索引无法打开", problem)
        if searcher.doc_count() != meta.get("searchable") or len(numbers) != meta.get("numbered"):
            searcher.close()
            numbers.close()
            raise IndexUnavailable(f"{folder.name}：记录数与 meta.json 不符")
        return cls(folder.name, searcher, numbers, meta, ItemView.all_of(meta))

    def close(self) -> None:
        self.searcher.close()
        self.numbers.close()

    def lookup(self, key: str) -> list[IndexRecord]:
        """Return every certificate whose normalised number is key, latest expiry first."""
        found = self.numbers.find(key)
        if len(found) > 1:  # a renewed certificate may still be in an older ledger: the newest per department
            found.sort(key=lambda r: (-r.expires, r.item))
            newest: dict[str, IndexRecord] = {}
            for record in found:
                newest.setdefault(self.items[record.item].department_code, record)
            found = list(newest.values())
        return found

    def search(self, text: str, department: str | None = None) -> tuple[list[IndexRecord], bool]:
        """Return organisations' certificates whose holder or certificate name contains text, and whether more exist.

        Holders are indexed as character bigrams; every candidate is then checked for the whole text,
        so a holder is found exactly when it contains the query.
        """
        wanted = normalize_name(text)
        if len(wanted) < MIN_QUERY_LENGTH:
            raise MalformedInput(f"请至少输入 {MIN_QUERY_LENGTH} 个字")
        items = self.meta["items"]
        named = [i for i, item in items.items() if wanted in normalize_name(item["certificate"])]
        parts: list[Query] = [And([Term("holder", g) for g in bigrams(wanted)])]
        if named:
            parts.append(Or([Term("item", i) for i in named]))
        query: Query = Or(parts)
        if department is not None:
            query = And([query, Term("department", department)])
        named_set = set(named)
        found: list[IndexRecord] = []
        for count, docnum in enumerate(self.searcher.docs_for_query(query)):
            if count >= _SEARCH_CANDIDATES or len(found) > SEARCH_LIMIT:
                break
            record = IndexRecord.decode(self.searcher.stored_fields(docnum)["record"])
            if record.item in named_set or wanted in normalize_name(record.holder):
                found.append(record)
        found.sort(
            key=lambda r: (not normalize_name(r.holder).startswith(wanted), r.holder, r.expires, r.number)
        )
        return found[:SEARCH_LIMIT], len(found) > SEARCH_LIMIT


def _open_searcher(folder: Path) -> tuple[Searcher | None, str]:
    """Return a searcher over a Whoosh index folder, or None and why it cannot be opened."""
    with warnings.catch_warnings():
        # Whoosh leaves the damaged file open when it fails; it is closed (quietly) when the error is dropped.
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            return index.open_dir(str(folder)).searcher(), ""
        except Exception as error:  # Whoosh raises many kinds on damaged files
            problem = f"{type(error).__name__}: {error}"
        gc.collect()
    return None, problem


class IndexStore:
    """Holds the current generation of a portal data folder and follows CURRENT as builds replace it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._generation: Generation | None = None
        self._seen: tuple[int, int] | None = None  # CURRENT's (inode, mtime) when last read
        self._checked = 0.0
        self.problem: str | None = None  # why the newest index could not be used, for /healthz
        self.refresh(force=True)

    def current(self) -> Generation:
        """Return the generation to answer from; raises IndexUnavailable when there is none."""
        now = time.monotonic()
        if now - self._checked >= _CHECK_EVERY:
            self.refresh()
        if self._generation is None:
            raise IndexUnavailable(self.problem or "尚未生成查询索引")
        return self._generation

    def refresh(self, force: bool = False) -> None:
        """Take up the generation CURRENT names if it changed; keep the old one if the new one is unusable."""
        self._checked = time.monotonic()
        pointer = self.folder / CURRENT_FILE
        try:
            stat = os.stat(pointer)
            seen = (stat.st_ino, stat.st_mtime_ns)
        except OSError as error:
            self.problem = "找不到查询索引：请先运行 jiaozao build"  # public (/healthz): never a server path
            log.error("lookup index missing: %s", error)
            return
        if seen == self._seen and not force:
            return
        self._seen = seen
        try:
            name = pointer.read_text(encoding="utf-8").strip()
            if not name.startswith(GENERATION_PREFIX) or "/" in name:
                raise _unavailable("CURRENT 内容无效", repr(name[:200]))
            if self._generation is not None and self._generation.name == name:
                return
            fresh = Generation.open(self.folder / name)
        except (OSError, IndexUnavailable) as error:
            shown = error if isinstance(error, IndexUnavailable) else f"无法读取 {CURRENT_FILE}"
            self.problem = (
                f"查询索引不可用：{shown}"  # public (/healthz): the details, with paths, go to the log
            )
            log.error("lookup index unusable: %s", error)
            if self._generation is None:
                self._generation = self._newest_good_older()
            return
        old, self._generation, self.problem = self._generation, fresh, None
        log.info("lookup index %s taken up (%s certificates)", fresh.name, fresh.meta.get("certificates"))
        if old is not None:
            old.close()

    def _newest_good_older(self) -> Generation | None:
        """Return the newest generation on disk that opens (after a damaged build, at start-up)."""
        names = sorted(
            (p.name for p in self.folder.glob(f"{GENERATION_PREFIX}*") if p.is_dir()), reverse=True
        )
        for name in names:
            try:
                generation = Generation.open(self.folder / name)
            except IndexUnavailable:
                continue
            log.warning("serving the older lookup index %s", name)
            return generation
        return None

    @property
    def healthy(self) -> bool:
        return self._generation is not None and self.problem is None
