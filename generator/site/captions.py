"""An mkdocs hook giving every table a caption (表格标题): the heading it stands under, for screen readers.

Markdown tables cannot carry a caption; the heading just above a table says what it holds, so that text
becomes the table's <caption> (visually hidden: the heading already shows it). Listed in mkdocs.yml.
"""

from __future__ import annotations

import re

_PARTS = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>|<table>", re.S)
_TAGS = re.compile(r"<[^>]+>")


def on_page_content(html: str, **_: object) -> str:
    return add_captions(html)


def add_captions(html: str) -> str:
    """Return the page with a caption (the nearest heading above, already escaped) in each bare <table>."""
    parts, done, heading = [], 0, ""
    for match in _PARTS.finditer(html):
        if match.group(1):
            heading = " ".join(_TAGS.sub("", match.group(2)).split())
        elif heading:
            parts += [html[done : match.end()], f'\n<caption class="jz-sr-only">{heading}</caption>']
            done = match.end()
    return "".join(parts) + html[done:]
