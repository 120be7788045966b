"""What the portal may know of each certificate: public facts and schedule dates, persons masked."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import date
from functools import cached_property
from typing import Any, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

from generator.catalog.model import CatalogItem, Catalogs, Department
from generator.ledger.model import Ledger
from generator.schedule import Schedule
from generator.site.model import SiteConfig
from generator.site.pages import guide_name
from generator.site.public import public_holder, public_number
from portal.format import FORMAT_VERSION, IndexRecord, clean_field, normalize_number
from portal.rules import site_layout as layout
from portal.rules.text import normalize_name

_NO_KEY = ""  # certificates without a number can be searched for but not looked up
RECORDS_VERSION = 1  # raise whenever an entry is made differently from the same ledger, schedule and 目录
_SEPARATOR = "\x00"


class Entry(NamedTuple):
    """One certificate for the index: its lookup key, searchable holder ('' for a person), department, record."""

    key: str
    holder: str
    department: str
    record: IndexRecord


def item_id(item: CatalogItem) -> str:
    """Return a catalogue item's stable id: unchanged when other rows or departments are edited."""
    key = "\x1f".join((item.department, item.certificate, item.matter, item.seq))
    return hashlib.blake2b(key.encode(), digest_size=6).hexdigest()


def item_ids(catalogs: Catalogs) -> list[str]:
    """Return the ids of catalogs.items, made unique where two rows are alike in every key."""
    seen: dict[str, int] = {}
    ids = []
    for item in catalogs.items:
        base = item_id(item)
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def certificate_entries(ledger: Ledger, schedule: Schedule, catalogs: Catalogs) -> list[Entry]:
    """Return an index entry for every scheduled certificate, in ledger order."""
    return _entries_at(ledger, schedule, catalogs, item_ids(catalogs), range(len(ledger)))


def _entries_at(
    ledger: Ledger,
    schedule: Schedule,
    catalogs: Catalogs,
    ids: list[str],
    rows: Sequence[int] | npt.NDArray[np.int64],
) -> list[Entry]:
    """Return the index entries of the given ledger rows, in that order."""
    at = np.asarray(rows, dtype=np.int64)
    departments = [item.department for item in catalogs.items]
    items, persons, applied = (
        ledger.item[at].tolist(),
        ledger.person[at].tolist(),
        ledger.applied[at].tolist(),
    )
    expires, first, second = (
        ledger.expires[at].tolist(),
        schedule.first[at].tolist(),
        schedule.second[at].tolist(),
    )
    deadline = schedule.deadline[at].tolist()
    estimated = (schedule.first_estimated[at] | schedule.second_estimated[at]).tolist()
    found = []
    for i, row in enumerate(at.tolist()):
        number, holder, person = ledger.number[row], ledger.holder[row], persons[i]
        try:
            key = normalize_number(number) if number else _NO_KEY
        except ValueError:
            key = _NO_KEY
        record = IndexRecord(
            number=clean_field(public_number(number, person)),
            holder=clean_field(public_holder(holder, person)),
            person=person,
            item=ids[items[i]],
            expires=expires[i],
            first=first[i],
            second=second[i],
            deadline=deadline[i],
            estimated=estimated[i],
            applied=applied[i],
        )
        found.append(Entry(key, "" if person else normalize_name(holder), departments[items[i]], record))
    return found


class EntrySource(Protocol):
    """The index entries grouped by department: a fingerprint of each group, its entries only when asked for."""

    def __len__(self) -> int:
        """Return how many certificates there are in all departments."""
        ...

    def fingerprints(self) -> dict[str, str]:
        """Return each department's fingerprint: equal fingerprints mean equal entries."""
        ...

    def entries(self, department: str) -> list[Entry]:
        """Return the entries of one department."""
        ...


class LedgerEntries:
    """The entries of a ledger and its schedule, fingerprinted from the columns without making the entries."""

    def __init__(self, ledger: Ledger, schedule: Schedule, catalogs: Catalogs) -> None:
        self._ledger, self._schedule, self._catalogs = ledger, schedule, catalogs
        self._ids = item_ids(catalogs)
        self._rows = _rows_by_department(ledger, catalogs)

    def __len__(self) -> int:
        return len(self._ledger)

    def fingerprints(self) -> dict[str, str]:
        return dict(self._fingerprints)

    def entries(self, department: str) -> list[Entry]:
        return _entries_at(self._ledger, self._schedule, self._catalogs, self._ids, self._rows[department])

    @cached_property
    def _fingerprints(self) -> dict[str, str]:
        items = self._catalogs.items
        local = np.zeros(len(items), dtype=np.int64)  # an item's place in its own department's 目录
        own: dict[str, list[str]] = {slug: [] for slug in self._rows}
        for n, item in enumerate(items):
            local[n] = len(own[item.department])
            own[item.department].append(self._ids[n])
        return {
            slug: self._fingerprint(slug, rows, own[slug], local[self._ledger.item[rows]])
            for slug, rows in self._rows.items()
        }

    def _fingerprint(
        self, slug: str, rows: npt.NDArray[np.int64], ids: list[str], local_items: npt.NDArray[np.int64]
    ) -> str:
        """Hash everything the department's entries are made of: its item ids and its rows' fields."""
        ledger, schedule = self._ledger, self._schedule
        digest = hashlib.blake2b(digest_size=16)
        digest.update(f"{RECORDS_VERSION}/{FORMAT_VERSION}/{slug}/{len(rows)}".encode())
        _hash_texts(digest, ids)
        at = _as_slice(rows)  # a department's rows are usually one stretch of the ledger: views, no copies
        estimated = schedule.first_estimated[at] | schedule.second_estimated[at]
        columns = (ledger.person[at], ledger.expires[at], ledger.applied[at], schedule.first[at],
                   schedule.second[at], schedule.deadline[at], estimated, local_items)  # fmt: skip
        for column in columns:
            digest.update(column.dtype.str.encode())
            digest.update(np.ascontiguousarray(column).data)
        if isinstance(at, slice):
            numbers, holders = ledger.number[at], ledger.holder[at]
        else:
            picked = rows.tolist()
            numbers, holders = [ledger.number[i] for i in picked], [ledger.holder[i] for i in picked]
        _hash_texts(digest, numbers)
        _hash_texts(digest, holders)
        return digest.hexdigest()


def _as_slice(rows: npt.NDArray[np.int64]) -> slice | npt.NDArray[np.int64]:
    """Return ascending rows as a slice when they are one unbroken stretch."""
    if not len(rows):
        return slice(0, 0)
    first, last = int(rows[0]), int(rows[-1])
    return slice(first, last + 1) if last - first + 1 == len(rows) else rows


def _rows_by_department(ledger: Ledger, catalogs: Catalogs) -> dict[str, npt.NDArray[np.int64]]:
    """Return the ledger rows of each department with a 目录, each in ledger order."""
    slugs = list(dict.fromkeys(item.department for item in catalogs.items))
    code = {slug: n for n, slug in enumerate(slugs)}
    item_department = np.array([code[item.department] for item in catalogs.items], dtype=np.int64)
    row_department = item_department[ledger.item] if len(ledger) else np.zeros(0, dtype=np.int64)
    in_order = bool(
        (row_department[1:] >= row_department[:-1]).all()
    )  # ledgers are read department by department
    order = np.arange(len(row_department)) if in_order else np.argsort(row_department, kind="stable")
    bounds = np.searchsorted(row_department[order], np.arange(len(slugs) + 1)).tolist()
    return {slug: order[bounds[n] : bounds[n + 1]] for n, slug in enumerate(slugs)}


def _hash_texts(digest: Any, texts: list[str]) -> None:
    """Add a list of texts to a hash so that no other list gives the same bytes."""
    joined = _SEPARATOR.join(texts)
    digest.update(f"/{len(texts)}/".encode())
    digest.update(joined.encode("utf-8", "surrogatepass"))
    if joined.count(_SEPARATOR) != max(len(texts) - 1, 0):  # a text holds the separator: lengths tell apart
        digest.update(np.fromiter(map(len, texts), np.int64, len(texts)).tobytes())


class GivenEntries:
    """Entries already made (tests, benchmarks), fingerprinted from their stored form."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._count = 0
        self._groups: dict[str, list[Entry]] = {}
        for entry in entries:
            self._groups.setdefault(entry.department, []).append(entry)
            self._count += 1

    def __len__(self) -> int:
        return self._count

    def fingerprints(self) -> dict[str, str]:
        return {slug: _entries_fingerprint(slug, group) for slug, group in self._groups.items()}

    def entries(self, department: str) -> list[Entry]:
        return list(self._groups.get(department, []))


def _entries_fingerprint(slug: str, entries: list[Entry]) -> str:
    digest = hashlib.blake2b(f"{RECORDS_VERSION}/{FORMAT_VERSION}/{slug}".encode(), digest_size=16)
    _hash_texts(digest, [f"{e.key}\x1f{e.holder}\x1f{e.record.encode()}" for e in entries])
    return digest.hexdigest()


def index_meta(catalogs: Catalogs, site: SiteConfig, today: date, certificates: int) -> dict[str, Any]:
    """Return meta.json: what the portal shows beside a record (departments, renewal guides, site footer)."""
    ids = item_ids(catalogs)
    return {
        "format": FORMAT_VERSION,
        "built_on": today.isoformat(),
        "certificates": certificates,
        "site": asdict(site),
        "departments": {d.slug: _department(d) for d in catalogs.departments},
        "items": {
            ids[n]: _item(item, catalogs.department(item.department)) for n, item in enumerate(catalogs.items)
        },
    }


def _department(d: Department) -> dict[str, Any]:
    return {
        "name": d.name, "full_name": d.full_name, "address": d.address, "phone": d.phone, "hours": d.hours,
        "website": d.website, "online_url": d.online_url,
    }  # fmt: skip


def _item(item: CatalogItem, department: Department) -> dict[str, Any]:
    guide = item.guide
    return {
        "department": item.department,
        "certificate": item.certificate,
        "matter": item.matter,
        "office": item.office,
        "materials": list(guide.materials),
        "deadline_rule": guide.deadline.text if guide.deadline else "",
        "deadline_plain": guide.deadline.plain() if guide.deadline else "",
        "basis": guide.basis,
        "place": department.place_for(guide),
        "online_url": department.online_for(guide),
        "consequence": guide.consequence,
        "guide_page": layout.published(layout.guide_page(department.slug, guide_name(item, department))),
    }
