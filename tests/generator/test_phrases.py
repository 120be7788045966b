"""Tests for generator.phrases: 提醒时限 and 证照法定有效期 as staff write them."""

from __future__ import annotations

import re

import pytest

from generator.phrases import (
    LEAD_TIME_FORMS,
    VALIDITY_FORMS,
    LeadTime,
    Unit,
    Validity,
    ValidityKind,
    parse_lead_time,
    parse_validity,
)
from generator.problems import PhraseError

WORKDAY, DAY, MONTH = Unit.WORKDAY, Unit.DAY, Unit.MONTH
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def assert_refused(error: pytest.ExceptionInfo[PhraseError], forms: str, *words: str) -> None:
    """Check a refusal is explained in Chinese, names the accepted forms, and says the given words."""
    assert CHINESE.search(error.value.message)
    assert forms in error.value.fix
    for word in words:
        assert word in error.value.message


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("到期前90个工作日", 90, WORKDAY),
        ("到期前 90 个工作日", 90, WORKDAY),
        ("到期前 60 天", 60, DAY),
        ("到期前45日", 45, DAY),
        ("有效期到期前2个月", 2, MONTH),
        ("有效期满前一个月", 1, MONTH),
        ("期满前3个月内", 3, MONTH),
        ("有效期届满三十日前", 30, DAY),
        ("有效期届满前30日", 30, DAY),
        ("届满30个工作日前", 30, WORKDAY),
        ("到期前一个月左右", 1, MONTH),
        ("3 个月", 3, MONTH),
        ("30天", 30, DAY),
        ("10天", 10, DAY),
        ("一个月", 1, MONTH),
        ("到期前180个工作日", 180, WORKDAY),
        ("到期前２０天", 20, DAY),
        ("到期前 两个月", 2, MONTH),
        ("到期前一百八十天", 180, DAY),
        ("到期前十五天", 15, DAY),
        ("到期前二十个工作日", 20, WORKDAY),
        ("到期前2周", 14, DAY),
        ("到期前两个星期", 14, DAY),
        ("到期前1年", 12, MONTH),
        ("期满前半年", 6, MONTH),
        ("到期前半个月", 15, DAY),
        ("到期前一年半", 18, MONTH),
        ("到期前一个半月", 45, DAY),
        ("提前30天提醒", 30, DAY),
        ("有效期届满前30个自然日", 30, DAY),
        (" 到 期 前 3 0 天 ", 30, DAY),
        ("到期前\u300030\u3000天", 30, DAY),
        ("到期前９０个工作日", 90, WORKDAY),
        ("\t到期前60天\n", 60, DAY),
    ],
)
def test_lead_time_parses(text: str, amount: int, unit: Unit) -> None:
    lead = parse_lead_time(text)
    assert (lead.amount, lead.unit, lead.farthest) == (amount, unit, None)
    assert lead.text == text


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("零", 0),
        ("一", 1),
        ("两", 2),
        ("九", 9),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("三十", 30),
        ("九十", 90),
        ("百", 100),
        ("一百", 100),
        ("两百", 200),
        ("一百零五", 105),
        ("一百〇五", 105),
        ("一百八十", 180),
        ("一百一十", 110),
        ("一八〇", 180),
    ],
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    if value == 0:
        with pytest.raises(PhraseError):
            parse_lead_time(f"到期前{numeral}天")
        return
    assert parse_lead_time(f"到期前{numeral}天").amount == value


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("到期后三十天内", ("到期后",)),
        ("期满后30天", ("到期后",)),
        ("到期前", ("数字",)),
        ("及时提醒", ("数字",)),
        ("", ("为空",)),
        ("   ", ("为空",)),
        ("到期前0天", ("不能为0",)),
        ("到期前零个工作日", ("不能为0",)),
        ("到期前30天或60天", ("选定其中一个",)),
        ("到期前30天至60天", ("选定其中一个",)),
        ("到期前30天、60天、90天", ("选定其中一个",)),
        ("到期前30公里", ("30", "单位")),
        ("到期前30", ("单位",)),
        ("到期前501个工作日", ("提醒时限过长",)),
        ("到期前731天", ("提醒时限过长",)),
        ("到期前37个月", ("提醒时限过长",)),
        ("到期前4年", ("提醒时限过长",)),
        ("到期前105周", ("提醒时限过长",)),
        ("到期前十十天", ("十十", "数字")),
        ("到期前一周半", ("半",)),
        ("每月1日", ("每",)),
    ],
)
def test_lead_time_refused(text: str, words: tuple[str, ...]) -> None:
    with pytest.raises(PhraseError) as error:
        parse_lead_time(text)
    assert_refused(error, LEAD_TIME_FORMS, *words)


@pytest.mark.parametrize(
    ("text", "nearer", "farthest"),
    [
        ("有效期届满前90个工作日至30个工作日期间", (30, WORKDAY), (90, WORKDAY)),
        ("有效期届满前六个月至两个月期间", (2, MONTH), (6, MONTH)),
        ("到期前30天至60天", (30, DAY), (60, DAY)),
        ("到期前60-30天", (30, DAY), (60, DAY)),
        ("到期前60到30天", (30, DAY), (60, DAY)),
        ("到期前 90 至 30 个工作日", (30, WORKDAY), (90, WORKDAY)),
        ("届满前3个月至30个工作日", (30, WORKDAY), (3, MONTH)),
    ],
)
def test_lead_time_range(text: str, nearer: tuple[int, Unit], farthest: tuple[int, Unit]) -> None:
    lead = parse_lead_time(text, allow_range=True)
    assert ((lead.amount, lead.unit), lead.farthest) == (nearer, farthest)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("到期前30天或60天", ("选定其中一个",)),
        ("到期前0天至30天", ("不能为0",)),
        ("到期前30天至1000天", ("提醒时限过长",)),
        ("到期前30至60", ("单位",)),
        ("到期后60天至30天", ("到期后",)),
    ],
)
def test_lead_time_range_refused(text: str, words: tuple[str, ...]) -> None:
    with pytest.raises(PhraseError) as error:
        parse_lead_time(text, allow_range=True)
    assert_refused(error, LEAD_TIME_FORMS, *words)


def test_single_lead_time_allowed_where_ranges_are() -> None:
    assert parse_lead_time("有效期届满前30日", allow_range=True) == LeadTime(30, DAY, "有效期届满前30日")


@pytest.mark.parametrize(
    ("amount", "unit", "plain"),
    [
        (90, WORKDAY, "期满前90个工作日（约4个月）"),
        (60, DAY, "期满前60天（约2个月）"),
        (10, WORKDAY, "期满前10个工作日（约2周）"),
        (2, MONTH, "期满前2个月"),
        (30, DAY, "期满前30天（约1个月）"),
        (7, DAY, "期满前7天（1周）"),
        (14, DAY, "期满前14天（2周）"),
        (45, DAY, "期满前45天（约1个半月）"),
        (3, DAY, "期满前3天"),
        (3, WORKDAY, "期满前3个工作日（约4天）"),
        (10, DAY, "期满前10天（约1周）"),
        (12, MONTH, "期满前12个月（1年）"),
        (180, DAY, "期满前180天（约6个月）"),
    ],
)
def test_lead_time_plain(amount: int, unit: Unit, plain: str) -> None:
    assert LeadTime(amount, unit, "").plain() == plain


def test_range_plain_names_both_bounds() -> None:
    lead = parse_lead_time("有效期届满前90个工作日至30个工作日期间", allow_range=True)
    assert lead.plain() == "期满前90个工作日（约4个月）至30个工作日（约1个半月）之间"


@pytest.mark.parametrize(
    ("amount", "unit", "days"),
    [(90, WORKDAY, 126.0), (60, DAY, 60.0), (2, MONTH, 60.88), (5, WORKDAY, 7.0)],
)
def test_approx_days(amount: int, unit: Unit, days: float) -> None:
    assert LeadTime(amount, unit, "").approx_days() == pytest.approx(days)


@pytest.mark.parametrize(
    ("text", "kind", "months"),
    [
        ("5年", ValidityKind.FIXED, (60,)),
        ("4 年", ValidityKind.FIXED, (48,)),
        ("1年", ValidityKind.FIXED, (12,)),
        ("4年", ValidityKind.FIXED, (48,)),
        ("8年", ValidityKind.FIXED, (96,)),
        ("三年", ValidityKind.FIXED, (36,)),
        ("6个月", ValidityKind.FIXED, (6,)),
        ("半年", ValidityKind.FIXED, (6,)),
        ("两年半", ValidityKind.FIXED, (30,)),
        ("十二年", ValidityKind.FIXED, (144,)),
        ("５年", ValidityKind.FIXED, (60,)),
        ("30 年以下", ValidityKind.UP_TO, (360,)),
        ("不超过5年", ValidityKind.UP_TO, (60,)),
        ("最长5年", ValidityKind.UP_TO, (60,)),
        ("原证 3 年 新证 5 年", ValidityKind.CHOICE, (36, 60)),
        ("5年或15年", ValidityKind.CHOICE, (60, 180)),
        ("2年/3年/4年", ValidityKind.CHOICE, (24, 36, 48)),
        ("5-15年", ValidityKind.RANGE, (60, 180)),
        ("3至5年不等", ValidityKind.RANGE, (36, 60)),
        ("3~5年", ValidityKind.RANGE, (36, 60)),
        ("6个月至2年", ValidityKind.RANGE, (6, 24)),
        ("随公司许可时间而定", ValidityKind.DEPENDENT, ()),
        ("随平台许可时间而定", ValidityKind.DEPENDENT, ()),
        ("按申请人申请……确定", ValidityKind.DEPENDENT, ()),
        (
            "经营范围涉及前置许可项目的依据许可证项目的，按申请人申请置许可项目的时间确定",
            ValidityKind.DEPENDENT,
            (),
        ),
        ("以批准文件为准", ValidityKind.DEPENDENT, ()),
        ("长期", ValidityKind.PERMANENT, ()),
        ("长期有效", ValidityKind.PERMANENT, ()),
        ("无固定期限", ValidityKind.PERMANENT, ()),
    ],
)
def test_validity_parses(text: str, kind: ValidityKind, months: tuple[int, ...]) -> None:
    assert parse_validity(text) == Validity(kind, months, text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", ("为空",)),
        ("很久", ("看不懂",)),
        ("5公里", ("5", "单位")),
        ("0年", ("不能为0",)),
        ("90天", ("年或月",)),
        ("5年以上", ("以上",)),
        ("有效期到期前2个月", ("提醒时限",)),
        ("五五十年", ("数字",)),
    ],
)
def test_validity_refused(text: str, words: tuple[str, ...]) -> None:
    with pytest.raises(PhraseError) as error:
        parse_validity(text)
    assert_refused(error, VALIDITY_FORMS, *words)


@pytest.mark.parametrize(
    ("text", "plain", "shortest", "longest"),
    [
        ("5年", "5年", 60, 60),
        ("6个月", "6个月", 6, 6),
        ("18个月", "1年6个月", 18, 18),
        ("原证 3 年 新证 5 年", "3年或5年", 36, 60),
        ("2年/3年/4年", "2年、3年或4年", 24, 48),
        ("5-15年", "5至15年", 60, 180),
        ("3至6个月", "3至6个月", 3, 6),
        ("6个月至2年", "6个月至2年", 6, 24),
        ("30 年以下", "最长30年", None, 360),
        ("随平台许可时间而定", "视许可情况而定", None, None),
        ("长期", "长期有效", None, None),
    ],
)
def test_validity_plain_and_bounds(text: str, plain: str, shortest: int | None, longest: int | None) -> None:
    validity = parse_validity(text)
    assert (validity.plain(), validity.shortest_months, validity.longest_months) == (plain, shortest, longest)
