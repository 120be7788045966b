"""Comparing names the way staff mean them, whatever their spreadsheet did to the characters."""

from __future__ import annotations

import unicodedata

_IGNORED = set("《》〈〉<>\"'“”‘’「」『』")


def normalize_name(text: str) -> str:
    """Return a name for matching: full-width folded, spaces and book-title marks removed, case folded."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and ch not in _IGNORED).casefold()
