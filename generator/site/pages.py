"""Render the site's Markdown pages from the SiteModel with Jinja2; mkdocs-material turns them into HTML."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from generator.catalog.model import CatalogItem, Department, is_sample
from generator.site.model import NOTICE_PAGE_SIZE, NOTICE_WINDOWS, NoticeRow, SiteModel
from generator.site.opendata import write_catalog_downloads
from generator.site.syndication import write_feeds

_TEMPLATES = Path(__file__).resolve().parent / "markdown"
_SAFE_NAME = re.compile(r"^[0-9A-Za-z-]{1,40}$")
LATEST_ON_HOME = 10


def guide_name(item: CatalogItem, department: Department) -> str:
    """Return the file name (without .md) of an item's 办事指南: its 序号 when usable, else its Excel row."""
    seqs = [i.seq for i in department.items]
    if _SAFE_NAME.match(item.seq) and seqs.count(item.seq) == 1:
        return item.seq
    return f"r{item.row}"


def cell(value: object) -> str:
    """Return text safe inside a Markdown table cell: HTML escaped (a holder named <script> stays text)."""
    text = html.escape(str(value), quote=False).replace("|", "&#124;")
    return " ".join(text.split())


def fact(value: str) -> str:
    """Return a fact for display; invented demo facts (【示例】) carry a visible badge."""
    if not value:
        return "（未提供）"
    if is_sample(value):
        return '<span class="jz-sample">示例</span> ' + cell(value.replace("【示例】", ""))
    return cell(value)


def link(url: str) -> str:
    shown = cell(url)
    return f'<a href="{html.escape(url)}">{shown}</a>'


def notice_table(rows: Iterable[NoticeRow], slug: str, full: bool) -> str:
    """Return a notice table as one raw HTML block.

    Python-Markdown parses a Markdown table at a few thousand rows a second; a province's notices run to
    hundreds of thousands of rows a day, which it passes through untouched when they come as one HTML block.
    """
    head = "<th>持证单位</th><th>证照名称</th><th>证照编号</th><th>期满日期</th>"
    head += "<th>剩余天数</th><th>办事指南</th>" if full else ""
    lines = [f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>"]
    for row in rows:
        expires = row.expires_on.isoformat() + (_ESTIMATE if row.estimated else "")
        cells = f"<td>{cell(row.holder)}</td><td>{cell(row.certificate)}</td><td>{cell(row.number)}</td><td>{expires}</td>"
        if full:
            guide = f"../../../departments/{slug}/guides/{row.item_seq}.html"
            cells += f'<td>{row.days_left}</td><td><a href="{guide}">查看</a></td>'
        lines.append(f"<tr>{cells}</tr>")
    lines.append("</tbody>\n</table>")
    return "\n".join(lines)


_ESTIMATE = ' <span class="jz-estimate" title="提醒日期按尚未公布的放假安排估算">估算</span>'


def _groupby_month(rows: Iterable[NoticeRow]) -> Iterator[tuple[str, list[NoticeRow]]]:
    for (year, month), group in groupby(rows, key=lambda r: (r.expires_on.year, r.expires_on.month)):
        yield f"{year}年{month}月", list(group)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=False,  # Markdown, not HTML: every value goes through the cell/fact filters instead
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(cell=cell, fact=fact, link=link, groupby_month=_groupby_month)
    env.globals.update(guide_name=guide_name, notice_table=notice_table)
    return env


def site_nav(model: SiteModel) -> list[Any]:
    """Return the nav: four top pages only. Every page embeds the nav, so a province's hundred departments,
    thousands of guides and notice pages all stay out of it (mkdocs-material slows >20× otherwise)."""
    _ = model
    return [
        {"首页": "index.md"}, {"各部门目录": "departments/index.md"},
        {"即将到期公告": "notices/index.md"}, {"服务说明": "about.md"},
    ]  # fmt: skip


def render_docs(model: SiteModel, docs_dir: Path) -> list[Path]:
    """Write every page, download and feed of the site into docs_dir; return the files written."""
    writer = _Writer(_environment(), docs_dir, model)
    writer.page("index.md", "index.md.j2", **_home(model))
    writer.page("about.md", "about.md.j2")
    writer.page("departments/index.md", "departments_index.md.j2", departments=model.catalogs.departments)
    counts = {
        d.slug: {w: len(_in_window(model.notices[d.slug], w)) for w in NOTICE_WINDOWS} for d in model.catalogs.departments
    }
    writer.page("notices/index.md", "notices_index.md.j2", departments=model.catalogs.departments, counts=counts)
    for department in model.catalogs.departments:
        _department_pages(writer, department)
    writer.written += write_catalog_downloads(model, docs_dir)
    writer.written += write_feeds(model, docs_dir)
    return writer.written


def _home(model: SiteModel) -> dict[str, Any]:
    latest = sorted(
        ((slug, row) for slug, rows in model.notices.items() for row in rows[:LATEST_ON_HOME]),
        key=lambda pair: (pair[1].expires_on, pair[0], pair[1].number),
    )[:LATEST_ON_HOME]
    names = {d.slug: d.name for d in model.catalogs.departments}
    return {"departments": model.catalogs.departments, "latest": latest, "names": names}


def _department_pages(writer: _Writer, d: Department) -> None:
    base = f"departments/{d.slug}"
    columns = {field: i for i, field in enumerate(d.headers)}
    first_col = next((columns[h] for h in ("首次提醒时限", "提醒时限") if h in columns), None)
    second_col = columns.get("二次提醒时限")
    changes = writer.model.changes.get(d.slug, ())
    writer.page(f"{base}/index.md", "department.md.j2", d=d, first_col=first_col, second_col=second_col, changes=changes)
    for item in d.items:
        writer.page(f"{base}/guides/{guide_name(item, d)}.md", "guide.md.j2", d=d, item=item)
    rows = writer.model.notices.get(d.slug, ())
    for window in NOTICE_WINDOWS:
        selected = _in_window(rows, window)
        pages = max(1, math.ceil(len(selected) / NOTICE_PAGE_SIZE))
        for page in range(1, pages + 1):
            chunk = selected[(page - 1) * NOTICE_PAGE_SIZE : page * NOTICE_PAGE_SIZE]
            name = "index" if page == 1 else str(page)
            writer.page(
                f"notices/{d.slug}/{window}/{name}.md", "notices.md.j2",
                d=d, window=window, rows=chunk, page=page, pages=pages,
            )  # fmt: skip
    widest = max(NOTICE_WINDOWS)
    writer.page(f"notices/{d.slug}/print.md", "print.md.j2", d=d, rows=_in_window(rows, widest), window=widest)


def _in_window(rows: tuple[NoticeRow, ...], window: int) -> tuple[NoticeRow, ...]:
    return tuple(r for r in rows if 0 <= r.days_left <= window)


class _Writer:
    """Renders templates into files under docs_dir, remembering what it wrote."""

    def __init__(self, env: Environment, docs_dir: Path, model: SiteModel):
        self.env, self.docs_dir, self.model = env, docs_dir, model
        self.written: list[Path] = []
        self.common = {
            "config": model.config, "updated_at": model.updated_at, "notices": model.notices, "windows": NOTICE_WINDOWS,
        }  # fmt: skip

    def page(self, name: str, template: str, **values: Any) -> None:
        path = self.docs_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = self.env.get_template(template).render(**self.common, **values)
        path.write_text(re.sub(r"\n{3,}", "\n\n", text), encoding="utf-8")
        self.written.append(path)
