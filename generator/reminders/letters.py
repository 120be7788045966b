"""点对点函告: one printable A4 letter (HTML, print to PDF from the browser) per holder."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from generator.atomic import replacing
from generator.reminders.due import SECOND, HolderGroup
from portal.rules.china import chinese_date
from portal.text import drop_invisible

LETTER_FOLDER = "函告"
_UNSAFE = re.compile(r"[\\/:*?\"<>|\s]+")
_ENV = Environment(
    loader=PackageLoader("generator.reminders", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def render_letter(group: HolderGroup, today: date, reference: str) -> str:
    """Return the letter to one holder as a standalone HTML page."""
    guide = group.earliest.item.guide
    reminders = [
        {
            "certificate": r.certificate,
            "expires": chinese_date(r.certificate.expires),
            "days_left": r.days_left,
        }
        for r in group.reminders
    ]
    deadline = guide.deadline.text if guide.deadline else ""
    return _ENV.get_template("letter.html.j2").render(
        department=group.department,
        holder=group.holder,
        reference=reference,
        reminders=reminders,
        second=group.kind == SECOND,
        reminded_before=any(r.kind == SECOND and not r.first_missed for r in group.reminders),
        deadline=deadline,
        deadline_passed=group.passed_deadline_notice(),
        online_url=group.department.online_for(guide),
        place=group.department.place_for(guide),
        materials=guide.materials,
        consequence=guide.consequence,
        today=chinese_date(today),
    )


def write_letters(folder: Path, groups: list[HolderGroup], today: date) -> list[Path]:
    """Write one letter per holder into folder; return the files."""
    written = []
    for number, group in enumerate(groups, start=1):
        reference = f"{group.department.slug}-{today:%Y%m%d}-{number:03d}"
        path = folder / f"{number:03d}-{file_stem(group.holder)}.html"
        with replacing(path) as temp:
            temp.write_text(render_letter(group, today, reference), encoding="utf-8")
        written.append(path)
    return written


def file_stem(holder: str) -> str:
    """Return a holder's name as part of a file name: no invisible characters, no path or shell characters."""
    visible = drop_invisible("".join(" " if ch.isspace() else ch for ch in holder))
    return _UNSAFE.sub("_", visible).strip("._")[:40] or "持证人"
