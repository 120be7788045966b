"""Dates as notices write them: 2月15日（农历腊月二十八、周日）至23日, resolved to real days in context."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = "一二三四五六日"
_NOTE_BASE = 0xE100  # each （…） note becomes one private-use character that stands for it
_NOTE = re.compile(r"\(([^()]*)\)")
_DATE = re.compile(r"(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日(?P<note>[\ue100-\ue8ff])?")
_RANGE = re.compile(r"(?:至|到|[—–~-]+)")
_WEEKDAY = re.compile(r"(?:星期|礼拜|周)([一二三四五六日天])")


@dataclass(frozen=True)
class Written:
    """One date as written: its parts (year and month may be left out), note and place in the clause."""

    year: int | None
    month: int | None
    day: int
    note: str
    start: int
    end: int

    @property
    def weekday(self) -> int | None:
        """Return the weekday its note names (0 = Monday), or None when it names none."""
        found = _WEEKDAY.search(self.note)
        return None if found is None else WEEKDAYS.index(found.group(1).replace("天", "日"))


@dataclass(frozen=True)
class Mention:
    """A date or a range of dates in a clause, resolved; day None when the date does not exist."""

    text: str
    first: Written
    last: Written | None
    first_day: date | None
    last_day: date | None

    @property
    def days(self) -> list[date]:
        """Return every day of the range (one day for a single date; none if a date is impossible)."""
        if self.first_day is None or (self.last is not None and self.last_day is None):
            return []
        last = self.last_day or self.first_day
        return [self.first_day + timedelta(i) for i in range((last - self.first_day).days + 1)]

    def written(self) -> list[tuple[Written, date | None]]:
        pairs = [(self.first, self.first_day)]
        return pairs if self.last is None else [*pairs, (self.last, self.last_day)]


def hide_notes(text: str) -> tuple[str, list[str]]:
    """Return text with each （…） replaced by one placeholder character, and the notes in order."""
    notes: list[str] = []

    def keep(match: re.Match[str]) -> str:
        notes.append(match.group(1))
        return chr(_NOTE_BASE + len(notes) - 1)

    return _NOTE.sub(keep, text), notes


def plain(text: str) -> str:
    """Return text without note placeholders."""
    return re.sub(r"[\ue100-\ue8ff]", "", text)


def find_dates(clause: str, notes: list[str]) -> list[tuple[Written, bool]]:
    """Return the dates of a clause, each with whether it ends a range begun by the date before it."""
    found: list[tuple[Written, bool]] = []
    previous_end = -1
    for match in _DATE.finditer(clause):
        note = match.group("note")
        written = Written(
            int(match.group("y")) if match.group("y") else None,
            int(match.group("m")) if match.group("m") else None,
            int(match.group("d")),
            notes[ord(note) - _NOTE_BASE] if note else "",
            match.start(),
            match.end(),
        )
        between = clause[previous_end : match.start()] if previous_end >= 0 else ""
        found.append((written, bool(found) and _RANGE.fullmatch(between) is not None))
        previous_end = match.end()
    return found


class Resolver:
    """Turns written dates into days: a missing year or month comes from the dates around it."""

    def __init__(self, year: int):
        self.year = year
        self.anchor: date | None = None
        self.month: int | None = None
        self.last_year: int | None = None

    def mention(self, text: str, first: Written, last: Written | None) -> Mention:
        """Return a date or range resolved in the context of what came before it in the item."""
        first_year = self._range_start_year(first, last)
        first_day = self._resolve(first, first_year)
        last_day = None
        if last is not None:
            last_day = self._resolve(last, self._range_end_year(first, last, first_day))
        return Mention(text, first, last, first_day, last_day)

    def _range_start_year(self, first: Written, last: Written | None) -> int | None:
        if first.year is not None or first.month is None or last is None or last.month is None:
            return None
        if last.month < first.month:  # 12月30日至2019年1月1日: the range ends in the later year
            return (last.year or self.year) - 1
        return last.year

    def _range_end_year(self, first: Written, last: Written, start: date | None) -> int | None:
        if last.year is not None or start is None:
            return None
        month = last.month or start.month
        return start.year + 1 if (month, last.day) < (start.month, start.day) else start.year

    def _resolve(self, written: Written, year: int | None) -> date | None:
        month = written.month or self.month
        if year is None:
            year = written.year
        if year is None:
            year = self.last_year if written.month is None else self._nearest_year(month or 1, written.day)
        self.month, self.last_year = month, year
        if month is None or year is None:
            return None
        try:
            day = date(year, month, written.day)
        except ValueError:
            return None
        if self.anchor is None:
            self.anchor = day
        return day

    def _nearest_year(self, month: int, day: int) -> int:
        """Return the year nearest the item's first date (the notice's year for the first date itself)."""
        anchor = self.anchor
        if anchor is None:
            return self.year
        candidates = [anchor.year - 1, anchor.year, anchor.year + 1]
        return min(candidates, key=lambda y: abs((_safe(y, month, day) - anchor).days))


def _safe(year: int, month: int, day: int) -> date:
    """Return the date, or the month's last day for an impossible day (only to choose a year)."""
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, 28) if 1 <= month <= 12 else date(year, 1, 1)
