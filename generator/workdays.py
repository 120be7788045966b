"""工作日历: China's statutory working days, precomputed as numpy tables for fast reminder scheduling."""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import lunardate
import numpy as np
import numpy.typing as npt

from generator.cells import CellError, cell_date
from generator.problems import InputError, JiaozaoError, Problem
from generator.tabular import Column, Table, locate_header, read_sheet

TABLE_FIRST: date = date(1998, 1, 1)
TABLE_LAST: date = date(2100, 12, 31)

Ordinals = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]

_BASE = TABLE_FIRST.toordinal()
_SIZE = TABLE_LAST.toordinal() - _BASE + 1
_EPOCH = date(1970, 1, 1).toordinal()  # numpy's datetime64 day zero
_METONIC = 19  # lunar dates nearly always recur 19 solar years later, to within a day


class CalendarRangeError(JiaozaoError):
    """A date, or a date counted from it, outside the working-day table (工作日历范围)."""

    def __init__(self, day: date | int, *, counted: bool = False):
        self.day = day
        shown = _show(day)
        what = f"从 {shown} 往前推算的工作日" if counted else f"日期 {shown}"
        super().__init__(f"{what}超出工作日历支持的范围（{TABLE_FIRST} 至 {TABLE_LAST}）")


def _show(day: date | int) -> str:
    if isinstance(day, date):
        return day.isoformat()
    return date.fromordinal(day).isoformat() if 1 <= day <= date.max.toordinal() else f"（日序 {day}）"


@dataclass(frozen=True, eq=False)
class WorkdayCalendar:
    """工作日历: chinese-calendar, then the staff supplement, then an early-erring estimate (估算)."""

    covered_years: frozenset[int]  # years NOT estimated
    _is_work: Flags = field(repr=False)  # indexed by ordinal - TABLE_FIRST.toordinal()
    _estimated: Flags = field(repr=False)
    # _work_before[i] = working days at table indices < i, so any range count is one subtraction.
    _work_before: Ordinals = field(init=False, repr=False)
    _est_before: Ordinals = field(init=False, repr=False)
    _workdays: Ordinals = field(init=False, repr=False)  # table indices of working days, ascending

    def __post_init__(self) -> None:
        for name, array in (
            ("_work_before", _prefix_counts(self._is_work)),
            ("_est_before", _prefix_counts(self._estimated)),
            ("_workdays", np.flatnonzero(self._is_work).astype(np.int64)),
        ):
            array.setflags(write=False)
            object.__setattr__(self, name, array)

    @classmethod
    def build(
        cls, supplement: Mapping[date, bool] | None = None, *, unpublished: Collection[int] = ()
    ) -> WorkdayCalendar:
        """Return the calendar: chinese-calendar years, overridden by the supplement (True = working day).

        A year the supplement lists is official: weekends, its 休 rows rested, its 班 rows worked. Rows in
        the new-year days alone (a notice's 元旦 reaching into the year before) do not make a year official.
        unpublished: years to treat as chinese-calendar had not published them (to test the estimate).
        """
        supplement = dict(supplement or {})
        outside = [day for day in supplement if not TABLE_FIRST <= day <= TABLE_LAST]
        if outside:
            raise CalendarRangeError(min(outside))
        ordinals = np.arange(_BASE, _BASE + _SIZE, dtype=np.int64)
        is_work = (ordinals - 1) % 7 < 5  # ordinal 1 (0001-01-01) was a Monday
        estimated = np.zeros(_SIZE, dtype=np.bool_)
        covered = {day.year for day in supplement if not _new_year_days(day)}
        for year in range(TABLE_FIRST.year, TABLE_LAST.year + 1):
            official = None if year in unpublished else _official_workdays(year)
            if official is not None:
                covered.add(year)
                is_work[_year_slice(year)] = official
            elif year not in covered:
                estimated[_year_slice(year)] = True
        for day in _estimated_rest_days():
            if day.year not in covered and TABLE_FIRST <= day <= TABLE_LAST:
                is_work[_index(day)] = False
        for day, work in supplement.items():
            is_work[_index(day)] = work
        return cls(frozenset(covered), is_work, estimated)

    def is_workday(self, day: date) -> bool:
        """Return whether staff work on this day (调休 make-up days included)."""
        return bool(self._is_work[self._indices(np.array([day.toordinal()]))[0]])

    def is_estimated(self, day: date) -> bool:
        """Return whether this day's year is estimated (估算) rather than officially published."""
        return bool(self._estimated[self._indices(np.array([day.toordinal()]))[0]])

    def nth_workday_before(self, expiry: date, n: int) -> tuple[date, bool]:
        """Return the working day with exactly n working days from it up to (not including) expiry."""
        days, estimated = self.nth_workday_before_ord(np.array([expiry.toordinal()]), n)
        return date.fromordinal(int(days[0])), bool(estimated[0])

    def workday_on_or_before(self, day: date) -> tuple[date, bool]:
        """Return the day itself if staff work on it, else the latest working day before it."""
        days, estimated = self.workday_on_or_before_ord(np.array([day.toordinal()]))
        return date.fromordinal(int(days[0])), bool(estimated[0])

    def nth_workday_before_ord(self, expiry: np.ndarray, n: np.ndarray | int) -> tuple[Ordinals, Flags]:
        """Return nth_workday_before for arrays of ordinals: (day ordinals, estimated flags)."""
        end = self._indices(expiry)
        counts = np.asarray(n, dtype=np.int64)
        if (counts < 1).any():
            raise ValueError("n must count at least one working day")
        rank = self._work_before[end] - counts
        if (rank < 0).any():
            raise CalendarRangeError(int(np.broadcast_to(end, rank.shape)[rank < 0][0]) + _BASE, counted=True)
        found = self._workdays[rank]
        return found + _BASE, self._est_before[end] - self._est_before[found] > 0

    def workday_on_or_before_ord(self, day: np.ndarray) -> tuple[Ordinals, Flags]:
        """Return workday_on_or_before for an array of ordinals: (day ordinals, estimated flags)."""
        after = self._indices(day) + 1
        rank = self._work_before[after] - 1
        if (rank < 0).any():
            raise CalendarRangeError(int(after[rank < 0][0]) - 1 + _BASE, counted=True)
        found = self._workdays[rank]
        return found + _BASE, self._est_before[after] - self._est_before[found] > 0

    def any_estimated_ord(self, first: np.ndarray, last: np.ndarray) -> Flags:
        """Return whether any day in [first, last] (inclusive ordinals) is estimated; empty ranges are not."""
        return self._est_before[self._indices(last) + 1] - self._est_before[self._indices(first)] > 0

    def _indices(self, ordinals: np.ndarray) -> Ordinals:
        indices = np.asarray(ordinals, dtype=np.int64) - _BASE
        # One unsigned comparison catches both ends: negative indices wrap to huge values.
        if (indices.astype(np.uint64) >= _SIZE).any():
            outside = (indices < 0) | (indices >= _SIZE)
            raise CalendarRangeError(int(indices[outside].flat[0]) + _BASE)
        return indices


def _prefix_counts(flags: Flags) -> Ordinals:
    counts = np.zeros(flags.size + 1, dtype=np.int64)
    np.cumsum(flags, out=counts[1:])
    return counts


def _index(day: date) -> int:
    return day.toordinal() - _BASE


def _new_year_days(day: date) -> bool:
    return (day.month, day.day) >= (12, 25) or (day.month, day.day) <= (1, 7)


def _year_slice(year: int) -> slice:
    return slice(_index(date(year, 1, 1)), _index(date(year + 1, 1, 1)))


@functools.cache  # chinese-calendar's answers never change within a run; every build asks again
def _official_workdays(year: int) -> tuple[bool, ...] | None:
    """Return chinese-calendar's working days of a year, or None if it has not published that year."""
    first = date(year, 1, 1)
    try:
        chinese_calendar.is_workday(first)
    except NotImplementedError:
        return None
    days = (date(year + 1, 1, 1) - first).days
    return tuple(bool(chinese_calendar.is_workday(first + timedelta(i))) for i in range(days))


def _estimated_rest_days() -> Iterator[date]:
    """Yield every holiday the estimate rests, for all table years (weekends come from the weekday rule)."""
    for year in range(TABLE_FIRST.year, TABLE_LAST.year + 1):
        new_year = _lunar(year, 1, 1)
        mid_autumn = _lunar(year, 8, 15)
        yield from _span(new_year - timedelta(1), new_year + timedelta(6))  # 除夕 … 正月初七
        yield from _span(date(year, 5, 1), date(year, 5, 5))  # 劳动节
        yield from _with_adjacent_rest(date(year, 5, 1))  # on a Tuesday the Monday before is bridged (2018)
        yield from _span(date(year, 10, 1), date(year, 10, 7))  # 国庆
        if date(year, 10, 1) <= mid_autumn <= date(year, 10, 7):
            yield date(year, 10, 8)  # every notice so far made 国庆 with 中秋 inside it an 8-day break
        # 元旦, 清明 (the 4th or the 5th, so both), 端午, 中秋
        for single in (date(year, 1, 1), date(year, 4, 4), date(year, 4, 5), _lunar(year, 5, 5), mid_autumn):
            yield from _with_adjacent_rest(single)


def _with_adjacent_rest(day: date) -> list[date]:
    """Return a one-day holiday with the weekday rested next to it, as the notices do."""
    # Tuesday and Thursday are bridged to the weekend; on a weekend the law gives the Monday in lieu (补休).
    shift = {1: -1, 3: 1, 5: 2, 6: 1}.get(day.weekday())
    return [day] if shift is None else [day, day + timedelta(shift)]


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(i) for i in range((last - first).days + 1)]


def _lunar(year: int, month: int, day: int) -> date:
    """Return the solar date of a lunar date; beyond lunardate's years, the Metonic-cycle approximation."""
    try:
        solar: date = lunardate.LunarDate(year, month, day).to_solar_date()
    except ValueError:
        # Only 2100 gets here; 2081 and 2062, one and two cycles back, agree on its 春节, 端午 and 中秋.
        earlier = lunardate.LunarDate(year - _METONIC, month, day).to_solar_date()
        solar = earlier + (date(year, 1, 1) - date(year - _METONIC, 1, 1))
    return solar


def months_before_ord(day: np.ndarray, months: np.ndarray | int) -> Ordinals:
    """Return ordinals so many calendar months earlier, clamped to month end (05-31 minus 3 → 02-28/29)."""
    days = (np.asarray(day, dtype=np.int64) - _EPOCH).astype("datetime64[D]")
    month = days.astype("datetime64[M]")
    day_of_month = days - month.astype("datetime64[D]")  # 0-based
    target = month - np.asarray(months, dtype=np.int64)
    last_day = (target + 1).astype("datetime64[D]") - target.astype("datetime64[D]") - 1
    result = target.astype("datetime64[D]") + np.minimum(day_of_month, last_day)
    ordinals: Ordinals = result.astype(np.int64) + _EPOCH
    return ordinals


HOLIDAY_COLUMNS = (
    Column("day", "日期", ("date",), required=True),
    Column("kind", "类型", ("类别", "type"), required=True),
    Column("note", "说明", ("备注", "节日", "note")),
)
_KINDS = {"休": False, "班": True}
_FIX_DATE = "请按“2027-01-01”“2027/1/1”或“2027年1月1日”的格式填写真实存在的日期"
_FIX_KIND = "请填“休”（放假）或“班”（上班，含调休补班），按国务院办公厅当年的放假通知填写"


def load_holiday_supplement(path: Path) -> tuple[dict[date, bool], list[Problem]]:
    """Return the staff holiday supplement (True = working day) and every problem in it; no file, no rows."""
    if not path.exists():
        return {}, []
    shown = path.name
    try:
        sheet = read_sheet(path, shown)
    except InputError as error:
        return {}, error.problems
    table = locate_header(sheet, HOLIDAY_COLUMNS)
    missing = [
        c.label for c in HOLIDAY_COLUMNS if c.required and (table is None or c.field not in table.fields)
    ]
    if table is None or missing:
        row = None if table is None else table.header_row + 1
        message = f"找不到“{'”“'.join(missing)}”列"
        return {}, [Problem(shown, message, "请在第一行写表头：日期,类型,说明（说明可不填）", row=row)]
    return _read_rows(table)


def _read_rows(table: Table) -> tuple[dict[date, bool], list[Problem]]:
    days: dict[date, bool] = {}
    seen_at: dict[date, int] = {}
    problems: list[Problem] = []
    for row in table.data_rows:
        day, date_problem = _row_date(table, row)
        work = _KINDS.get(table.sheet.cell_text(row, table.fields["kind"]))
        row_problems = [] if date_problem is None else [date_problem]
        if work is None:
            row_problems.append(table.problem(row, "kind", "类型只能是“休”或“班”", _FIX_KIND))
        elif day is not None and days.get(day, work) != work:
            message = f"与第 {seen_at[day] + 1} 行日期相同，类型却不同"
            row_problems.append(table.problem(row, "kind", message, "同一日期只保留一行，按放假通知填写"))
        problems.extend(row_problems)
        if day is not None and work is not None and not row_problems:
            days[day] = work
            seen_at.setdefault(day, row)
    return days, problems


def _row_date(table: Table, row: int) -> tuple[date | None, Problem | None]:
    col = table.fields["day"]
    value = table.sheet.rows[row][col] if col < len(table.sheet.rows[row]) else None
    day = parse_cell_date(value)
    if day is None:
        return None, table.problem(row, "day", "日期无法识别或不存在", _FIX_DATE)
    if not TABLE_FIRST <= day <= TABLE_LAST:
        fix = f"只能填写 {TABLE_FIRST.year} 至 {TABLE_LAST.year} 年的日期"
        return None, table.problem(row, "day", "日期超出工作日历支持的范围", fix)
    return day, None


def parse_cell_date(value: object) -> date | None:
    """Return the date a cell holds (the one date-cell parser, generator.cells), or None when it holds none."""
    try:
        return cell_date(value)
    except CellError:
        return None
