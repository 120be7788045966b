"""Render the site's Markdown pages from the SiteModel with Jinja2; mkdocs-material turns them into HTML."""

from __future__ import annotations

import re
from collections.abc import Set
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from generator.catalog.model import CatalogItem, Department
from generator.site.incremental import link_or_copy
from generator.site.model import NOTICE_WINDOWS, SiteModel
from generator.site.notices import PLACEHOLDER, in_window
from generator.site.opendata import DOWNLOADS, write_catalog_downloads
from generator.site.syndication import FEED_KINDS, write_feeds
from generator.site.text import cell, fact, href, link, path, title_meta
from portal.rules import site_layout as layout

_TEMPLATES = Path(__file__).resolve().parent / "markdown"
_SAFE_NAME = re.compile(r"^[0-9A-Za-z-]{1,40}$")
LATEST_ON_HOME = 10


def guide_name(item: CatalogItem, department: Department) -> str:
    """Return the file name (without .md) of an item's 办事指南: its 序号 when usable, else its Excel row."""
    seqs = [i.seq for i in department.items]
    if _SAFE_NAME.match(item.seq) and seqs.count(item.seq) == 1:
        return item.seq
    return f"r{item.row}"


@lru_cache(maxsize=1)  # compiled templates kept between builds (the console rebuilds in one process)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=False,  # Markdown, not HTML: every value goes through the cell/fact/link filters instead
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(cell=cell, fact=fact, link=link, href=href, path=path, title_meta=title_meta)
    env.globals.update(guide_name=guide_name, layout=layout, to=_to)
    return env


@pass_context
def _to(context: Context, target: str) -> str:
    """Return a link from the page being rendered to another page or file of the site (see site_layout)."""
    return layout.relative(target, context["here"])


def site_nav() -> list[Any]:
    """Return the nav: four top pages only. Every page embeds the nav, so a province's hundred departments,
    thousands of guides and notice pages all stay out of it (mkdocs-material slows >20× otherwise)."""
    return [
        {"首页": layout.HOME}, {"各部门目录": layout.DEPARTMENTS},
        {"即将到期公告": layout.NOTICES}, {"服务说明": layout.ABOUT},
    ]  # fmt: skip


def department_files(d: Department) -> list[str]:
    """Return the files made from one department alone (and the site-wide settings and date): its pages (notice
    shells included), downloads and feeds."""
    return [
        layout.department_page(d.slug),
        *(layout.guide_page(d.slug, guide_name(item, d)) for item in d.items),
        *(layout.notice_page(d.slug, window) for window in NOTICE_WINDOWS),
        layout.print_page(d.slug),
        *(layout.catalog_download(d.slug, suffix) for suffix in DOWNLOADS),
        *(layout.department_feed(d.slug, kind) for kind in FEED_KINDS),
    ]


def render_docs(
    model: SiteModel, docs_dir: Path, previous: Path | None = None, unchanged: Set[str] = frozenset()
) -> list[Path]:
    """Write every page, download and feed of the site into docs_dir; return the files written.

    The department_files of the departments in unchanged are taken from the previous build's sources instead
    (hard links): the caller knows from their fingerprints (incremental.department_fingerprints) that they would
    be the same bytes.
    """
    writer = _Writer(_environment(), docs_dir, model)
    writer.page(layout.HOME, "index.md.j2", **_home(model))
    writer.page(layout.ABOUT, "about.md.j2")
    writer.page(layout.DEPARTMENTS, "departments_index.md.j2", departments=model.catalogs.departments)
    counts = {
        d.slug: {w: len(in_window(model.notices[d.slug], w)) for w in NOTICE_WINDOWS}
        for d in model.catalogs.departments
    }
    writer.page(layout.NOTICES, "notices_index.md.j2", departments=model.catalogs.departments, counts=counts)
    carried: set[str] = set()
    for department in model.catalogs.departments:
        names = department_files(department)
        if department.slug in unchanged and previous and _carry(previous, docs_dir, names):
            carried.add(department.slug)
            writer.written += [docs_dir / name for name in names]
        else:
            _department_pages(writer, department)
    writer.written += write_catalog_downloads(model, docs_dir, skip=carried)
    writer.written += write_feeds(model, docs_dir, skip=carried)
    return writer.written


def _carry(previous: Path, docs_dir: Path, names: list[str]) -> bool:
    """Link files of the previous build's sources into docs_dir: all of them, or (when one is missing) none."""
    done: list[Path] = []
    try:
        for name in names:
            target = docs_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(previous / name, target)
            done.append(target)
    except OSError:
        for target in done:  # a linked file is the previous build's own: never write through it
            target.unlink()
        return False
    return True


def _home(model: SiteModel) -> dict[str, Any]:
    latest = sorted(
        ((slug, row) for slug, rows in model.notices.items() for row in rows[:LATEST_ON_HOME]),
        key=lambda pair: (pair[1].expires_on, pair[0], pair[1].number),
    )[:LATEST_ON_HOME]
    names = {d.slug: d.name for d in model.catalogs.departments}
    return {"departments": model.catalogs.departments, "latest": latest, "names": names}


def _department_pages(writer: _Writer, d: Department) -> None:
    columns = {field: i for i, field in enumerate(d.headers)}
    first_col = next((columns[h] for h in ("首次提醒时限", "提醒时限") if h in columns), None)
    second_col = columns.get("二次提醒时限")
    changes = writer.model.changes.get(d.slug, ())
    writer.page(
        layout.department_page(d.slug),
        "department.md.j2",
        d=d,
        first_col=first_col,
        second_col=second_col,
        changes=changes,
    )
    for item in d.items:
        writer.page(layout.guide_page(d.slug, guide_name(item, d)), "guide.md.j2", d=d, item=item)
    rows = writer.model.notices.get(d.slug, ())
    for window in NOTICE_WINDOWS:  # shells: notices.fill_notices adds the rows after mkdocs
        count = len(in_window(rows, window))
        writer.page(layout.notice_page(d.slug, window), "notices.md.j2", d=d, window=window, count=count)
    widest = max(NOTICE_WINDOWS)
    writer.page(
        layout.print_page(d.slug), "print.md.j2", d=d, window=widest, count=len(in_window(rows, widest))
    )


class _Writer:
    """Renders templates into files under docs_dir, remembering what it wrote."""

    def __init__(self, env: Environment, docs_dir: Path, model: SiteModel):
        self.env, self.docs_dir, self.model = env, docs_dir, model
        self.written: list[Path] = []
        self.common = {
            "config": model.config, "updated_at": model.updated_at, "notices": model.notices,
            "windows": NOTICE_WINDOWS, "widest": max(NOTICE_WINDOWS), "placeholder": PLACEHOLDER,
        }  # fmt: skip

    def page(self, name: str, template: str, **values: Any) -> None:
        path = self.docs_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = self.env.get_template(template).render(**self.common, **values, here=name)
        path.write_text(re.sub(r"\n{3,}", "\n\n", text), encoding="utf-8")
        self.written.append(path)
