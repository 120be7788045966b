"""Phrases staff write in the 目录 (提醒时限, 证照法定有效期), read into values keeping the original text."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from generator.problems import PhraseError

LEAD_TIME_FORMS = "到期前90个工作日、到期前60天、到期前2个月、有效期届满三十日前"
VALIDITY_FORMS = "5年、6个月、原证3年新证5年、3年或5年、5至15年、30年以下、长期、随许可时间而定"


class Unit(enum.Enum):
    """The unit a 提醒时限 is counted in."""

    WORKDAY = "个工作日"  # China's statutory working days (counted by another module)
    DAY = "天"
    MONTH = "个月"


class ValidityKind(enum.Enum):
    """What shape a 证照法定有效期 takes."""

    FIXED = "固定"
    CHOICE = "多选一"
    RANGE = "区间"
    UP_TO = "上限"
    DEPENDENT = "视情况而定"
    PERMANENT = "长期"


_DAYS_PER_MONTH = 30.44
_DAYS_PER = {Unit.WORKDAY: 7 / 5, Unit.DAY: 1.0, Unit.MONTH: _DAYS_PER_MONTH}
_LEAD_LIMITS = {Unit.WORKDAY: 500, Unit.DAY: 730, Unit.MONTH: 36}
_UNIT_WORDS = {
    "工作日": (1, Unit.WORKDAY),
    "自然日": (1, Unit.DAY),
    "日历日": (1, Unit.DAY),
    "天": (1, Unit.DAY),
    "日": (1, Unit.DAY),
    "周": (7, Unit.DAY),
    "星期": (7, Unit.DAY),
    "礼拜": (7, Unit.DAY),
    "月": (1, Unit.MONTH),
    "年": (12, Unit.MONTH),
}
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_MULTIPLIERS)
_QUANTITY = re.compile(rf"(?P<num>\d+|[{_NUMERAL_CHARS}]+)(?P<unit>个?半?(?:{'|'.join(_UNIT_WORDS)})半?)?")
_NONZERO = "一二两三四五六七八九"
_WELL_FORMED = re.compile(
    rf"(?:[{_NONZERO}]?千[零〇]?)?(?:[{_NONZERO}]?百[零〇]?)?(?:[{_NONZERO}]?十)?[{_NONZERO}]?"
)
# "到" also starts 到期, which is never a range.
_RANGE_SEPARATOR = re.compile(r"至|到(?!期)|[-~〜—–]")
# A bare 半年/半个月 is rewritten before reading numbers, so 半 never has to be a number of its own.
_BARE_HALF = re.compile(rf"(?<![\d{_NUMERAL_CHARS}个])半(年|个?月)")
_HALF_UNITS = {"年": (12, 6, Unit.MONTH), "月": (30, 15, Unit.DAY)}
_PERMANENT = re.compile(r"长期|永久|无固定期限|无期限")
_DEPENDENT = re.compile(r"而定|确定|为准|视情况|一致|相同|同步")
_UP_TO = re.compile(r"以下|以内|之内|内|不超过|不超出|最长|最多|至多")


class _Quantity(NamedTuple):
    """A number and the unit word written after it (None when there is none)."""

    raw: str
    number: int | None  # None: a Chinese numeral we cannot read (十十)
    unit: str | None
    start: int
    end: int


@dataclass(frozen=True)
class LeadTime:
    """提醒时限: how long before expiry (期满) something happens."""

    amount: int
    unit: Unit
    text: str  # the original text, untouched, for display
    farthest: tuple[int, Unit] | None = None  # ranges only: the bound farther from expiry

    def plain(self) -> str:
        """Return the lead time in plain words, e.g. 期满前90个工作日（约4个月）."""
        near = _lead_words(self.amount, self.unit)
        if self.farthest is None:
            return f"期满前{near}"
        return f"期满前{_lead_words(*self.farthest)}至{near}之间"

    def approx_days(self) -> float:
        """Return roughly how many calendar days this is (working days count 7/5 each)."""
        return self.amount * _DAYS_PER[self.unit]


@dataclass(frozen=True)
class Validity:
    """证照法定有效期."""

    kind: ValidityKind
    months: tuple[int, ...]  # FIXED: (n,); CHOICE: each option; RANGE: (lo, hi); UP_TO: (max,); else ()
    text: str

    def plain(self) -> str:
        """Return the validity in plain words, e.g. 3年或5年."""
        if self.kind is ValidityKind.DEPENDENT:
            return "视许可情况而定"
        if self.kind is ValidityKind.PERMANENT:
            return "长期有效"
        if self.kind is ValidityKind.UP_TO:
            return f"最长{_months_words(self.months[0])}"
        if self.kind is ValidityKind.RANGE:
            return _range_words(*self.months)
        words = [_months_words(m) for m in self.months]
        return "或".join(words) if len(words) < 3 else "、".join(words[:-1]) + "或" + words[-1]

    @property
    def shortest_months(self) -> int | None:
        """Return the shortest validity the text allows, None when not known (上限, 视情况, 长期)."""
        known = self.kind in (ValidityKind.FIXED, ValidityKind.CHOICE, ValidityKind.RANGE)
        return min(self.months) if known else None

    @property
    def longest_months(self) -> int | None:
        """Return the longest validity the text allows, None when not known or unbounded."""
        return max(self.months) if self.months else None


def parse_lead_time(text: str, *, allow_range: bool = False) -> LeadTime:
    """Return the 提醒时限 written in text; a range (A至B) is allowed only with allow_range."""
    fix = f"请改写为以下写法之一：{LEAD_TIME_FORMS}"
    phrase = _normalise(text)
    if not phrase:
        raise PhraseError("提醒时限为空", fix)
    if "后" in phrase:
        raise PhraseError("写的是到期后的时间，提醒必须在到期前发出", fix)
    if "每" in phrase:
        raise PhraseError("写的是周期（每…），提醒时限应写明期满前多长时间", fix)
    found = _quantities(phrase)
    if not found:
        raise PhraseError("没有写明提前多长时间（缺少数字）", fix)
    if len(found) == 1:
        return LeadTime(*_lead_quantity(found[0], fix), text)
    pair = _range_pair(phrase, found)
    if pair is None or not allow_range:
        raise PhraseError(f"写了{len(found)}个时限，提醒时限只能有一个，请选定其中一个", fix)
    bounds = sorted((_lead_quantity(q, fix) for q in pair), key=lambda b: b[0] * _DAYS_PER[b[1]])
    return LeadTime(*bounds[0], text, farthest=bounds[1])


def parse_validity(text: str) -> Validity:
    """Return the 证照法定有效期 written in text."""
    fix = f"请改写为以下写法之一：{VALIDITY_FORMS}"
    phrase = _normalise(text)
    if not phrase:
        raise PhraseError("有效期为空", fix)
    if _PERMANENT.search(phrase):
        return Validity(ValidityKind.PERMANENT, (), text)
    if _DEPENDENT.search(phrase):
        return Validity(ValidityKind.DEPENDENT, (), text)
    if "以上" in phrase:
        raise PhraseError("写的是最短年限（以上），看不出有效期到底多长", fix)
    if re.search(r"(到期|期满|届满)前", phrase):
        raise PhraseError("写的像提醒时限（到期前…），不是证照有效期", fix)
    found = _quantities(phrase)
    if not found:
        raise PhraseError("看不懂这个有效期（没有写明年限）", fix)
    pair = _range_pair(phrase, found) if len(found) == 2 else None
    if pair is not None:
        low, high = sorted(_validity_months(q, fix) for q in pair)
        if low == high:
            return Validity(ValidityKind.FIXED, (low,), text)
        return Validity(ValidityKind.RANGE, (low, high), text)
    months = tuple(dict.fromkeys(_validity_months(q, fix) for q in found))
    if len(months) > 1:
        return Validity(ValidityKind.CHOICE, months, text)
    return Validity(ValidityKind.UP_TO if _UP_TO.search(phrase) else ValidityKind.FIXED, months, text)


def _normalise(text: str) -> str:
    """Return text in one spelling: NFKC (full-width digits and spaces), no spaces, halves spelt out."""
    phrase = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return _BARE_HALF.sub(lambda m: "6个月" if m[1] == "年" else "15天", phrase)


def _quantities(phrase: str) -> list[_Quantity]:
    """Return every number in the phrase, with the unit word written right after it."""
    return [
        _Quantity(m.group(), _number(m["num"]), m["unit"] and m["unit"].replace("个", ""), m.start(), m.end())
        for m in _QUANTITY.finditer(phrase)
    ]


def _number(word: str) -> int | None:
    """Return the value of Arabic digits or a Chinese numeral (十五, 一百零五, 两百, 一八〇)."""
    if word.isdigit():
        return int(word)
    if not any(c in _MULTIPLIERS for c in word):
        return int("".join(str(_DIGITS[c]) for c in word))
    if not _WELL_FORMED.fullmatch(word):
        return None
    total, digit = 0, 0
    for char in word:
        if char in _MULTIPLIERS:
            total += (digit or 1) * _MULTIPLIERS[char]  # a bare 十 or 百 means one of them
            digit = 0
        else:
            digit = _DIGITS[char]
    return total + digit


def _range_pair(phrase: str, found: list[_Quantity]) -> tuple[_Quantity, _Quantity] | None:
    """Return the two ends of an A至B range, the first taking the last's unit if written once; else None."""
    if len(found) != 2 or not _RANGE_SEPARATOR.search(phrase[found[0].end : found[1].start]):
        return None
    first, last = found
    return (first._replace(unit=first.unit or last.unit), last)


def _quantity(found: _Quantity, fix: str) -> tuple[int, Unit]:
    """Return the number and unit of one quantity, converted to the units we keep (周 → 天, 年 → 个月)."""
    if found.number is None:
        raise PhraseError(f"看不懂“{found.raw}”中的数字", fix)
    if found.unit is None:
        raise PhraseError(f"“{found.raw}”后面缺少时间单位或单位无法识别（可用工作日、天、周、个月、年）", fix)
    if "半" in found.unit:
        return _with_half(found.number, found.unit.replace("半", ""), found.raw, fix)
    factor, unit = _UNIT_WORDS[found.unit]
    return found.number * factor, unit


def _with_half(number: int, word: str, raw: str, fix: str) -> tuple[int, Unit]:
    """Return 一年半 as 18 months and 一个半月 as 45 days (as 半个月 is 15); other halves are refused."""
    if word not in _HALF_UNITS:
        raise PhraseError(f"“{raw}”中的“半”只能用于年或月，请换算成整数", fix)
    step, half, unit = _HALF_UNITS[word]
    return number * step + half, unit


def _lead_quantity(found: _Quantity, fix: str) -> tuple[int, Unit]:
    """Return one quantity as a lead time, refusing zero and absurdly long ones."""
    amount, unit = _quantity(found, fix)
    if amount == 0:
        raise PhraseError("提醒时限不能为0", fix)
    if amount > _LEAD_LIMITS[unit]:
        raise PhraseError("提醒时限过长（最多500个工作日、730天或36个月）", fix)
    return amount, unit


def _validity_months(found: _Quantity, fix: str) -> int:
    """Return one quantity of a validity in months."""
    amount, unit = _quantity(found, fix)
    if unit is not Unit.MONTH:
        raise PhraseError("有效期只能以年或月为单位", fix)
    if amount == 0:
        raise PhraseError("有效期不能为0", fix)
    return amount


def _lead_words(amount: int, unit: Unit) -> str:
    """Return e.g. 90个工作日（约4个月）."""
    return f"{amount}{unit.value}{_approx_note(amount, unit)}"


def _approx_note(amount: int, unit: Unit) -> str:
    """Return a bracketed rough size (weeks below four weeks, half-months above), or "" if it adds nothing."""
    if unit is Unit.MONTH:
        return f"（{amount // 12}年）" if amount % 12 == 0 else ""
    if unit is Unit.DAY and amount % 7 == 0 and amount < 42:
        return f"（{amount // 7}周）"
    days = amount * _DAYS_PER[unit]
    if days < 7:
        return "" if unit is Unit.DAY else f"（约{round(days)}天）"
    if days < 28:
        return f"（约{round(days / 7)}周）"
    halves = round(days / _DAYS_PER_MONTH * 2)
    return f"（约{halves // 2}个半月）" if halves % 2 else f"（约{halves // 2}个月）"


def _months_words(months: int) -> str:
    """Return e.g. 5年, 6个月, 1年6个月."""
    years, rest = divmod(months, 12)
    if not rest:
        return f"{years}年"
    return f"{years}年{rest}个月" if years else f"{rest}个月"


def _range_words(low: int, high: int) -> str:
    """Return e.g. 5至15年, 3至6个月, 6个月至2年."""
    if low % 12 == 0 and high % 12 == 0:
        return f"{low // 12}至{high // 12}年"
    if high < 12:
        return f"{low}至{high}个月"
    return f"{_months_words(low)}至{_months_words(high)}"
