"""Scanning HTML the way a browser would read it: what runs (scripts, on* handlers, javascript:/data: links)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "srcset",
    "data",
    "poster",
    "xlink:href",
    "background",
}
_BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


@dataclass
class PageScan:
    """What one page holds: its visible text, the live parts a payload could have added."""

    text: str = ""
    handlers: list[str] = field(default_factory=list)  # on* attributes
    bad_links: list[str] = field(default_factory=list)  # javascript:/data:/vbscript: in a URL attribute
    scripts: list[str] = field(default_factory=list)  # inline script text and script src
    links: list[str] = field(default_factory=list)  # every href


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan, self._text, self._in_script = PageScan(), list[str](), False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            plain = "".join(ch for ch in (value or "") if ch.isprintable() and not ch.isspace()).lower()
            if name.startswith("on"):
                self.scan.handlers.append(f"<{tag} {name}={value!r}>")
            if name in _URL_ATTRIBUTES and plain.startswith(_BAD_SCHEMES):
                self.scan.bad_links.append(f"<{tag} {name}={value!r}>")
            if name == "href":
                self.scan.links.append(value or "")
        if tag == "script":
            self._in_script = True
            self.scan.scripts += [f"src={v}" for n, v in attrs if n == "src"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scan.scripts if self._in_script else self._text).append(data)


def scan_html(source: str) -> PageScan:
    """Return what a page holds, parsed with html.parser (entities decoded)."""
    scanner = _Scanner()
    scanner.feed(source)
    scanner.close()
    scanner.scan.text = " ".join(" ".join(scanner._text).split())
    return scanner.scan
