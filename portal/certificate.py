"""A certificate as the public sees it on a given day: status and days left are computed per request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from portal.format import Record

_CHINA = timezone(timedelta(hours=8))
VALID, DUE_SOON, EXPIRED = "有效", "即将到期", "已过期"


def china_today() -> date:
    """Return today's date in China (UTC+8 all year), whatever the server's own time zone."""
    return datetime.now(_CHINA).date()


def _day(ordinal: int) -> date | None:
    return date.fromordinal(ordinal) if ordinal else None


@dataclass(frozen=True)
class Renewal:
    """办事指南 facts for renewing one kind of certificate."""

    materials: list[str]
    deadline: date | None  # the statutory last day to apply (by this certificate's expiry)
    deadline_rule: str  # e.g. 有效期届满30日前
    basis: str
    address: str
    phone: str
    hours: str
    online_url: str
    consequence: str
    guide_url: str


@dataclass(frozen=True)
class Certificate:
    """One certificate on one day, with everything the lookup page and API show."""

    number: str
    certificate: str
    matter: str
    holder: str
    person: bool
    department: str
    department_code: str
    expires_on: date
    days_left: int
    status: str
    first_reminder_on: date | None
    second_reminder_on: date | None
    estimated: bool
    applied: bool
    renewal: Renewal

    @classmethod
    def of(cls, record: Record, meta: dict[str, Any], today: date) -> Certificate:
        item = meta["items"][record.item]
        department = meta["departments"][item["department"]]
        days_left = record.expires - today.toordinal()
        if days_left < 0:
            status = EXPIRED
        elif today.toordinal() >= record.first:
            status = DUE_SOON
        else:
            status = VALID
        base = meta["site"].get("base_url", "/")
        renewal = Renewal(
            materials=list(item["materials"]),
            deadline=_day(record.deadline),
            deadline_rule=item["deadline_rule"],
            basis=item["basis"],
            address=item["place"] or department["address"],
            phone=department["phone"],
            hours=department["hours"],
            online_url=item["online_url"] or department["online_url"],
            consequence=item["consequence"],
            guide_url=base + item["guide_page"],
        )
        return cls(
            number=record.number,
            certificate=item["certificate"],
            matter=item["matter"],
            holder=record.holder,
            person=record.person,
            department=department["name"],
            department_code=item["department"],
            expires_on=date.fromordinal(record.expires),
            days_left=days_left,
            status=status,
            first_reminder_on=_day(record.first),
            second_reminder_on=_day(record.second),
            estimated=record.estimated,
            applied=record.applied,
            renewal=renewal,
        )

    def as_json(self) -> dict[str, Any]:
        """Return the API representation (the CertificateResponse schema of openapi.json)."""
        renewal = self.renewal
        return {
            "number": self.number,
            "certificate": self.certificate,
            "holder": self.holder,
            "department": self.department,
            "department_code": self.department_code,
            "expires_on": self.expires_on.isoformat(),
            "days_left": self.days_left,
            "status": self.status,
            "first_reminder_on": _iso(self.first_reminder_on),
            "second_reminder_on": _iso(self.second_reminder_on),
            "estimated": self.estimated,
            "applied_for_renewal": self.applied,
            "renewal": {
                "materials": renewal.materials,
                "deadline": _iso(renewal.deadline),
                "deadline_rule": renewal.deadline_rule,
                "address": renewal.address,
                "phone": renewal.phone,
                "hours": renewal.hours,
                "online_url": renewal.online_url,
                "guide_url": renewal.guide_url,
            },
        }

    def as_summary(self) -> dict[str, Any]:
        """Return a search hit (the SearchHit schema)."""
        return {
            "number": self.number,
            "certificate": self.certificate,
            "holder": self.holder,
            "department": self.department,
            "department_code": self.department_code,
            "expires_on": self.expires_on.isoformat(),
            "days_left": self.days_left,
            "status": self.status,
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
