from __future__ import annotations

from datetime import date, timedelta

import pytest

from generator.ledger import identifiers as ids

VALID_CREDIT = "91350100M000100Y43"  # the example in GB 32100-2015


def _with_id_check(first17: str) -> str:
    return first17 + ids.id_check_char(first17)


def _with_credit_check(first17: str) -> str:
    return first17 + ids.credit_code_check_char(first17)


def test_credit_code_check_char_matches_the_standard_example() -> None:
    assert ids.credit_code_check_char(VALID_CREDIT[:17]) == "3"


@pytest.mark.parametrize(
    "first17", ["", "9135010", "91350100M000100Y4X", "91350100M000100I4", "91350100m000100y4"]
)
def test_credit_code_check_char_refuses_what_is_not_17_allowed_characters(first17: str) -> None:
    with pytest.raises(ValueError):
        ids.credit_code_check_char(first17)


@pytest.mark.parametrize(
    "text",
    [
        VALID_CREDIT,
        _with_credit_check("91210300MA0QC1234"),
        _with_credit_check("12210300000000000"),
        _with_credit_check("93210302MAYYYYYYY"),
    ],
)
def test_valid_credit_codes(text: str) -> None:
    assert ids.is_valid_credit_code(text)


@pytest.mark.parametrize(
    "text",
    [
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y34",  # two characters swapped
        "91350200M000100Y43",  # one character changed
        VALID_CREDIT.lower(),
        VALID_CREDIT[:17],
        VALID_CREDIT + "3",
        " " + VALID_CREDIT,
        "",
        "91350100I000100Y43",
        "91350100O000100Y43",
        "91350100Z000100Y43",
        "91350100S000100Y43",
        "91350100V000100Y43",
        "9135０100M000100Y43",
    ],
)
def test_invalid_credit_codes(text: str) -> None:
    assert not ids.is_valid_credit_code(text)


@pytest.mark.parametrize("letter", "IOZSV")
def test_credit_code_letters_outside_the_charset_are_refused_even_with_a_matching_check(letter: str) -> None:
    for check in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        assert not ids.is_valid_credit_code(f"91350100{letter}000100Y4{check}")


def test_id_check_char_matches_the_standard_example() -> None:
    assert ids.id_check_char("11010519491231002") == "X"


@pytest.mark.parametrize("first17", ["", "1101051949123100", "1101051949123100X", "11010519491231００2"])
def test_id_check_char_refuses_what_is_not_17_digits(first17: str) -> None:
    with pytest.raises(ValueError):
        ids.id_check_char(first17)


@pytest.mark.parametrize(
    "text",
    [
        "11010519491231002X",
        "11010519491231002x",
        _with_id_check("21030219800101123"),
        _with_id_check("41050220000229456"),  # 2000 is a leap year
        _with_id_check("14110219000101000"),
    ],
)
def test_valid_id_numbers(text: str) -> None:
    assert ids.is_valid_id_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "110105194912310021",  # wrong check digit
        "11010519491231002Y",
        _with_id_check("21030219990230123"),  # 30 February
        _with_id_check("21030219991301123"),  # month 13
        _with_id_check("21030219990100123"),  # day 0
        _with_id_check("21030219000229123"),  # 1900 was not a leap year
        _with_id_check("21030218991231123"),  # before 1900
        _with_id_check("21030220991231123"),  # born in the future
        "11010519491231002",
        "11010519491231002XX",
        "",
        "11010519491231002Ｘ",
    ],
)
def test_invalid_id_numbers(text: str) -> None:
    assert not ids.is_valid_id_number(text)


@pytest.mark.parametrize("today", [date(2026, 11, 23), date(2024, 2, 29), date(2028, 12, 31)])
def test_an_id_number_may_be_born_today_but_not_tomorrow(today: date) -> None:
    tomorrow = today + timedelta(days=1)
    assert ids.is_valid_id_number(_with_id_check(f"210302{today:%Y%m%d}123"), today)
    assert not ids.is_valid_id_number(_with_id_check(f"210302{tomorrow:%Y%m%d}123"), today)


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("8613800138000", "13800138000"),
        ("0086 138 0013 8000", "13800138000"),
        ("＋86－13800138000", "13800138000"),
        (" 138　0013　8000 ", "13800138000"),
        ("0412-5551234", "04125551234"),
        ("（0412）5551234", "04125551234"),
        ("+86 412 5551234", "04125551234"),
        ("022-12345678转123", "02212345678转123"),
        ("010-12345678-123", "01012345678转123"),
        ("0412-5551234 ext. 12", "04125551234转12"),
        ("12345", "12345"),
    ],
)
def test_normalize_phone(text: str, normal: str) -> None:
    assert ids.normalize_phone(text) == normal


@pytest.mark.parametrize(
    "text", ["13800138000", "+86 138-0013-8000", "１３８００１３８０００", "8613800138000", "199 0000 1111"]
)
def test_mobiles(text: str) -> None:
    assert ids.is_mobile(text)
    assert not ids.is_landline(text)


@pytest.mark.parametrize(
    "text",
    [
        "0412-5551234",
        "022-12345678转123",
        "010-12345678",
        "0412 5551234",
        "(0372)2345678",
        "02212345678",
        "0358-5551234#8",
    ],
)
def test_landlines(text: str) -> None:
    assert ids.is_landline(text)
    assert not ids.is_mobile(text)


@pytest.mark.parametrize(
    "text",
    [
        "12345",
        "1380013800",
        "2380013800x",
        "12800138000",
        "138001380001",
        "",
        "0412-555",
        "00412-5551234",
        "电话",
    ],
)
def test_not_phones(text: str) -> None:
    assert not ids.is_mobile(text)
    assert not ids.is_landline(text)


@pytest.mark.parametrize(
    "name", ["张三", "欧阳娜娜", "买买提·艾力", "买买提•艾力", "李四光", "王 芳", "张学友", "阿依古丽·吐尔逊"]
)
def test_person_names(name: str) -> None:
    assert ids.looks_like_person_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "鞍山市华宇化工有限公司",
        "德仁诊所",
        "王记饭店",
        "康宁大药房",
        "红星厂",
        "育才学校",
        "阳光幼儿园",
        "华联超市",
        "立山区卫生院",
        "张三1",
        "Tom",
        "张",
        "",
        "张三李四王五",
        "<b>张三</b>",
    ],
)
def test_not_person_names(name: str) -> None:
    assert not ids.looks_like_person_name(name)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("欧阳娜娜", "欧阳**"),
        ("李四光", "李**"),
        ("司马光", "司马*"),
        ("买买提·艾力", "买*****"),
        ("司马", "司*"),
        ("张", "*"),
        ("", ""),
    ],
)
def test_mask_person_name(name: str, masked: str) -> None:
    assert ids.mask_person_name(name) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("AS-12-2023-004517", "AS*************17"),
        ("0210052024000109", "02************09"),
        ("123456", "12**56"),
        ("12345", "12**45"),
        ("1234", "****"),
        ("ab", "**"),
        ("", ""),
    ],
)
def test_mask_number(text: str, masked: str) -> None:
    assert ids.mask_number(text) == masked


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("victim@example.com", True),
        ("Zhang.San+jz@mail.example.gov.cn", True),
        ("victim@example.com,attacker", False),
        ("victim@example.com;other@example.com", False),
        ("victim@example.com attacker@example.com", False),
        ("张三 <zhangsan@example.com>", False),
        ("<zhangsan@example.com>", False),
        ('"zhang san"@example.com', False),
        ("zhangsan@localhost", False),
        ("zhangsan@example", False),
        ("zhang..san@example.com", False),
        ("zhangsan@-example.com", False),
        ("zhangsan@example.com\r\nBcc: x@evil.example", False),
        ("zhangsan@@example.com", False),
        ("@example.com", False),
        ("x" * 65 + "@example.com", False),
    ],
)
def test_an_email_cell_holds_exactly_one_address(text: str, ok: bool) -> None:
    assert ids.is_email_address(text) is ok
