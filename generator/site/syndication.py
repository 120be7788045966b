"""Atom and JSON Feed of the 即将到期 notices, for 政务服务网 and 公众号 to syndicate."""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from operator import attrgetter
from pathlib import Path
from xml.sax.saxutils import escape

from generator.site.model import NOTICE_WINDOWS, NoticeRow, SiteModel
from generator.site.notices import in_window
from portal.rules import site_layout as layout
from portal.rules.text import one_line

FEED_WINDOW = min(NOTICE_WINDOWS)  # feeds carry the most urgent window only
FEED_KINDS = ("atom", "json")  # each department's feeds: site_layout.department_feed
SITE_FEED_LIMIT = 1000


def write_feeds(
    model: SiteModel, docs_dir: Path, skip: frozenset[str] | set[str] = frozenset()
) -> list[Path]:
    """Write notices/<slug>/feed.{atom,json} per department (not for those in skip: the caller brings theirs
    from the previous build) and feed.{atom,json} for the whole site."""
    written: list[Path] = []
    windows = {
        d.slug: in_window(model.notices.get(d.slug, ()), FEED_WINDOW) for d in model.catalogs.departments
    }
    for department in model.catalogs.departments:
        if department.slug not in skip:
            rows = [(department.slug, r) for r in windows[department.slug]]
            base = layout.notices_folder(department.slug)
            written += _write_pair(model, docs_dir / base, base, f"{department.name}：即将到期的证照", rows)
    # The site-wide feed carries the nearest expiries only; each department's feed carries all of its own.
    written += _write_pair(model, docs_dir, "", f"{model.config.name}：即将到期的证照", _nearest(windows))
    return written


def _nearest(windows: dict[str, Sequence[NoticeRow]]) -> list[tuple[str, NoticeRow]]:
    """Return the SITE_FEED_LIMIT rows of all departments nearest to expiry, by date, department and number.

    Each department's rows are by date, so the nearest rows all expire by the SITE_FEED_LIMIT-th date among
    every department's first SITE_FEED_LIMIT rows: only rows up to that date are sorted (ties keep their order).
    """
    firsts = sorted(r.expires_on for rows in windows.values() for r in rows[:SITE_FEED_LIMIT])
    if not firsts:
        return []
    last = firsts[min(SITE_FEED_LIMIT, len(firsts)) - 1]
    candidates = [
        (slug, r) for slug, rows in windows.items() for r in rows[: bisect_right(rows, last, key=_expires_on)]
    ]
    candidates.sort(key=lambda pair: (pair[1].expires_on, pair[0], pair[1].number))
    return candidates[:SITE_FEED_LIMIT]


_expires_on = attrgetter("expires_on")


def _write_pair(
    model: SiteModel, folder: Path, base: str, title: str, rows: list[tuple[str, NoticeRow]]
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    atom, feed = folder / "feed.atom", folder / "feed.json"
    atom.write_bytes(_atom(model, base, title, rows))
    feed.write_text(_json_feed(model, base, title, rows), encoding="utf-8")
    return [atom, feed]


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+08:00"


def _entry_id(slug: str, row: NoticeRow) -> str:
    return f"tag:jiaozao,2026:{slug}/{one_line(row.number or row.holder)}/{row.expires_on.isoformat()}"


def _entry_text(row: NoticeRow, call: str) -> tuple[str, str]:
    # one line of visible text: a control character would make the Atom document invalid XML
    holder, certificate, number = one_line(row.holder), one_line(row.certificate), one_line(row.number)
    title = f"{holder}的{certificate}将于{row.expires_on.isoformat()}到期"
    advice = (
        f"法定申请截止日 {row.deadline_passed_on.isoformat()} 已过，请立即{call}，说明情况。"
        if row.deadline_passed_on
        else "请在法定申请期限前办理延续。"
    )
    return title, f"{title}（剩余 {row.days_left} 天），证照编号 {number or '—'}。{advice}"


def _calls(model: SiteModel) -> dict[str, str]:
    """Return, per department, how to reach it at once (said where a row's deadline has passed)."""
    return {
        d.slug: f"致电 {one_line(d.phone)}（{one_line(d.name)}）"
        if d.phone.strip()
        else f"联系{one_line(d.name)}"
        for d in model.catalogs.departments
    }


def _page_urls(model: SiteModel, rows: list[tuple[str, NoticeRow]]) -> dict[str, str]:
    """Return the address of each department's notice page, once per department (not once per row)."""
    slugs = dict.fromkeys(slug for slug, _ in rows)
    return {
        slug: layout.absolute(model.config.base_url, layout.notice_page(slug, FEED_WINDOW)) for slug in slugs
    }


def _atom(model: SiteModel, base: str, title: str, rows: list[tuple[str, NoticeRow]]) -> bytes:
    """Return an Atom 1.0 document, written as text: ElementTree took seconds for a province's entries."""
    root, updated = model.config.base_url, _stamp(model.today)
    author = escape(model.config.host or model.config.name)
    urls = {slug: quoteattr_free(url) for slug, url in _page_urls(model, rows).items()}
    calls = _calls(model)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<id>{escape(root + base)}feed.atom</id><title>{escape(title)}</title><updated>{updated}</updated>",
        f'<link rel="self" href="{quoteattr_free(root + base)}feed.atom"/><link rel="alternate" href="{quoteattr_free(root + base)}"/>',
        f"<author><name>{author}</name></author>",
    ]
    for slug, row in rows:
        entry_title, text = _entry_text(row, calls[slug])
        parts.append(
            f"<entry><id>{escape(_entry_id(slug, row))}</id><title>{escape(entry_title)}</title>"
            f'<updated>{updated}</updated><link rel="alternate" href="{urls[slug]}"/>'
            f"<summary>{escape(text)}</summary></entry>"
        )
    parts.append("</feed>\n")
    return "\n".join(parts).encode("utf-8")


def quoteattr_free(value: str) -> str:
    """Return a value escaped for a double-quoted XML attribute."""
    return escape(value, {'"': "&quot;"})


def _json_feed(model: SiteModel, base: str, title: str, rows: list[tuple[str, NoticeRow]]) -> str:
    items: list[dict[str, str]] = []
    urls, published, calls = _page_urls(model, rows), _stamp(model.today), _calls(model)
    for slug, row in rows:
        entry_title, text = _entry_text(row, calls[slug])
        items.append(
            {"id": _entry_id(slug, row), "title": entry_title, "content_text": text,
             "url": urls[slug], "date_published": published}
        )  # fmt: skip
    data = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": f"{model.config.base_url}{base}",
        "feed_url": f"{model.config.base_url}{base}feed.json",
        "language": "zh-CN",
        "items": items,
    }
    return (
        json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    )  # no indent: C encoder, 10× faster
