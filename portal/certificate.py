"""A certificate as the public sees it on a given day: status and days left are computed per request."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from portal.format import IndexRecord
from portal.rules.status import LABELS, deadline_passed, status_code

ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _day(ordinal: int) -> date | None:
    return date.fromordinal(ordinal) if ordinal else None


def _iso(ordinal: int) -> str | None:
    return date.fromordinal(ordinal).isoformat() if ordinal else None


@dataclass(frozen=True)
class ItemView:
    """What every certificate of one catalogue item shares: its name, department and renewal guide.

    Built once per index generation, so a lookup only adds the certificate's own dates.
    """

    certificate: str
    matter: str
    department: str
    department_code: str
    materials: tuple[str, ...]
    deadline_rule: str  # e.g. 有效期届满30日前
    basis: str
    address: str
    phone: str
    hours: str
    online_url: str
    consequence: str
    guide_url: str

    @classmethod
    def all_of(cls, meta: dict[str, Any]) -> dict[str, ItemView]:
        """Return the view of every item of a generation's meta.json, by item id."""
        base = meta["site"].get("base_url", "/")
        views = {}
        for item_id, item in meta["items"].items():
            department = meta["departments"][item["department"]]
            views[item_id] = cls(
                certificate=item["certificate"],
                matter=item["matter"],
                department=department["name"],
                department_code=item["department"],
                materials=tuple(item["materials"]),
                deadline_rule=item["deadline_rule"],
                basis=item["basis"],
                address=item["place"],  # the build wrote the renewal place with its fallback applied
                phone=department["phone"],
                hours=department["hours"],
                online_url=item["online_url"],
                consequence=item["consequence"],
                guide_url=base + item["guide_page"],
            )
        return views

    @cached_property
    def shared_json(self) -> dict[str, Any]:
        """The item's fields of every API answer about one of its certificates."""
        return {
            "certificate": self.certificate,
            "department": self.department,
            "department_code": self.department_code,
        }

    @cached_property
    def json_fragment(self) -> str:
        """The item's part of the API response, serialised once: most of the bytes of every answer."""
        return ENCODE(self.shared_json)[1:-1] + ',"renewal":{' + ENCODE(self.renewal_json)[1:-1]

    @cached_property
    def renewal_json(self) -> dict[str, Any]:
        """The renewal facts of the API response, but for the certificate's own deadline."""
        return {
            "materials": list(self.materials), "deadline_rule": self.deadline_rule, "address": self.address,
            "phone": self.phone, "hours": self.hours, "online_url": self.online_url, "guide_url": self.guide_url,
        }  # fmt: skip


@dataclass(frozen=True)
class Renewal:
    """办事指南 facts for renewing one certificate (the item's guide with this certificate's deadline)."""

    materials: tuple[str, ...]
    deadline: date | None  # the statutory last day to apply (by this certificate's expiry)
    deadline_rule: str
    basis: str
    address: str
    phone: str
    hours: str
    online_url: str
    consequence: str
    guide_url: str


@dataclass(frozen=True)
class CertificateView:
    """One certificate on one day, with everything the lookup page and API show."""

    record: IndexRecord
    item: ItemView
    today: int  # date ordinal of the day asked about

    @classmethod
    def of(cls, record: IndexRecord, items: dict[str, ItemView], today: date) -> CertificateView:
        return cls(record, items[record.item], today.toordinal())

    number = property(lambda self: self.record.number)
    holder = property(lambda self: self.record.holder)
    person = property(lambda self: self.record.person)
    estimated = property(lambda self: self.record.estimated)
    applied = property(lambda self: self.record.applied)
    certificate = property(lambda self: self.item.certificate)
    matter = property(lambda self: self.item.matter)
    department = property(lambda self: self.item.department)
    department_code = property(lambda self: self.item.department_code)

    @property
    def days_left(self) -> int:
        return self.record.expires - self.today

    @property
    def status(self) -> str:
        return LABELS[status_code(self.today, self.record.expires, self.record.first)]

    @property
    def deadline_passed(self) -> bool:
        """Whether the 法定申请截止 is behind while the certificate still holds (advice changes then)."""
        return bool(deadline_passed(self.today, self.record.deadline or None, self.record.expires))

    @property
    def today_on(self) -> date:
        return date.fromordinal(self.today)

    @property
    def expires_on(self) -> date:
        return date.fromordinal(self.record.expires)

    @property
    def first_reminder_on(self) -> date | None:
        return _day(self.record.first)

    @property
    def second_reminder_on(self) -> date | None:
        return _day(self.record.second)

    @property
    def renewal(self) -> Renewal:
        i = self.item
        return Renewal(
            i.materials, _day(self.record.deadline), i.deadline_rule, i.basis, i.address, i.phone, i.hours,
            i.online_url, i.consequence, i.guide_url,
        )  # fmt: skip

    def _dated_json(self) -> dict[str, Any]:
        """The certificate's own fields of a search hit: number, holder, expiry and today's status."""
        r = self.record
        return {
            "number": r.number,
            "holder": r.holder,
            "expires_on": date.fromordinal(r.expires).isoformat(),
            "days_left": r.expires - self.today,
            "status": self.status,
        }

    def _own_json(self) -> dict[str, Any]:
        """The certificate's own fields of a full answer (everything but the item's shared part)."""
        r = self.record
        return {
            **self._dated_json(),
            "first_reminder_on": _iso(r.first),
            "second_reminder_on": _iso(r.second),
            "estimated": r.estimated,
            "applied_for_renewal": r.applied,
            "deadline_passed": self.deadline_passed,
        }

    def json_body(self) -> bytes:
        """Return as_json() serialised, the item's shared part spliced in ready-made (the hot path of the API)."""
        deadline = _iso(self.record.deadline)
        tail = f',"deadline":"{deadline}"}}}}' if deadline else ',"deadline":null}}'
        return (ENCODE(self._own_json())[:-1] + "," + self.item.json_fragment + tail).encode()

    def as_json(self) -> dict[str, Any]:
        """Return the API representation (the CertificateView schema of openapi.json)."""
        renewal = {**self.item.renewal_json, "deadline": _iso(self.record.deadline)}
        return {**self._own_json(), **self.item.shared_json, "renewal": renewal}

    def as_summary(self) -> dict[str, Any]:
        """Return a search hit (the SearchHit schema)."""
        return {**self._dated_json(), **self.item.shared_json}
