"""The public site's address layout, in one place: every page and file named by what it is.

Paths are relative to the site root. Pages are named by their Markdown source (.md), as the build writes them;
`published` gives the address mkdocs publishes them at (.html). Links between pages are made with `relative`,
which also percent-encodes each segment (department codes and guide names are staff text).
"""

from __future__ import annotations

import posixpath
from functools import lru_cache
from urllib.parse import quote

HOME = "index.md"
ABOUT = "about.md"
DEPARTMENTS = "departments/index.md"
NOTICES = "notices/index.md"
SITE_FEEDS = ("feed.atom", "feed.json")
TOP_PAGES = frozenset({HOME, ABOUT, DEPARTMENTS, NOTICES})
_NOTICES_DIR = "notices/"


def department_page(slug: str) -> str:
    """Return a department's 目录 page."""
    return f"departments/{slug}/index.md"


def guide_page(slug: str, guide: str) -> str:
    """Return a 办事指南 page (guide: its file name, see generator.site.pages.guide_name)."""
    return f"departments/{slug}/guides/{guide}.md"


def catalog_download(slug: str, suffix: str) -> str:
    """Return a department's 目录 download: suffix is xlsx, csv or json."""
    return f"departments/{slug}/catalog.{suffix}"


def notice_page(slug: str, window: int, page: int = 1) -> str:
    """Return a page of a department's 即将到期公告 for a window of days (page 1 is the window's index)."""
    name = "index" if page == 1 else str(page)
    return f"{_NOTICES_DIR}{slug}/{window}/{name}.md"


def print_page(slug: str) -> str:
    """Return the printable version of a department's notices."""
    return f"{_NOTICES_DIR}{slug}/print.md"


def department_feed(slug: str, kind: str) -> str:
    """Return a department's feed: kind is atom or json."""
    return f"{_NOTICES_DIR}{slug}/feed.{kind}"


def notices_folder(slug: str) -> str:
    """Return the folder of a department's notices (its pages and feeds)."""
    return f"{_NOTICES_DIR}{slug}/"


def is_notice_page(path: str) -> bool:
    """Say whether a page belongs to a department's notices (not the notices index)."""
    return path.startswith(_NOTICES_DIR) and path.count("/") >= 2


def is_notice_window(path: str) -> bool:
    """Say whether a page is the first page of a notice window (the one mkdocs renders)."""
    return is_notice_page(path) and path.endswith("/index.md") and path.count("/") == 3


def notice_department(path: str) -> str:
    """Return the department code of a notice page or feed (see is_notice_page)."""
    return path[len(_NOTICES_DIR) :].split("/", 1)[0]


def published(path: str) -> str:
    """Return the address a page is published at: .md becomes .html; other files keep their name."""
    return path[:-3] + ".html" if path.endswith(".md") else path


@lru_cache(maxsize=65536)  # a build links the same few thousand pages from every page
def relative(target: str, here: str, *, html: bool = False) -> str:
    """Return a link from page here to target, each segment percent-encoded (with html, to the .html)."""
    link = posixpath.relpath(published(target) if html else target, posixpath.dirname(here) or ".")
    return "/".join(quote(part, safe="") if part not in ("..", ".") else part for part in link.split("/"))


def absolute(base_url: str, target: str) -> str:
    """Return the full address of a page or file of the site at base_url (which ends with /)."""
    return base_url + "/".join(quote(part, safe="") for part in published(target).split("/"))
