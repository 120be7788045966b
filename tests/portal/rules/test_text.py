"""The shared text rules: one set of invisible characters, as a pattern and as Unicode categories."""

from __future__ import annotations

import sys

import pytest

from portal.rules.text import (
    INVISIBLE_CHARS,
    clean_text,
    decode_text,
    drop_invisible,
    fold_digits,
    has_invisible,
    is_invisible,
    normalize_name,
    split_list,
    yes_no,
)


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


def test_every_line_break_of_either_old_copy_is_one() -> None:
    """The generator's and the YAML reader's clean_text differed; one now, with the union of their line breaks."""
    assert clean_text("东丽区\r\n政务服务办公室\u200b\x07")[0] == "东丽区 政务服务办公室"
    assert clean_text("甲\u2028乙\v丙\t丁\x1c戊\x85己")[0] == "甲 乙 丙 丁 戊 己"
    assert clean_text("第一段\r\n第二段\x00", single_line=False)[0] == "第一段\n第二段"
    # In text that keeps its lines a Word line break, CR, NEL or U+2028 is a line break, not a space.
    assert clean_text("一\x0b二\r三\x85四\u2029五\t六", single_line=False)[0] == "一\n二\n三\n四\n五\t六"


def test_ordinary_text_is_left_alone() -> None:
    assert clean_text("鞍山市　华宇 化工") == ("鞍山市　华宇 化工", "")
    assert not has_invisible("鞍山市　华宇 化工")


def test_digits_of_every_script_fold_to_ascii() -> None:
    assert fold_digits("ＷＪ-０９-٢٠٢٤-۰۰۰۰۷۳") == "ＷＪ-09-2024-000073"


def test_a_name_is_the_same_however_it_is_written() -> None:
    """The generator's catalog matching and the portal's search normalised names apart; one rule now, both ways."""
    same = ("《食品经营许可证》", "食品经营 许可证", "食品\u200b经营许可证", "“食品经营许可证”")
    assert {normalize_name(name) for name in same} == {"食品经营许可证"}
    assert normalize_name("ＡＢＣ 阳光\u00ad幼儿园") == normalize_name("abc阳光幼儿园") == "abc阳光幼儿园"


def test_a_list_typed_as_one_text_splits_at_every_separator_staff_use() -> None:
    """The catalog's 提醒方式 cells and the console's form split apart (no / there, no line break here); one rule now."""
    typed = "人工电话通知、短信提醒,点对点函告 / 微信；当面告知\n电子邮件 ;"
    assert split_list(typed) == ("人工电话通知", "短信提醒", "点对点函告", "微信", "当面告知", "电子邮件")
    assert split_list("") == () and split_list(" 、 ") == ()


def test_one_yes_no_vocabulary_for_every_setting() -> None:
    """YAML flags, JIAOZAO_CACHE=off, JIAOZAO_SMTP_STARTTLS and JIAOZAO_CONSOLE_* flags each had their own words."""
    assert [yes_no(w) for w in ("1", "true", "Yes", " ON ", "是")] == [True] * 5
    assert [yes_no(w) for w in ("0", "FALSE", "no", "off", "否")] == [False] * 5
    assert yes_no("") is None and yes_no("y") is None and yes_no("开") is None
    assert yes_no("1", digits=False) is None and yes_no("是", digits=False) is True  # a YAML file's flag
