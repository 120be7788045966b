"""Text as staff paste it: invisible characters cleaned, names on one line, digits of any script folded."""

from __future__ import annotations

import pytest

from generator.text import clean_text, key_text
from portal.rules.text import fold_digits, has_invisible


@pytest.mark.parametrize(
    ("written", "cleaned"),
    [
        ("甲\x0b公司", "甲 公司"),  # a Word line break pasted into Excel
        ("甲公司\x00\x07", "甲公司"),
        ("甲\u200b公\u00ad司\ufeff", "甲公司"),  # zero-width space, soft hyphen, BOM
        ("\u202e司公甲", "司公甲"),  # right-to-left override
        ("东丽区\n政务服务办公室", "东丽区 政务服务办公室"),  # Alt+Enter
        ("甲\r\n\r\n公司", "甲 公司"),
    ],
)
def test_single_line_text_is_cleaned(written: str, cleaned: str) -> None:
    text, found = clean_text(written)
    assert text == cleaned and found and not has_invisible(text)


def test_multi_line_text_keeps_its_line_breaks() -> None:
    assert clean_text("第一行\n第二行\u200b", single_line=False) == ("第一行\n第二行", "U+200B 零宽空格")


def test_clean_text_names_what_it_found() -> None:
    assert clean_text("张三\x0b")[1] == "U+000B 垂直制表符（Word 换行）"


def test_ordinary_text_is_left_alone() -> None:
    assert clean_text("鞍山市　华宇 化工") == ("鞍山市　华宇 化工", "")
    assert not has_invisible("鞍山市　华宇 化工")


def test_digits_of_every_script_fold_to_ascii() -> None:
    assert fold_digits("ＷＪ-０９-٢٠٢٤-۰۰۰۰۷۳") == "ＷＪ-09-2024-000073"


def test_a_number_pasted_from_word_matches() -> None:
    assert key_text("\ufeffWJ-09\u200b-2024-\u00ad０００073 ") == "WJ-09-2024-000073"
