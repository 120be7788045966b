"""Rebuild only what changed: pages whose Markdown is the same as last build keep last build's HTML.

After a staff member edits one department's 目录 (same day, same ledgers), mkdocs renders that department's pages
and the top pages; every other page, and every notice page whose rows did not change, is taken from the
published site. A department whose 目录, notice rows and change log are all unchanged (department_fingerprints)
is not even written again: its Markdown, downloads and feeds are hard-linked from the published sources. Anything global (theme, mkdocs.yml, site settings, the date, this program) differing from the
last build means a full build. Either way the site is the same, byte for byte: the search index is put in one
canonical order after every build.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.site.model import NoticeRow, SiteModel
from portal.rules import site_layout as layout

MANIFEST = "build-manifest.json"
ALWAYS_REBUILT = layout.TOP_PAGES
_CODE = Path(__file__).resolve().parent  # this package: templates, theme and the code that fills pages


@dataclass
class Reuse:
    """What this build takes from the previous one."""

    pages: set[str] = field(default_factory=set)  # Markdown paths whose HTML is copied, not rendered
    notices: set[str] = field(default_factory=set)  # department slugs whose notice pages are copied


def global_fingerprint(mkdocs_file: Path, extra: dict[str, Any]) -> str:
    """Return a hash of everything that shapes every page: config, theme, templates, code, footer facts, date."""
    digest = hashlib.sha256(mkdocs_file.read_bytes())
    for path in sorted(p for p in _CODE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(_CODE)).encode() + path.read_bytes())
    digest.update(json.dumps(extra, sort_keys=True, ensure_ascii=False).encode())
    return _text(digest)


def _text(digest: hashlib._Hash) -> str:
    # Base32 has no 0, 1, 8 or 9: no hash in the published site can look like a phone or ID number.
    return base64.b32encode(digest.digest()).decode().rstrip("=")


def notice_fingerprints(model: SiteModel) -> dict[str, str]:
    """Return, per department, a hash of its notice rows (the rows are not in any Markdown file)."""
    return {slug: _rows_hash(rows) for slug, rows in model.notices.items()}


_EXPIRES = NoticeRow._fields.index("expires_on")
_LATE = NoticeRow._fields.index("deadline_passed_on")


def _rows_hash(rows: Sequence[NoticeRow]) -> str:
    # Column by column as JSON (unambiguous, and at C speed: a province has hundreds of thousands of rows).
    columns: list[list[Any]] = [list(column) for column in zip(*rows, strict=True)]
    if columns:
        columns[_EXPIRES] = [day.toordinal() for day in columns[_EXPIRES]]
        columns[_LATE] = [day.toordinal() if day else 0 for day in columns[_LATE]]
    return _text(hashlib.sha256(json.dumps([NoticeRow._fields, columns]).encode()))


def department_fingerprints(model: SiteModel, notices: dict[str, str]) -> dict[str, str]:
    """Return, per department, a hash of what its own pages, downloads and feeds (pages.department_files) are
    made of: its 目录 and settings, its notice rows and its change log.

    Everything else they show (the date, the site's settings, templates, this program) is in the global
    fingerprint.
    """
    return {
        d.slug: _text(
            hashlib.sha256(f"{d!r}\n{notices.get(d.slug, '')}\n{model.changes.get(d.slug, ())!r}".encode())
        )
        for d in model.catalogs.departments
    }


def unchanged_departments(site: Path, src: Path, fingerprint: str, departments: dict[str, str]) -> set[str]:
    """Return the departments whose own files (pages.department_files) the published build already holds, byte for
    byte: this build takes them over instead of writing them again."""
    manifest = _previous(site, src, fingerprint)
    return {s for s, h in departments.items() if manifest.get("departments", {}).get(s) == h}


def _previous(site: Path, src: Path, fingerprint: str) -> dict[str, Any]:
    """Return the published build's manifest when its pages can be reused, else an empty one."""
    manifest = _read_manifest(site)
    # The site and its sources are swapped in one after the other: reuse only when both are from one build.
    if manifest.get("global") != fingerprint or _read_manifest(src) != manifest:
        return {}
    return manifest


def plan(
    site: Path, src: Path, docs: Path, fingerprint: str, notices: dict[str, str], carried: Iterable[str] = ()
) -> Reuse:
    """Return what can be reused from the published site and its sources; nothing when anything global changed.

    carried: files the sources took over from the previous build (hard links: the same file, not a copy).
    """
    manifest = _previous(site, src, fingerprint)
    if not manifest:
        return Reuse()
    reuse = Reuse(notices={s for s, h in notices.items() if manifest.get("notices", {}).get(s) == h})
    for name in (n for n in carried if not n.endswith(".md")):  # pages: compared below, like every page
        if _same_file(docs / name, src / name) and (site / layout.published(name)).is_file():
            reuse.pages.add(name)
    for page in docs.rglob("*.md"):
        name = page.relative_to(docs).as_posix()
        if name in ALWAYS_REBUILT or (
            layout.is_notice_page(name) and layout.notice_department(name) not in reuse.notices
        ):
            continue
        before, html = src / name, site / layout.published(name)
        if html.exists() and (
            _same_file(page, before) or (before.exists() and before.read_bytes() == page.read_bytes())
        ):
            reuse.pages.add(name)
    # A department's notices are reused whole or rebuilt whole: a changed shell (say, a new phone number)
    # must be filled again even when the rows are the same.
    for slug in list(reuse.notices):
        shells = {p.relative_to(docs).as_posix() for p in (docs / "notices" / slug).rglob("*.md")}
        if not shells <= reuse.pages:
            reuse.notices.discard(slug)
            reuse.pages -= shells
    return reuse


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _read_manifest(site: Path) -> dict[str, Any]:
    try:
        data = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def copy_reused(reuse: Reuse, previous: Path, out: Path) -> None:
    """Bring the reused pages' HTML (and every filled page of reused notices) over from the previous site."""
    for name in sorted(reuse.pages):
        folder = Path(layout.published(name)).parent
        targets = [Path(layout.published(name))]
        if layout.is_notice_window(name):  # a notice window: all its filled pages
            targets = [p.relative_to(previous) for p in (previous / folder).glob("*.html")]
        for target in targets:
            (out / target).parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(previous / target, out / target)


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link a reused page (instant; pages are never changed in place, only replaced), else copy it."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def merge_search_index(out: Path, previous: Path, reuse: Reuse) -> None:
    """Add the reused pages' search entries to mkdocs' index, then put all entries in one canonical order."""
    index_file = out / "search" / "search_index.json"
    if not index_file.exists():
        return
    index = json.loads(index_file.read_text(encoding="utf-8"))
    if reuse.pages:
        reused = {layout.published(n) for n in reuse.pages}
        old = json.loads((previous / "search" / "search_index.json").read_text(encoding="utf-8"))
        index["docs"] += [d for d in old["docs"] if d["location"].split("#")[0] in reused]
    index["docs"] = _canonical(index["docs"])
    index_file.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _canonical(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(docs, key=lambda d: (d["location"].split("#")[0], d["location"].count("#"), d["location"]))


def write_manifest(
    docs: Path, fingerprint: str, notices: dict[str, str], departments: dict[str, str]
) -> None:
    """Write the manifest into the sources; mkdocs copies it into the site, so both carry the same one."""
    data = {"global": fingerprint, "notices": notices, "departments": departments}
    (docs / MANIFEST).write_text(json.dumps(data, sort_keys=True, indent=1) + "\n", encoding="utf-8")
