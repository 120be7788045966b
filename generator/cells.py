"""Reading one table cell: dates in every form staff type (the one date parser), and identifiers kept as text."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from generator.problems import JiaozaoError
from portal.rules.text import drop_invisible, has_invisible

_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?[eE]\+?\d+$")
FIRST_YEAR, LAST_YEAR = 2000, 2099
DATE_FORMS = "2026-03-01、2026/3/1、2026.3.1、2026年3月1日，或 Excel 日期格式"


class CellError(JiaozaoError):
    """A cell whose value cannot be used; the caller adds file, row and column."""

    def __init__(self, message: str, fix: str):
        self.message = message
        self.fix = fix
        super().__init__(f"{message}。{fix}")


class DateReader:
    """Turns date cells into dates, remembering answers: a ledger repeats the same few thousand dates."""

    def __init__(self) -> None:
        self._seen: dict[object, date | CellError] = {}

    def read(self, value: object) -> date:
        try:
            answer = self._seen[value]
        except KeyError:
            answer = self._seen[value] = _try_date(value)
        except TypeError:  # an unhashable cell value
            answer = _try_date(value)
        if isinstance(answer, CellError):
            raise answer
        return answer


def cell_date(value: object) -> date:
    """Return the date a cell holds, in any form staff type (Excel date, serial number, 2026-03-01, 2026年3月1日…).

    A cell that holds no real date raises CellError saying why; callers add their own range of years.
    """
    return _to_date(value)


def _try_date(value: object) -> date | CellError:
    try:
        day = _to_date(value)
    except CellError as error:
        return error
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return CellError(f"年份 {day.year} 不在 {FIRST_YEAR}—{LAST_YEAR} 之间", "请核对年份是否录错")
    return day


def _to_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError("不是日期", f"请填写日期，如 {DATE_FORMS}")
    if isinstance(value, int | float):
        return _from_number(float(value))
    return _from_text(str(value).strip())


def _from_number(number: float) -> date:
    if number.is_integer() and 19000101 <= number <= 21001231:
        return _from_text(str(int(number)))
    if 1 <= number < 80000:  # an Excel serial day number (1 = 1900-01-01)
        return _EXCEL_EPOCH + timedelta(days=int(number))
    raise CellError("不是日期", f"请填写日期，如 {DATE_FORMS}")


def _from_text(text: str) -> date:
    if not text:
        raise CellError("日期为空", f"请填写日期，如 {DATE_FORMS}")
    text = text.translate(_FULL_WIDTH)
    if has_invisible(text):  # a date pasted from Word or a web page
        text = drop_invisible(text).strip()
    match = _DATE_TEXT.match(text) or _COMPACT_DATE.match(text)
    if match is None:
        if text.isdigit() and len(text) == 5:
            return _from_number(float(text))
        raise CellError("看不懂的日期", f"请写成 {DATE_FORMS}")
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"日期不存在（{year}年{month}月没有{day}日）", "请核对日期") from None


_FULL_WIDTH = str.maketrans("０１２３４５６７８９／－．　", "0123456789/-. ")


def text_of(value: object) -> str:
    """Return an identifier cell (证照编号, 信用代码, 身份证号, 电话) as text, refusing digits Excel has mangled."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        if value != value:  # NaN: an empty cell
            return ""
        # Excel keeps numbers as doubles: past 15 digits (身份证号, 信用代码) the last ones are gone.
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        raise CellError(
            "长数字被 Excel 存成了数值，末几位已经丢失", "请把该列设为“文本”格式，从业务系统重新导出后再试"
        )
    if isinstance(value, datetime | date):
        raise CellError("这里应是编号或号码，却是一个日期", "请核对该列内容")
    text = str(value).strip()
    if _SCIENTIFIC.match(text):
        raise CellError(
            "号码显示成了科学计数法，原值已经丢失", "请把该列设为“文本”格式，从业务系统重新导出后再试"
        )
    return text


_APPLIED = ("已申请", "已受理", "已办理", "已延续", "已换证", "办理中", "已提交", "已办结", "审批中")
_NOT_APPLIED = ("未申请", "未办理", "未受理", "未延续", "未提交", "否", "无", "")


def applied_for_renewal(text: str) -> bool | None:
    """Return whether a 办理状态 cell says the holder has applied to renew; None when it is unclear."""
    text = text.strip()
    if text in ("是", "已", "Y", "y", "yes", "√", "✓"):
        return True
    if text in _NOT_APPLIED or text.startswith(("未", "不")):
        return False
    if any(word in text for word in _APPLIED):
        return True
    return None
