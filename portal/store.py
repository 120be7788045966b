"""The lookup index as the portal holds it: the current generation, taken up as soon as a build switches.

All reads happen on the event loop thread, between awaits, so swapping the generation is a plain
assignment: a request already holding the old one finishes with it; the next one gets the new one.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.query import And, Or, Query, Term
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from portal.format import (
    CURRENT_FILE,
    FORMAT_VERSION,
    GENERATION_PREFIX,
    META_FILE,
    MIN_QUERY_LENGTH,
    MalformedInput,
    Record,
    bigrams,
    normalize_text,
)  # fmt: skip

log = logging.getLogger("jiaozao.portal")
SEARCH_LIMIT = 20
_SEARCH_CANDIDATES = 400  # postings read per search before giving up on finding more than SEARCH_LIMIT
_CHECK_EVERY = 1.0  # seconds between looks at CURRENT


class IndexUnavailable(Exception):
    """No usable lookup index: none built yet, or the only one there is damaged."""


@dataclass
class Generation:
    """One opened generation of the lookup index with its meta.json."""

    name: str
    searcher: Searcher
    meta: dict[str, Any]
    items_by_department: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path) -> Generation:
        """Open a generation folder; raises IndexUnavailable when it is missing, damaged or of another format."""
        try:
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise IndexUnavailable(f"{folder.name}：无法读取 {META_FILE}（{error}）") from None
        if meta.get("format") != FORMAT_VERSION:
            raise IndexUnavailable(f"{folder.name}：索引格式 {meta.get('format')} 与本程序不符")
        searcher, problem = _open_searcher(folder)
        if searcher is None:
            raise IndexUnavailable(f"{folder.name}：{problem}")
        if searcher.doc_count() != meta.get("certificates"):
            searcher.close()
            raise IndexUnavailable(f"{folder.name}：记录数与 meta.json 不符")
        by_department: dict[str, list[str]] = {}
        for item_id, item in meta["items"].items():
            by_department.setdefault(item["department"], []).append(item_id)
        return cls(folder.name, searcher, meta, by_department)

    def close(self) -> None:
        self.searcher.close()

    def lookup(self, key: str) -> list[Record]:
        """Return every certificate whose normalised number is key, latest expiry first."""
        try:
            docnums = list(self.searcher.postings("number", key).all_ids())
        except TermNotFound:
            return []
        found = [Record.decode(self.searcher.stored_fields(n)["record"]) for n in docnums]
        return sorted(found, key=lambda r: (-r.expires, r.item))

    def search(self, text: str, department: str | None = None) -> tuple[list[Record], bool]:
        """Return organisations' certificates whose holder or certificate name contains text, and whether more exist.

        Holders are indexed as character bigrams; every candidate is then checked for the whole text,
        so a holder is found exactly when it contains the query.
        """
        wanted = normalize_text(text)
        if len(wanted) < MIN_QUERY_LENGTH:
            raise MalformedInput(f"请至少输入 {MIN_QUERY_LENGTH} 个字")
        items = self.meta["items"]
        named = [i for i, item in items.items() if wanted in normalize_text(item["certificate"])]
        parts: list[Query] = [And([Term("holder", g) for g in bigrams(wanted)])]
        if named:
            parts.append(Or([Term("item", i) for i in named]))
        query: Query = And([Or(parts), Term("organisation", "1")])
        if department is not None:
            query = And([query, Term("department", department)])
        named_set = set(named)
        found: list[Record] = []
        for count, docnum in enumerate(self.searcher.docs_for_query(query)):
            if count >= _SEARCH_CANDIDATES or len(found) > SEARCH_LIMIT:
                break
            record = Record.decode(self.searcher.stored_fields(docnum)["record"])
            if record.item in named_set or wanted in normalize_text(record.holder):
                found.append(record)
        found.sort(
            key=lambda r: (not normalize_text(r.holder).startswith(wanted), r.holder, r.expires, r.number)
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
        except OSError:
            self.problem = f"找不到查询索引（{pointer}）：请先运行 jiaozao build"
            return
        if seen == self._seen and not force:
            return
        self._seen = seen
        try:
            name = pointer.read_text(encoding="utf-8").strip()
            if not name.startswith(GENERATION_PREFIX) or "/" in name:
                raise IndexUnavailable(f"CURRENT 内容无效：{name[:40]!r}")
            if self._generation is not None and self._generation.name == name:
                return
            fresh = Generation.open(self.folder / name)
        except (OSError, IndexUnavailable) as error:
            self.problem = f"查询索引不可用：{error}"
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
