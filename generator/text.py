"""Comparing names the way staff mean them, whatever their spreadsheet did to the characters."""

from __future__ import annotations

import unicodedata

from portal.rules.text import drop_invisible, fold_digits

_IGNORED = set("《》〈〉<>\"'“”‘’「」『』")


def normalize_name(text: str) -> str:
    """Return a name for matching: full-width folded, spaces and book-title marks removed, case folded."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and ch not in _IGNORED).casefold()


def key_text(text: str) -> str:
    """Return an identifier (证照编号, 电话) as matched: no control or format characters, ASCII digits."""
    return fold_digits(drop_invisible(text).strip())
