"""Text for the site's pages: escaped for Markdown tables, demo facts visibly marked."""

from __future__ import annotations

import html

from generator.catalog.model import is_sample


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
