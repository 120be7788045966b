"""Atom and JSON Feed of the 即将到期 notices, for 政务服务网 and 公众号 to syndicate."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from generator.site.model import NOTICE_WINDOWS, NoticeRow, SiteModel
from portal.rules import site_layout as layout
from portal.text import one_line

FEED_WINDOW = min(NOTICE_WINDOWS)  # feeds carry the most urgent window only
SITE_FEED_LIMIT = 1000


def write_feeds(model: SiteModel, docs_dir: Path) -> list[Path]:
    """Write notices/<slug>/feed.{atom,json} per department and feed.{atom,json} for the whole site."""
    written: list[Path] = []
    everything: list[tuple[str, NoticeRow]] = []
    for department in model.catalogs.departments:
        rows = [
            (department.slug, r) for r in model.notices.get(department.slug, ()) if r.days_left <= FEED_WINDOW
        ]
        everything += rows
        base = layout.notices_folder(department.slug)
        written += _write_pair(model, docs_dir / base, base, f"{department.name}：即将到期的证照", rows)
    everything.sort(key=lambda pair: (pair[1].expires_on, pair[0], pair[1].number))
    # The site-wide feed carries the nearest expiries only; each department's feed carries all of its own.
    nearest = everything[:SITE_FEED_LIMIT]
    written += _write_pair(model, docs_dir, "", f"{model.config.name}：即将到期的证照", nearest)
    return written


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


def _entry_text(row: NoticeRow) -> tuple[str, str]:
    # one line of visible text: a control character would make the Atom document invalid XML
    holder, certificate, number = one_line(row.holder), one_line(row.certificate), one_line(row.number)
    title = f"{holder}的{certificate}将于{row.expires_on.isoformat()}到期"
    text = f"{title}（剩余 {row.days_left} 天），证照编号 {number or '—'}。请在法定申请期限前办理延续。"
    return title, text


def _page_url(model: SiteModel, slug: str) -> str:
    return layout.absolute(model.config.base_url, layout.notice_page(slug, FEED_WINDOW))


def _atom(model: SiteModel, base: str, title: str, rows: list[tuple[str, NoticeRow]]) -> bytes:
    """Return an Atom 1.0 document, written as text: ElementTree took seconds for a province's entries."""
    root, updated = model.config.base_url, _stamp(model.today)
    author = escape(model.config.host or model.config.name)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<id>{escape(root + base)}feed.atom</id><title>{escape(title)}</title><updated>{updated}</updated>",
        f'<link rel="self" href="{quoteattr_free(root + base)}feed.atom"/><link rel="alternate" href="{quoteattr_free(root + base)}"/>',
        f"<author><name>{author}</name></author>",
    ]
    for slug, row in rows:
        entry_title, text = _entry_text(row)
        parts.append(
            f"<entry><id>{escape(_entry_id(slug, row))}</id><title>{escape(entry_title)}</title>"
            f'<updated>{updated}</updated><link rel="alternate" href="{quoteattr_free(_page_url(model, slug))}"/>'
            f"<summary>{escape(text)}</summary></entry>"
        )
    parts.append("</feed>\n")
    return "\n".join(parts).encode("utf-8")


def quoteattr_free(value: str) -> str:
    """Return a value escaped for a double-quoted XML attribute."""
    return escape(value, {'"': "&quot;"})


def _json_feed(model: SiteModel, base: str, title: str, rows: list[tuple[str, NoticeRow]]) -> str:
    items = []
    for slug, row in rows:
        entry_title, text = _entry_text(row)
        items.append(
            {"id": _entry_id(slug, row), "title": entry_title, "content_text": text,
             "url": _page_url(model, slug), "date_published": _stamp(model.today)}
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
