"""Identifiers as staff paste them: invisible characters dropped, digits of any script folded."""

from __future__ import annotations

from generator.text import key_text


def test_a_number_pasted_from_word_matches() -> None:
    assert key_text("\ufeffWJ-09\u200b-2024-\u00ad０００073 ") == "WJ-09-2024-000073"
