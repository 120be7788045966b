"""即将到期 notice pages: mkdocs renders one shell page per department and window; the rows are filled in after.

A province's notices run to hundreds of thousands of rows a day. Through mkdocs every row would be parsed as
Markdown and every tag re-parsed for link checks (minutes); filling the rows into the themed shell is the
plain-template floor (seconds), and the pages still look exactly like the rest of the site.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from generator.site.model import NOTICE_PAGE_SIZE, NOTICE_WINDOWS, NoticeRow, SiteModel
from generator.site.text import html_text
from portal.rules import site_layout as layout

PLACEHOLDER = '<div class="jz-notice-rows"></div>'
_ESTIMATE = ' <span class="jz-estimate" title="提醒日期按尚未公布的放假安排估算">估算</span>'
_LEGEND = (
    '<p class="jz-legend">期满日期后标有“<span class="jz-estimate">估算</span>”的：该年的法定节假日安排尚未公布，'
    "提醒日期按“宁早勿晚”估算，安排公布后自动更正；期满日期本身不变。</p>"
)
_LATE = '<span class="jz-late">法定申请截止日 {day} 已过，请立即{call}</span>'
_LATE_LEGEND = (
    '<p class="jz-legend jz-late-legend">表中写明法定申请截止日已过的证照：申请延续的法定期限已经过了，证照尚未期满。'
    "请持证单位和个人<strong>立即{call}</strong>，说明情况，问清还能怎样办理，避免证照期满后无证经营。</p>"
)
# Filled in by assets/jiaozao.js (a labelled box narrowing the rows as one types); hidden without JavaScript.
_FILTER = '<div class="jz-filter" data-jz-filter hidden></div>'


@dataclass(frozen=True)
class NoticePage:
    """One notice page to write into the built site, from its shell."""

    shell: str  # the mkdocs-built page holding PLACEHOLDER, relative to the site
    target: str  # where this page goes, relative to the site
    body: str  # HTML replacing the placeholder
    title_suffix: str  # e.g. "（第 2/3 页）"


def in_window(rows: Sequence[NoticeRow], window: int) -> Sequence[NoticeRow]:
    """Return the rows expiring within window days: a department's rows are nearest first (SiteModel.notices)."""
    return rows[: bisect_right(rows, window, key=_days_left)]


_days_left = attrgetter("days_left")


def notice_pages(model: SiteModel, skip: frozenset[str] | set[str] = frozenset()) -> Iterator[NoticePage]:
    """Yield every notice page of every department not in skip: 30/60/90-day windows, 100 rows a page, and a
    print page."""
    for department in model.catalogs.departments:
        if department.slug in skip:
            continue
        rows = model.notices.get(department.slug, ())
        name, phone = html_text(department.name), html_text(department.phone.strip())
        office = _Office(department.slug, f"致电 {phone}（{name}）" if phone else f"联系{name}")
        for window in NOTICE_WINDOWS:
            yield from _window_pages(office, window, in_window(rows, window))
        widest = in_window(rows, max(NOTICE_WINDOWS))
        shell = layout.published(layout.print_page(department.slug))
        here = layout.print_page(department.slug)
        yield NoticePage(shell, shell, _months(widest, office, here, full=False) or _EMPTY, "")


_EMPTY = "<p>目前没有即将到期的证照。</p>"


class _Office(NamedTuple):
    """The department a notice page is of, and how to reach it at once (HTML, escaped)."""

    slug: str
    call: str  # 致电 0412-0000000（鞍山市行政审批局）


def _window_pages(office: _Office, window: int, rows: Sequence[NoticeRow]) -> Iterator[NoticePage]:
    slug = office.slug
    pages = max(1, math.ceil(len(rows) / NOTICE_PAGE_SIZE))
    here = layout.notice_page(slug, window)
    shell = layout.published(here)
    for page in range(1, pages + 1):
        chunk = rows[(page - 1) * NOTICE_PAGE_SIZE : page * NOTICE_PAGE_SIZE]
        body = (_FILTER + _months(chunk, office, here, full=True) if chunk else _EMPTY) + _pager(page, pages)
        target = layout.published(layout.notice_page(slug, window, page))
        yield NoticePage(shell, target, body, f"（第 {page}/{pages} 页）" if pages > 1 else "")


def _pager(page: int, pages: int) -> str:
    if pages == 1:
        return ""
    links = []
    if page > 1:
        links.append(f'<a href="{"index" if page == 2 else page - 1}.html" rel="prev">上一页</a>')
    links.append(f"第 {page}/{pages} 页")
    if page < pages:
        links.append(f'<a href="{page + 1}.html" rel="next">下一页</a>')
    return '<nav class="jz-pager" aria-label="分页">' + " · ".join(links) + "</nav>"


def _months(rows: Sequence[NoticeRow], office: _Office, here: str, full: bool) -> str:
    parts = [_LEGEND] if any(r.estimated for r in rows) else []
    if any(r.deadline_passed_on for r in rows):
        parts.append(_LATE_LEGEND.format(call=office.call))
    for (year, month), group in groupby(rows, key=lambda r: (r.expires_on.year, r.expires_on.month)):
        parts.append(
            f"<h2>{year}年{month}月</h2>\n{_table(group, office, here, full, f'{year}年{month}月到期的证照')}"
        )
    return "\n".join(parts)


def _table(rows: Iterable[NoticeRow], office: _Office, here: str, full: bool, caption: str) -> str:
    columns = ["持证单位", "证照名称", "证照编号", "期满日期", *(["剩余天数", "办事指南"] if full else [])]
    head = "".join(f'<th scope="col">{c}</th>' for c in columns)
    lines = [
        f'<table>\n<caption class="jz-sr-only">{caption}</caption>\n<thead><tr>{head}</tr></thead>\n<tbody>'
    ]
    for row in rows:
        expires = row.expires_on.isoformat() + (_ESTIMATE if row.estimated else "")
        if (
            row.deadline_passed_on
        ):  # never "apply before the deadline" once it has passed: say so, and whom to call
            expires += "<br>" + _LATE.format(day=row.deadline_passed_on.isoformat(), call=office.call)
        cells = f"<td>{html_text(row.holder)}</td><td>{html_text(row.certificate)}</td><td>{html_text(row.number)}</td><td>{expires}</td>"
        if full:
            guide = _guide_link(office.slug, row.guide, here)
            cells += f'<td>{row.days_left}</td><td><a href="{guide}">查看</a></td>'
        lines.append(f"<tr>{cells}</tr>")
    lines.append("</tbody>\n</table>")
    return "\n".join(lines)


@lru_cache(maxsize=65536)  # a department has a few dozen guides and thousands of rows
def _guide_link(slug: str, guide: str, here: str) -> str:
    return layout.relative(layout.guide_page(slug, guide), here, html=True)


def fill_notices(
    model: SiteModel, site_dir: Path, skip: frozenset[str] | set[str] = frozenset()
) -> list[Path]:
    """Write every notice page into the built site from its shell (departments in skip are left as they are)."""
    shells: dict[str, str] = {}
    written = []
    for page in notice_pages(model, skip):
        if page.shell not in shells:
            shells[page.shell] = (site_dir / page.shell).read_text(encoding="utf-8")
        html = _fill(shells[page.shell], page)
        target = site_dir / page.target
        target.write_text(html, encoding="utf-8")
        written.append(target)
    return written


def _fill(shell: str, page: NoticePage) -> str:
    if PLACEHOLDER not in shell:
        raise ValueError(f"notice shell {page.shell} lost its placeholder")
    html = shell.replace(PLACEHOLDER, f'<div class="jz-notice-rows">\n{page.body}\n</div>', 1)
    if page.title_suffix:
        html = html.replace("天内到期的证照</h1>", f"天内到期的证照{page.title_suffix}</h1>", 1)
        html = html.replace("天内到期的证照 - ", f"天内到期的证照{page.title_suffix} - ", 1)
    return html
