"""What the portal may know of each certificate: public facts and schedule dates, persons masked."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import date
from typing import Any, NamedTuple

from generator.catalog.model import CatalogItem, Catalogs, Department
from generator.ledger.model import Ledger
from generator.schedule import Schedule
from generator.site.model import SiteConfig
from generator.site.pages import guide_name
from generator.site.public import public_holder, public_number
from portal.format import FORMAT_VERSION, IndexRecord, clean_field, normalize_number, normalize_text
from portal.rules import site_layout as layout

_NO_KEY = ""  # certificates without a number can be searched for but not looked up


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
    ids = item_ids(catalogs)
    departments = [item.department for item in catalogs.items]
    items, persons, applied = ledger.item.tolist(), ledger.person.tolist(), ledger.applied.tolist()
    expires, first, second = ledger.expires.tolist(), schedule.first.tolist(), schedule.second.tolist()
    deadline = schedule.deadline.tolist()
    estimated = (schedule.first_estimated | schedule.second_estimated).tolist()
    found = []
    for i, (number, holder) in enumerate(zip(ledger.number, ledger.holder, strict=True)):
        person = persons[i]
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
        found.append(Entry(key, "" if person else normalize_text(holder), departments[items[i]], record))
    return found


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
