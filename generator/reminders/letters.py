"""点对点函告: one printable A4 letter (HTML, print to PDF from the browser) per holder, and a day's letters as one
document to print at once, each letter starting on its own page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from generator.atomic import replacing
from generator.catalog.model import Department
from generator.reminders.due import FINAL, SECOND, HolderGroup
from portal.rules.china import chinese_date
from portal.rules.text import drop_invisible

LETTER_FOLDER = "函告"
ALL_LETTERS_FILE = "全部函告.html"
_UNSAFE = re.compile(r"[\\/:*?\"<>|\s]+")
_ENV = Environment(
    loader=PackageLoader("generator.reminders", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def reference_of(department: Department, today: date, number: int) -> str:
    """Return a letter's 编号: the department, the day and the holder's place in the day's list (from 1)."""
    return f"{department.slug}-{today:%Y%m%d}-{number:03d}"


def render_letter(group: HolderGroup, today: date, reference: str) -> str:
    """Return the letter to one holder as a standalone HTML page."""
    return _page(f"证照到期提醒函 · {group.holder}", group.department, today, [_letter(group, reference)])


def render_letters(department: Department, numbered: Sequence[tuple[int, HolderGroup]], today: date) -> str:
    """Return the day's letters of one department as one HTML document titled by department and day, each
    letter starting on a new page.

    numbered: each holder with its place in the day's list (from 1), which its letter's 编号 keeps."""
    title = letters_title(department, today, len(numbered))
    letters = [_letter(group, reference_of(department, today, n)) for n, group in numbered]
    return _page(title, department, today, letters, heading=title)


def letters_title(department: Department, today: date, count: int) -> str:
    """Return the title of a day's letters printed as one: 鞍山市行政审批局 2026年11月23日 函告（共 3 份）."""
    return f"{department.name} {chinese_date(today)} 函告（共 {count} 份）"


def write_letters(folder: Path, department: Department, groups: list[HolderGroup], today: date) -> list[Path]:
    """Write one letter per holder into folder, and all of them as one document to print; return the files."""
    written = []
    for number, group in enumerate(groups, start=1):
        path = folder / f"{number:03d}-{file_stem(group.holder)}.html"
        with replacing(path, private=True) as temp:
            temp.write_text(render_letter(group, today, reference_of(department, today, number)), "utf-8")
        written.append(path)
    if groups:
        path = folder / ALL_LETTERS_FILE
        with replacing(path, private=True) as temp:
            temp.write_text(render_letters(department, list(enumerate(groups, 1)), today), "utf-8")
        written.append(path)
    return written


def file_stem(holder: str) -> str:
    """Return a holder's name as part of a file name: no invisible characters, no path or shell characters."""
    visible = drop_invisible("".join(" " if ch.isspace() else ch for ch in holder))
    return _UNSAFE.sub("_", visible).strip("._")[:40] or "持证人"


def _page(
    title: str, department: Department, today: date, letters: list[dict[str, object]], heading: str = ""
) -> str:
    """Return the letters as one HTML page; heading (shown on screen, never printed) names a combined print."""
    return _ENV.get_template("letter.html.j2").render(
        title=title, heading=heading, department=department, today=chinese_date(today), letters=letters
    )


def _letter(group: HolderGroup, reference: str) -> dict[str, object]:
    """Return what one holder's letter says."""
    guide = group.earliest.item.guide
    reminders = [
        {
            "certificate": r.certificate,
            "expires": chinese_date(r.certificate.expires),
            "days_left": r.days_left,
        }
        for r in group.reminders
    ]
    return {
        "holder": group.holder,
        "reference": reference,
        "reminders": reminders,
        "second": group.kind in (SECOND, FINAL),
        "reminded_before": any(r.kind == SECOND and not r.first_missed for r in group.reminders),
        "deadline": guide.deadline.text if guide.deadline else "",
        "deadline_passed": group.passed_deadline_notice(),
        "online_url": group.department.online_for(guide),
        "place": group.department.place_for(guide),
        "materials": guide.materials,
        "consequence": guide.consequence,
    }
