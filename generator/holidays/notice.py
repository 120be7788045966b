"""放假安排通知: the State Council's notice read into typed items, every problem in it collected."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from generator.holidays.dates import WEEKDAYS, Mention, Resolver, find_dates, hide_notes, plain
from generator.holidays.text import normalize
from generator.problems import InputError, Problem

HOLIDAY_NAMES = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
_HEAD = re.compile(r"(?:^|(?<=[。:;]))(?P<num>[一二三四五六七八九十]{1,3})、", re.M)
# Reprints without numbers: 元旦：…  春节：…  中秋节、国庆节：… at the start of a line or sentence.
_NAMED_HEAD = re.compile(r"(?:^|(?<=。))(?=[^:\d\n。]{0,12}(?:元旦|节)[^:\d\n。]{0,12}:)", re.M)
_NAME = re.compile(r"^(?P<name>[^:\d\n]{1,24}):")
_BARE_NAME = re.compile(r"^([^:\d\n]{1,24}?)(?=\d)")
_STOP = re.compile(r"^(?:节假日期间|国务院|\(此件|\d{4}年\d{1,2}月\d{1,2}日$|[〇○零一二三四五六七八九]{4}年)")
_WENHAO = re.compile(r"(国办发明电|国办发|国发明电|国发)[\[〔【(]?(\d{4})[\]〕】)]?(\d{1,3})号")
_YEAR = (
    re.compile(r"(\d{4})年\n?(?:部分)?节假日"),
    re.compile(r"(\d{4})年,?[“\"]?(?:元旦|春节|清明|劳动节|五一|端午|中秋|国庆)"),
    re.compile(r"(?:延长|调整)(\d{4})年"),
    re.compile(r"(\d{4})年\d{1,2}月\d{1,2}日[^。,\n]{0,6}放假"),
)
_ISSUED = re.compile(r"(?:成文日期|发文日期|发布日期):?(\d{4})年(\d{1,2})月(\d{1,2})日")
_ISSUED_LINE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_ISSUED_HAN = re.compile(
    r"^([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$"
)
_COUNT = re.compile(r"(?:共|放假)(\d{1,2}|[一二三四五六七八九十]{1,3})天")
_RESUME = re.compile(r"起(?:正常)?上班")
_REST = re.compile(r"放假|补休|调休|休息")
_HAN_DIGITS = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}
_SOME_YEAR = 2000  # to read the items of a text whose year is missing, before refusing it
_FIX_NOT_NOTICE = "请粘贴国务院办公厅放假安排通知的全文，每项形如“一、元旦：1月1日至3日放假调休，共3天。”"
_FIX_TYPO = "请对照国务院办公厅网站上的通知原文改正后再导入"


@dataclass(frozen=True)
class Arrangement:
    """一项放假安排: one item of a notice (a holiday, or holidays joined like 中秋节、国庆节)."""

    name: str
    line: int
    rest: tuple[date, ...]
    work: tuple[date, ...]
    stated_days: int | None = None  # 共N天 as the notice states it
    extend_to: date | None = None  # 延长……假期至 this day


@dataclass(frozen=True)
class Notice:
    """A holiday notice (放假安排通知, or an in-year change to one), read whole."""

    year: int
    ref: str  # 文号, or the notice's date when it carries none: 说明 names the holiday and this
    issued: date | None
    change: bool  # an in-year change: an extension, a replaced arrangement, a one-off commemoration
    items: tuple[Arrangement, ...]

    @property
    def years(self) -> set[int]:
        return {day.year for item in self.items for day in (*item.rest, *item.work)} | {self.year}


@dataclass
class _Item:
    name: str
    line: int
    rest: set[date] = field(default_factory=set)
    work: set[date] = field(default_factory=set)
    stated: int | None = None
    extend_to: date | None = None


def parse_notice(text: str, shown: str) -> Notice:
    """Return the notice a text holds; any problem (all of them, together) raises InputError."""
    whole = normalize(text)
    problems: list[Problem] = []
    wenhao = _WENHAO.search(whole)
    issued = _issued(whole)
    year = _notice_year(whole, wenhao, issued)
    items: list[Arrangement] = []
    default_name = _whole_name(whole)
    for line, body in _chunks(whole):
        item = _read_item(body, default_name, line, year or _SOME_YEAR, shown, problems)
        if item is not None:
            items.append(item)
    if not problems and not items:
        problems.append(Problem(shown, "没有找到任何放假或上班日期，这不像放假安排通知", _FIX_NOT_NOTICE))
    elif year is None:
        fix = "请把通知标题（如“国务院办公厅关于2027年部分节假日安排的通知”）一并粘贴进文件"
        raise InputError([Problem(shown, "看不出这是哪一年的放假安排", fix)])
    problems.extend(_conflicts(items, shown))
    if problems:
        raise InputError(problems)
    year = year or _SOME_YEAR
    ref = _ref(wenhao, issued, year)
    change = re.search(r"延长\d{4}年|调整\d{4}年|纪念日调休", whole) is not None
    return Notice(year, ref, issued, change, tuple(items))


def _ref(wenhao: re.Match[str] | None, issued: date | None, year: int) -> str:
    if wenhao is not None:
        return f"{wenhao.group(1)}〔{wenhao.group(2)}〕{int(wenhao.group(3))}号"
    if issued is not None:
        return f"{issued.year}年{issued.month}月{issued.day}日通知"
    return f"{year}年放假安排通知"


def _notice_year(whole: str, wenhao: re.Match[str] | None, issued: date | None) -> int | None:
    for pattern in _YEAR:
        found = pattern.search(whole)
        if found is not None:
            return int(found.group(1))
    if wenhao is not None:  # yearly notices are issued the year before the year they arrange
        return int(wenhao.group(2)) + 1
    return None if issued is None else issued.year + 1


def _issued(whole: str) -> date | None:
    """Return the notice's date: its 成文日期, else the last date standing alone on a line."""
    found = _ISSUED.search(whole)
    candidates: list[tuple[int, int, int]] = [] if found is None else [_ints(found)]
    for line in whole.split("\n"):
        if (alone := _ISSUED_LINE.match(line)) is not None:
            candidates.append(_ints(alone))
        elif (han := _ISSUED_HAN.match(line)) is not None:
            year = int("".join(str(_HAN_DIGITS[ch]) for ch in han.group(1)))
            candidates.append((year, _han_number(han.group(2)), _han_number(han.group(3))))
    for year, month, day in reversed(candidates if found is None else candidates[:1]):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return None


def _ints(match: re.Match[str]) -> tuple[int, int, int]:
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def _han_number(text: str) -> int:
    """Return 一…三十一 as a number."""
    if text.isdigit():
        return int(text)
    tens, _, ones = text.rpartition("十")
    if "十" not in text:
        return _HAN_DIGITS.get(text, 0)
    return (_HAN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_HAN_DIGITS.get(ones, 0) if ones else 0)


def _chunks(whole: str) -> list[tuple[int, str]]:
    """Return the numbered items (line, text); a notice without items is one chunk of its body."""
    heads = list(_HEAD.finditer(whole)) or list(_NAMED_HEAD.finditer(whole))
    if not heads:
        lines = [line for line in whole.split("\n") if not line.endswith("通知") and not _STOP.match(line)]
        return [(1, "".join(lines))]
    chunks: list[tuple[int, str]] = []
    for head, following in zip(heads, [*heads[1:], None], strict=True):
        text = whole[head.end() : following.start() if following else len(whole)].lstrip("\n")
        lines = text.split("\n")
        kept = [lines[0]]
        for line in lines[1:]:
            if _STOP.match(line):
                break
            kept.append(line)
        chunks.append((whole.count("\n", 0, head.start()) + 1, "".join(kept)))
    return chunks


def _whole_name(whole: str) -> str:
    """Return what a change notice is about, from its title: 劳动节, 春节, a 纪念日."""
    title = re.search(r"关于(?:调整|延长)?(?:\d{4}年)?(.+?)(?:假期|调休|放假|安排)", whole)
    if title is not None and "部分节假日" not in title.group(1):
        return title.group(1)
    return next((name for name in HOLIDAY_NAMES if name in whole), "放假安排")


def _read_item(
    body: str, default_name: str, line: int, year: int, shown: str, problems: list[Problem]
) -> Arrangement | None:
    head = _NAME.match(body)
    name = None
    if head is not None:
        name, body = _clean_name(head.group("name")), body[head.end() :]
    elif (bare := _BARE_NAME.match(body)) is not None and re.search(r"节|元旦|五一|十一", bare.group(1)):
        name = _clean_name(bare.group(1))  # 三、清明节4月4日至6日放假: some reprints drop the colon
    extension = re.search(r"延长(?:\d{4}年)?(.+?)假期", body)
    name = name or (extension.group(1) if extension else None)
    item = _Item(name or next((n for n in HOLIDAY_NAMES if n in body), default_name), line)
    hidden, notes = hide_notes(body)
    resolver = Resolver(year)
    for sentence in hidden.split("。"):
        sentence_rest: set[date] = set()
        for clause in re.split(r"[,;:]", sentence):
            sentence_rest |= _read_clause(clause, notes, resolver, item, shown, problems)
        count = _COUNT.search(plain(sentence))
        if count is not None and sentence_rest:
            stated = _han_number(count.group(1))
            item.stated = stated if item.stated is None else item.stated
            if stated != len(sentence_rest):
                message = f"{item.name}：写的是共 {stated} 天，但放假日期一共 {len(sentence_rest)} 天"
                problems.append(Problem(shown, message, _FIX_TYPO, row=line))
    if not (item.rest or item.work or item.extend_to):
        if head is not None and not any(p.row == line for p in problems):
            problems.append(Problem(shown, f"{item.name}：没有读出放假或上班日期", _FIX_TYPO, row=line))
        return None
    return Arrangement(
        item.name, line, tuple(sorted(item.rest)), tuple(sorted(item.work)), item.stated, item.extend_to
    )


def _clean_name(text: str) -> str:
    return re.sub(r"[“”\"'‘’「」]", "", text)


def _read_clause(
    clause: str, notes: list[str], resolver: Resolver, item: _Item, shown: str, problems: list[Problem]
) -> set[date]:
    """Read one clause into the item; return the rest days it declares."""
    mentions: list[Mention] = []
    found = find_dates(clause, notes)
    for index, (written, ends_range) in enumerate(found):
        if ends_range:
            continue
        last = found[index + 1][0] if index + 1 < len(found) and found[index + 1][1] else None
        text = plain(clause[written.start : (last or written).end])
        mentions.append(resolver.mention(text, written, last))
    for mention in mentions:
        _check(mention, item, shown, problems)
    words = plain(clause)
    days = {day for mention in mentions for day in mention.days}
    if "延长" in words and "至" in words and mentions:
        item.extend_to = mentions[-1].last_day or mentions[-1].first_day
    elif _RESUME.search(words):
        pass  # 2月3日起正常上班: an ordinary working day, nothing to record
    elif "上班" in words:
        item.work |= days
    elif _REST.search(words):
        item.rest |= days
        return days
    return set()


def _check(mention: Mention, item: _Item, shown: str, problems: list[Problem]) -> None:
    for written, day in mention.written():
        if day is None:
            message = f"{item.name}：“{mention.text}”中的日期不存在或不完整"
            problems.append(Problem(shown, message, _FIX_TYPO, row=item.line))
            return
        noted = written.weekday
        if noted is not None and noted != day.weekday():
            message = (
                f"{item.name}：{day.month}月{day.day}日注明“{written.note}”，"
                f"但 {day.isoformat()} 是星期{WEEKDAYS[day.weekday()]}"
            )
            problems.append(Problem(shown, message, _FIX_TYPO, row=item.line))


def _conflicts(items: list[Arrangement], shown: str) -> list[Problem]:
    rest = {day: item for item in items for day in item.rest}
    problems = []
    for item in items:
        for day in item.work:
            if day in rest:
                message = f"{item.name}：{day.isoformat()} 既写了放假（{rest[day].name}）又写了上班"
                problems.append(Problem(shown, message, _FIX_TYPO, row=item.line))
    return problems
