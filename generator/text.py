"""Comparing names the way staff mean them, whatever their spreadsheet did to the characters."""

from __future__ import annotations

import re
import unicodedata

from portal.rules.text import INVISIBLE_CHARS, drop_invisible, fold_digits

_IGNORED = set("《》〈〉<>\"'“”‘’「」『』")


def normalize_name(text: str) -> str:
    """Return a name for matching: full-width folded, spaces and book-title marks removed, case folded."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and ch not in _IGNORED).casefold()


# Characters that end a line in Excel (Alt+Enter), Word or Unicode text: a space where they stood.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")
_KEPT_IN_TEXT = frozenset("\n\t")
_NAMES = {
    "\n": "换行", "\r": "回车", "\t": "制表符", "\x0b": "垂直制表符（Word 换行）", "\x00": "空字符",
    "\u00ad": "软连字符", "\u200b": "零宽空格", "\ufeff": "BOM", "\u202e": "从右到左覆盖",
    "\u2028": "行分隔符",
}  # fmt: skip


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

    cleaned = INVISIBLE_CHARS.sub(replace, text)
    if not found:
        return text, ""
    if single_line:
        cleaned = re.sub(" {2,}", " ", cleaned).strip()
    return cleaned, "、".join(found)


def key_text(text: str) -> str:
    """Return an identifier (证照编号, 电话) as matched: no control or format characters, ASCII digits."""
    return fold_digits(drop_invisible(text).strip())
