"""Text for the site's pages: every value from a catalogue, ledger or YAML file is shown as text, never as markup.

Values go into Markdown, which would turn `[x](javascript:…)` into a link and `<img onerror=…>` into an image.
So each value is HTML-escaped and every character Markdown (and attr_list's `{: …}`) reads as syntax is written
as a character reference: Markdown passes references through untouched and the browser shows the character.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import quote

from generator.catalog.model import is_sample
from portal.rules.text import is_http_url, is_local_path, one_line

_MARKDOWN = {ch: f"&#{ord(ch)};" for ch in "\\`*_[]{}|#!~"}
_MARKDOWN_TABLE = str.maketrans(_MARKDOWN)
_LINE_START = re.compile(r"^(?:[-+=>:]|\d+[.)](?=\s|$))")  # lists, quotes, setext/definition markers


def html_text(value: object) -> str:
    """Return a value as HTML text on one line: escaped, line breaks and invisible characters gone."""
    return html.escape(one_line(str(value)), quote=False)


def cell(value: object) -> str:
    """Return a value safe anywhere in the Markdown of a page (a table cell, a heading, a list item): text only."""
    text = html_text(value)
    text = text.translate(_MARKDOWN_TABLE)
    return _LINE_START.sub(lambda m: m.group(0)[:-1] + f"&#{ord(m.group(0)[-1])};", text)


def fact(value: str) -> str:
    """Return a fact for display; invented demo facts (【示例】) carry a visible badge."""
    if not value:
        return "（未提供）"
    if is_sample(value):
        return '<span class="jz-sample">示例</span> ' + cell(value.replace("【示例】", ""))
    return cell(value)


def link(url: str) -> str:
    """Return an http(s) address as a link; anything else (javascript:, data:, Markdown) only as text."""
    if not is_http_url(url):
        return cell(url)
    return f'<a href="{_attribute(url)}">{cell(url)}</a>'


def href(url: str, fallback: str) -> str:
    """Return url for an attribute when it is http(s) or a path on this site, else fallback (both escaped)."""
    safe = url if is_http_url(url) or is_local_path(url) else fallback
    return _attribute(safe)


def _attribute(url: str) -> str:
    # Markdown's link pattern runs before raw HTML is set aside: "[x](javascript:…)" inside an href would match.
    return html.escape(url.strip(), quote=True).translate(_MARKDOWN_TABLE)


def path(segment: str) -> str:
    """Return a folder or file name (a department's code) for a link target: percent-encoded, never a scheme."""
    return quote(segment, safe="")


def title_meta(value: str) -> str:
    """Return a page title for the front matter (YAML): the theme prints it as it is, so it is escaped here."""
    return json.dumps(html_text(value), ensure_ascii=False)  # JSON strings are YAML strings


def footer_facts(config: dict[str, Any]) -> dict[str, Any]:
    """Return the footer's settings with every link that is not http(s) blanked (shown as text instead)."""
    facts = dict(config)
    for key in ("icp_url", "police_url"):
        if not is_http_url(str(facts.get(key) or "")):
            facts[key] = ""
    return facts
