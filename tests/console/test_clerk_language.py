"""Every page a 科员 sees speaks the clerk's language: no server path, command-line flag, environment variable,
setting file name, hash or English — on ordinary days, after bad uploads, and while her department's files are broken.
"""

from __future__ import annotations

import html
import io
import re
from contextlib import closing
from html.parser import HTMLParser

import openpyxl
import pytest
from starlette.applications import Starlette

from console.settings import ConsoleSettings
from console.store import users
from console.store.db import connect
from tests.console.conftest import PASSWORD, PEOPLE, SLUGS, Clients, Staff
from tests.console.test_isolation import BREAKAGES, SPAN, B, _number, _pages

CLERK = "clerk_w"  # a clerk of B, the department the breakages hit
# Words a clerk uses herself: programs and formats, the Tab key, and data (user names, the sheet name in her file).
ALLOWED_WORDS = {"Excel", "WPS", "CSV", "PDF", "xlsx", "csv", "ics", "Tab", "Sheet"}
# Data that may be anything: user names, and the department codes a letter's 编号 starts with.
DATA = (CLERK, *PEOPLE, *sorted(SLUGS, key=len, reverse=True))
FORBIDDEN = {
    "server path": re.compile(r"(?<![\w.:/])/(?:[\w.\-]+/)+[\w.\-]*|[A-Za-z]:\\\\"),
    "command-line flag": re.compile(r"(?<![\w-])--[a-z][\w-]+"),
    "environment variable": re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b"),
    "setting file name": re.compile(
        r"[\w.\-]+\.(?:ya?ml|py|sqlite|db|json|toml|j2|txt)\b|holidays\.csv|_ledgers|renewal|department\.",
        re.I,
    ),
    "hash": re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{12,}\b"),
}
URL_OR_EMAIL = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WORD = re.compile(r"[A-Za-z]{3,}")


class _Visible(HTMLParser):
    """The text a person sees (and hears: title, alt, aria-label, placeholder), scripts and styles left out."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "alt", "aria-label", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return html.unescape(" ".join(parser.parts))


def leaks(text: str, data: tuple[str, ...] = DATA) -> list[str]:
    """Return what a clerk should not read in text (data: the department's own values, which may be anything)."""
    text = URL_OR_EMAIL.sub(" ", text)
    for value in data:
        text = text.replace(value, " ")
    found = [f"{kind}: {m.group(0)}" for kind, rule in FORBIDDEN.items() for m in rule.finditer(text)]
    found += [f"English: {w}" for w in WORD.findall(text) if w not in ALLOWED_WORDS]
    return found


def _clerk_of_b(app: Starlette, settings: ConsoleSettings, clients: Clients) -> Staff:
    with closing(connect(settings.database)) as db:
        users.add_user(db, CLERK, users.Role.CLERK, [B], PASSWORD, SLUGS)
    return clients(app, CLERK)


def _html_pages(settings: ConsoleSettings, number: str) -> list[str]:
    pages = [p for p in _pages(settings, B, number) if not p.endswith((".xlsx", ".csv"))]
    return ["/", *pages, f"/supervision/{B}/on-time?{SPAN}", f"/departments/{B}/records?start=2026-11-01"]


def _seen(clerk: Staff, url: str) -> str:
    response = clerk.get(url)
    assert response.status_code in (200, 409), (url, response.status_code)
    return visible(response.text)


def _workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_clerks_pages_on_an_ordinary_day_and_after_bad_uploads(
    app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = _clerk_of_b(app, settings, clients)
    number = _number(settings, B, 3)
    shown = {url: _seen(clerk, url) for url in _html_pages(settings, number)}
    d = f"/departments/{B}"
    uploads = {
        "目录：不是工作簿": (f"{d}/catalog", "目录.xlsx", b"PK\x03\x04 not a workbook"),
        "目录：缺列": (f"{d}/catalog", "新目录.xlsx", _workbook([["序号", "事项名称"], ["1", "某事项"]])),
        "台账：不是工作簿": (f"{d}/ledger", "台账.xlsx", b"PK\x03\x04 not a workbook"),
        "台账：没有表头": (f"{d}/ledger", "台账 (2).xlsx", _workbook([["这不是台账"], ["只是一张表"]])),
        "回填：不是工作簿": (f"{d}/today/worklist", "今日提醒.xlsx", b"PK\x03\x04 not a workbook"),
    }
    for name, (url, file, content) in uploads.items():
        response = clerk.submit(url, files={"file": (file, content)})
        if response.status_code == 303:
            response = clerk.get(response.headers["location"])
        assert response.status_code in (200, 400, 409), (name, response.status_code)
        shown[name] = visible(response.text)
        if "不是工作簿" in name:  # a file that was not read is said so, not "0 rows read"
            assert "读到 0" not in shown[name] and "读入 0" not in shown[name], name
    found = {url: f for url, text in shown.items() if (f := leaks(text))}
    assert not found, found


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_a_clerks_pages_while_her_departments_files_are_broken(
    app: Starlette, settings: ConsoleSettings, clients: Clients, breakage: str
) -> None:
    clerk = _clerk_of_b(app, settings, clients)
    number = _number(settings, B, 3)
    BREAKAGES[breakage](settings.inputs.catalogs)
    found = {url: f for url in _html_pages(settings, number) if (f := leaks(_seen(clerk, url)))}
    assert not found, found
