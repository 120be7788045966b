"""The shared text rules: one set of invisible characters, as a pattern and as Unicode categories."""

from __future__ import annotations

import sys

from portal.rules.text import INVISIBLE_CHARS, decode_text, drop_invisible, has_invisible, is_invisible


def test_the_pattern_and_the_categories_name_the_same_characters() -> None:
    differ = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if not 0xD800 <= code <= 0xDFFF
        and (INVISIBLE_CHARS.match(chr(code)) is not None) != is_invisible(chr(code))
    ]
    assert differ == []


def test_invisible_characters_are_found_and_dropped() -> None:
    assert has_invisible("甲\u200b公司") and not has_invisible("甲　公司")  # an ideographic space is visible
    assert drop_invisible("\ufeffA\u00ad-1\u202e") == "A-1"


def test_staff_files_decode_as_utf8_with_or_without_bom_or_gbk() -> None:
    assert decode_text("证照编号,持证单位".encode()) == "证照编号,持证单位"
    assert decode_text("\ufeff证照编号".encode()) == "证照编号"  # Excel's "CSV UTF-8" BOM goes
    assert decode_text("证照编号,持证单位".encode("gbk")) == "证照编号,持证单位"
    assert decode_text(b"\xff\xfe\x00\x00\x81") is None  # neither (UTF-16, binary)
