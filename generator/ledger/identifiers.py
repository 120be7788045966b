"""Identifiers found in a 台账 (信用代码, 身份证号, 电话, 姓名), checked fast enough for a million rows."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from portal.rules.china import china_today

_CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# One dict per position, value already multiplied by the weight: a check is 17 lookups and a sum.
_CREDIT_TERMS = tuple({ch: i * w for i, ch in enumerate(_CREDIT_CHARSET)} for w in _CREDIT_WEIGHTS)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_TERMS = tuple({str(d): d * w for d in range(10)} for w in _ID_WEIGHTS)
_ID_CHECK = "10X98765432"
_MONTH_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_FIRST_BIRTH = 19000101
# Birth dates before this year's start are in the past for as long as the process runs; only later ones
# need today's date, which costs more than the rest of the check.
_SURELY_PAST = china_today().year * 10000 + 101

_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area codes are 010, 02x or 0[3-9]xx; local numbers have 7–8 digits.
_LANDLINE = re.compile(r"0(?:10|2\d|[3-9]\d\d)\d{7,8}(?:转\d{1,6})?")
_EXTENSION = re.compile(r"(.+?)(?:转|分机|ext\.?|#)(\d{1,6})", re.IGNORECASE)
_DASHED_EXTENSION = re.compile(r"(0\d{2,3}-\d{7,8})-(\d{1,6})")
_SPACES = str.maketrans("", "", " \t\r\n\u3000\u00a0")
_PHONE_NOISE = str.maketrans("", "", "-()\u2010\u2011\u2012\u2013\u2014\u2015")

# RFC 5322 addr-spec, strictly: a dot-atom local part (no quoted strings, comments or display names) and a
# domain of at least two DNS labels — so a cell can never name a second recipient or smuggle a header.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(
    rf"{_ATEXT}(?:\.{_ATEXT})*@{_LABEL}(?:\.{_LABEL})*\.(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}})"
)

_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ebef]"
_PLAIN_NAME = re.compile(f"{_HAN}{{2,4}}")
_DOTTED_NAME = re.compile(f"{_HAN}{{1,8}}(?:·{_HAN}{{1,8}}){{1,3}}")
_DOTS = str.maketrans("•・‧∙⋅．", "······", " \t\u3000")
# Words that only organisations carry, wherever they stand in the name.
_ORG_WORDS = re.compile(
    "公司|集团|合作|协会|中心|医院|诊所|卫生院|卫生室|门诊|药房|药店|超市|酒店|宾馆|饭店"
    "|商行|商店|商贸|学校|学院|大学|中学|小学|幼儿园|公园|花园|乐园|园区|农场|工厂"
    "|加油|经营|服务|工作室|事务|研究"
)
# Single characters that end organisation names (德仁诊所, 王记饭店) but also occur inside given names
# (张学友, 王会军), so they only count as the last character.
_ORG_ENDINGS = frozenset("厂店部站社所院馆局委会行处队场校商")
# Two-character surnames, written back to back: 欧阳 司马 上官 …
_COMPOUND_SURNAME_TEXT = (
    "欧阳司马上官诸葛东方皇甫尉迟公孙慕容令狐长孙宇文司徒夏侯轩辕端木南宫西门独孤呼延万俟闻人澹台"
    "公冶宗政濮阳淳于单于太叔申屠钟离赫连百里东郭拓跋鲜于闾丘左丘第五梁丘公羊谷梁乐正漆雕司空司寇"
    "亓官巫马羊舌微生南门东门公西"
)
_COMPOUND_SURNAMES = frozenset(
    _COMPOUND_SURNAME_TEXT[i : i + 2] for i in range(0, len(_COMPOUND_SURNAME_TEXT), 2)
)


def credit_code_check_char(first17: str) -> str:
    """Return the 18th character of a 统一社会信用代码 (GB 32100-2015) from its first 17."""
    if len(first17) != 17:
        raise ValueError(f"expected 17 characters, got {len(first17)}: {first17!r}")
    try:
        total = sum(map(dict.__getitem__, _CREDIT_TERMS, first17))
    except KeyError as error:
        raise ValueError(f"character {error.args[0]!r} is not allowed in a credit code") from None
    return _CREDIT_CHARSET[-total % 31]


def is_valid_credit_code(text: str) -> bool:
    """Return whether text is an 18-character 统一社会信用代码 with the right check character (upper case)."""
    if len(text) != 18:
        return False
    try:
        total = sum(map(dict.__getitem__, _CREDIT_TERMS, text))
    except KeyError:
        return False
    return _CREDIT_CHARSET[-total % 31] == text[17]


def id_check_char(first17: str) -> str:
    """Return the 18th character of a 身份证号 (GB 11643-1999) from its first 17 digits."""
    if len(first17) != 17:
        raise ValueError(f"expected 17 digits, got {len(first17)}: {first17!r}")
    try:
        total = sum(map(dict.__getitem__, _ID_TERMS, first17))
    except KeyError as error:
        raise ValueError(f"character {error.args[0]!r} is not a digit") from None
    return _ID_CHECK[total % 11]


def is_valid_id_number(text: str, today: date | None = None) -> bool:
    """Return whether text is an 18-character 身份证号 with a right check character and a real birth date.

    today: the day no birth date may be after (default: today in China, the one clock).
    """
    if len(text) != 18:
        return False
    try:
        total = sum(map(dict.__getitem__, _ID_TERMS, text))
    except KeyError:
        return False
    last = text[17]
    if _ID_CHECK[total % 11] != (last if last != "x" else "X"):
        return False
    return _is_birth_date(int(text[6:14]), today)


def _is_birth_date(yyyymmdd: int, today: date | None) -> bool:
    year, month_day = divmod(yyyymmdd, 10000)
    month, day = divmod(month_day, 100)
    if not (1 <= month <= 12 and 1 <= day <= _MONTH_DAYS[month]):
        return False
    if month == 2 and day == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return False
    if today is None:
        if yyyymmdd < _SURELY_PAST:
            return yyyymmdd >= _FIRST_BIRTH
        today = china_today()
    return _FIRST_BIRTH <= yyyymmdd <= today.year * 10000 + today.month * 100 + today.day


def normalize_phone(text: str) -> str:
    """Return a phone number as bare digits (全角, spaces, hyphens, +86 dropped); 转 marks an extension."""
    if _MOBILE.fullmatch(text):
        return text
    text = unicodedata.normalize("NFKC", text).translate(_SPACES)
    match = _EXTENSION.fullmatch(text) or _DASHED_EXTENSION.fullmatch(text)
    main, extension = (match.group(1), match.group(2)) if match else (text, "")
    main = _strip_country_code(main.translate(_PHONE_NOISE))
    return f"{main}转{extension}" if extension else main


def _strip_country_code(digits: str) -> str:
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            rest = digits[len(prefix) :]
            # Abroad, Chinese landlines are dialled without the trunk 0 (+86 412 …).
            return rest if rest.startswith(("1", "0")) else f"0{rest}"
    if len(digits) == 13 and digits.startswith("861"):
        return digits[2:]
    return digits


def is_mobile(text: str) -> bool:
    """Return whether text is a mainland mobile number (11 digits, 1[3-9]…) once normalized."""
    return _MOBILE.fullmatch(text) is not None or _MOBILE.fullmatch(normalize_phone(text)) is not None


def is_landline(text: str) -> bool:
    """Return whether text is a landline with area code (0412-5551234, 022-12345678转123) once normalized."""
    return _LANDLINE.fullmatch(normalize_phone(text)) is not None


def is_email_address(text: str) -> bool:
    """Return whether text is exactly one e-mail address (name@example.com): no lists, names, spaces or brackets."""
    local, _, domain = text.rpartition("@")
    return len(local) <= 64 and len(domain) <= 253 and _EMAIL.fullmatch(text) is not None


def looks_like_person_name(name: str) -> bool:
    """Return whether a 持证人 name reads as a natural person's (张三, 买买提·艾力), not an organisation's."""
    name = name.translate(_DOTS)
    if _PLAIN_NAME.fullmatch(name) is None and _DOTTED_NAME.fullmatch(name) is None:
        return False
    return name[-1] not in _ORG_ENDINGS and _ORG_WORDS.search(name) is None


def mask_person_name(name: str) -> str:
    """Return a person's name with all but the surname masked: 张三 → 张*, 欧阳娜娜 → 欧阳**."""
    name = name.translate(_DOTS)
    if len(name) <= 1:
        return "*" * len(name)
    kept = 2 if len(name) > 2 and name[:2] in _COMPOUND_SURNAMES else 1
    return name[:kept] + "*" * (len(name) - kept)


def mask_number(text: str) -> str:
    """Return a personal certificate number with only its first and last two characters shown."""
    text = text.strip()
    if len(text) <= 4:
        return "*" * len(text)
    return f"{text[:2]}{'*' * max(2, len(text) - 4)}{text[-2:]}"
