"""Comparing names the way staff mean them, whatever their spreadsheet did to the characters."""

from __future__ import annotations

import re
import unicodedata

_IGNORED = set("《》〈〉<>\"'“”‘’「」『』")


def normalize_name(text: str) -> str:
    """Return a name for matching: full-width folded, spaces and book-title marks removed, case folded."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and ch not in _IGNORED).casefold()


# Control (Cc), format (Cf) and line/paragraph separator (Zl, Zp) characters, as of Unicode 14: what a Word
# line break (vertical tab), a web page (zero-width space, soft hyphen) or a BOM leaves in a cell.
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
# Characters that end a line in Excel (Alt+Enter), Word or Unicode text: a space where they stood.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")
_KEPT_IN_TEXT = frozenset("\n\t")
_NAMES = {
    "\n": "换行", "\r": "回车", "\t": "制表符", "\x0b": "垂直制表符（Word 换行）", "\x00": "空字符",
    "\u00ad": "软连字符", "\u200b": "零宽空格", "\ufeff": "BOM", "\u202e": "从右到左覆盖",
    "\u2028": "行分隔符",
}  # fmt: skip


def has_invisible(text: str) -> bool:
    """Return whether text holds a control or format character (fast when it holds none)."""
    return not text.isprintable() and _INVISIBLE.search(text) is not None


def clean_text(text: str, single_line: bool = True) -> tuple[str, str]:
    """Return text without control and format characters, and which ones were found ('' when none).

    Line breaks become a space in single-line text (names, numbers); elsewhere a line break or tab is kept.
    """
    found: list[str] = []

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if not single_line and char in _KEPT_IN_TEXT:
            return char
        name = f"U+{ord(char):04X}" + (f" {_NAMES[char]}" if char in _NAMES else "")
        if name not in found:
            found.append(name)
        return " " if char in _LINE_BREAKS or char == "\t" else ""

    cleaned = _INVISIBLE.sub(replace, text)
    if not found:
        return text, ""
    if single_line:
        cleaned = re.sub(" {2,}", " ", cleaned).strip()
    return cleaned, "、".join(found)


def fold_digits(text: str) -> str:
    """Return text with every Unicode decimal digit (全角 ０, Arabic-Indic ٣ …) as its ASCII digit."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def key_text(text: str) -> str:
    """Return an identifier (证照编号, 电话) as matched: no control or format characters, ASCII digits."""
    if has_invisible(text):
        text = _INVISIBLE.sub("", text)
    return fold_digits(text.strip())


def strip_invisible(text: str) -> str:
    """Return text without its control and format characters."""
    return _INVISIBLE.sub("", text)
