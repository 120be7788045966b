"""Identifiers as matched, whatever the spreadsheet or the clipboard did to their characters."""

from __future__ import annotations

from portal.rules.text import drop_invisible, fold_digits


def key_text(text: str) -> str:
    """Return an identifier (证照编号, 电话) as matched: no control or format characters, ASCII digits."""
    return fold_digits(drop_invisible(text).strip())
