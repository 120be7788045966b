"""电话提醒清单: the phone worklist staff fill in, and reading it back into 登记簿 records.

The layout follows the seeds' 台账 / 叫早记录表: one row per certificate due, a holder's rows together under one
组号 (一并提醒), the text to read out, then the columns staff fill in: 提醒日期, 提醒人, 提醒方式, 联系结果, 备注.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from generator.atomic import replacing
from generator.cells import CellError, DateReader, text_of
from generator.problems import InputError, Problem, column_letter
from generator.reminders.due import FINAL, FIRST, SECOND, HolderGroup
from generator.reminders.registry import (
    CHANNELS,
    KINDS,
    PLATFORM_RESULTS,
    RESULTS,
    RegisteredCertificate,
    ReminderRecord,
)
from generator.reminders.sms import fill
from generator.spreadsheet import append_row
from generator.tabular import cell_text, read_sheet
from portal.rules.text import one_line

HEADERS = (
    "序号", "组号", "部门代号", "持证单位（个人）", "证照名称", "证照编号", "期满日期", "剩余天数", "联系人",
    "联系方式", "提醒类别", "说明", "提醒内容", "提醒日期", "提醒人", "提醒方式", "联系结果", "备注",
)  # fmt: skip
_COL = {name: index for index, name in enumerate(HEADERS)}
_STAFF = ("提醒日期", "提醒人", "提醒方式", "联系结果", "备注")
_DATE_FORMAT = "yyyy-mm-dd"
_WIDEST = {"提醒内容": 60, "说明": 24}
# 联系结果 a person can choose: 已发送（未核实送达） is only what confirming an SMS file records.
CHOICES = tuple(r for r in RESULTS if r not in PLATFORM_RESULTS)


def worklist_rows(groups: Sequence[HolderGroup], template: str) -> list[list[object]]:
    """Return the worklist rows: a row per certificate, the text to read out on each group's first row."""
    rows: list[list[object]] = []
    for number, group in enumerate(groups, start=1):
        script = fill(template, group)
        for index, r in enumerate(group.reminders):
            c = r.certificate
            notes = ["首次提醒未做"] if r.first_missed else []
            if r.kind == FINAL:
                notes.append("临期：请电话或上门提醒")
            if r.unreachable:
                notes.append("联系不上：" + "、".join(r.unreachable))
            if r.attempts:
                notes.append("此前：" + "；".join(a.text() for a in r.attempts))
            if group.sms_note:
                notes.append(group.sms_note)
            if len(group.reminders) > 1:
                notes.append(f"一户{len(group.reminders)}证，一并提醒")
            rows.append([
                len(rows) + 1, number, c.department, c.holder, c.certificate, c.number, c.expires, r.days_left,
                group.contact, group.phone, r.kind, "；".join(notes), script if index == 0 else "同上",
                None, None, None, None, None,
            ])  # fmt: skip
    return rows


def write_worklist(path: Path, title: str, rows: list[list[object]]) -> None:
    """Write the worklist .xlsx (worklist_book)."""
    with replacing(path, private=True) as temp:
        worklist_book(title, rows).save(temp)


def worklist_content(title: str, rows: list[list[object]]) -> bytes:
    """Return the worklist .xlsx as bytes, made in memory (a download writes no file)."""
    out = io.BytesIO()
    worklist_book(title, rows).save(out)
    return out.getvalue()


def worklist_book(title: str, rows: list[list[object]]) -> Workbook:
    """Return the worklist: frozen header, fitted widths, dates as dates, choice lists on two columns."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(title)
    append_row(sheet, HEADERS)
    for row in rows:
        append_row(sheet, row)
    sheet.freeze_panes = "A2"
    _print_setup(sheet)
    last = max(2, len(rows) + 1)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        if cell.value in _STAFF:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")  # the columns staff fill in
    for name in ("期满日期", "提醒日期"):
        for (cell,) in sheet.iter_rows(
            min_row=2, max_row=last, min_col=_COL[name] + 1, max_col=_COL[name] + 1
        ):
            cell.number_format = _DATE_FORMAT
    wrap = Alignment(wrap_text=True, vertical="top")
    for (cell,) in sheet.iter_rows(min_row=2, min_col=_COL["提醒内容"] + 1, max_col=_COL["提醒内容"] + 1):
        cell.alignment = wrap
    for name, choices in (("提醒方式", CHANNELS), ("联系结果", CHOICES)):
        letter = column_letter(_COL[name])  # the cells start empty: nothing is chosen until someone chooses
        rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        rule.error, rule.errorTitle = f"请从列表中选择：{'、'.join(choices)}", f"{name}"
        sheet.add_data_validation(rule)
        rule.add(f"{letter}2:{letter}{last}")
    for index, header in enumerate(HEADERS):
        width = max([_width(header), *(_width(cell_text(r[index])) for r in rows)]) + 2
        sheet.column_dimensions[column_letter(index)].width = min(width, _WIDEST.get(header, 40), 60)
    sheet.column_dimensions[column_letter(_COL["提醒日期"])].width = 12
    return book


def _print_setup(sheet: Worksheet) -> None:
    """Print on A4 landscape, all columns on one page wide, the header row on every page, small margins."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.print_options.gridLines = True


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def sheet_title(title: str) -> str:
    """Return a department name as Excel allows a sheet title (the worklist's sheet names its department)."""
    return "".join(ch for ch in one_line(title) if ch not in "[]:*?/\\")[:31] or "提醒清单"


@dataclass
class WorklistImport:
    """A filled worklist as read: the records it holds and how many rows are not done yet."""

    records: list[ReminderRecord]
    blank: int  # rows whose 提醒日期 and 联系结果 are both empty: not reminded yet
    rows: list[int] = field(default_factory=list)  # the Excel row of each record
    sheet: str = ""  # the sheet's title: the department's name
    warnings: list[Problem] = field(default_factory=list)  # rows recorded that the 台账 no longer holds


def read_worklist(path: Path, shown: str, today: date) -> WorklistImport:
    """Return the records of a filled worklist; any changed column or bad row refuses the whole file."""
    sheet = read_sheet(path, shown)
    headers = [cell_text(v) for v in sheet.rows[0]] if sheet.rows else []
    while headers and not headers[-1]:
        headers.pop()
    if tuple(headers) != HEADERS:
        fix = f"请用 jiaozao remind 生成的清单原样填写，不要增删、移动或改名列；应为：{'、'.join(HEADERS)}"
        raise InputError([Problem(shown, "提醒清单的列被改动过，整个文件未导入", fix, 1, sheet=sheet.name)])
    records, problems, blank, dates, rows = (
        list[ReminderRecord](),
        list[Problem](),
        0,
        DateReader(),
        list[int](),
    )
    for number, cells in enumerate(sheet.rows[1:], start=2):
        values = {name: cells[i] if i < len(cells) else "" for name, i in _COL.items()}
        if not any(cell_text(v) for v in values.values()):
            continue
        if not cell_text(values["提醒日期"]) and not cell_text(values["联系结果"]):
            blank += 1
            continue
        record = _record(values, number, shown, today, dates, problems, sheet.name)
        if record is not None:
            records.append(record)
            rows.append(number)
    if problems:
        raise InputError(
            [*problems, Problem(shown, f"共 {len(problems)} 处错误，整个文件未导入", "改正后重新导入")]
        )
    return WorklistImport(records, blank, rows, sheet.name or "")


def _record(
    values: dict[str, object],
    row: int,
    shown: str,
    today: date,
    dates: DateReader,
    problems: list[Problem],
    sheet: str | None,
) -> ReminderRecord | None:
    def bad(column: str, message: str, fix: str) -> None:
        value = cell_text(values[column])
        problems.append(Problem(shown, message, fix, row, column, _COL[column], value, sheet=sheet))

    count = len(problems)
    expires = _date(values, "期满日期", dates, bad)
    reminded = _date(values, "提醒日期", dates, bad)
    if reminded is not None and reminded > today:
        bad("提醒日期", f"提醒日期晚于今天（{today.isoformat()}）", "请填写实际提醒的日期")
    kind, channel, result = (cell_text(values[c]) for c in ("提醒类别", "提醒方式", "联系结果"))
    if kind not in KINDS:
        bad("提醒类别", "提醒类别被改动过", f"应为{FIRST}、{SECOND}或{FINAL}，请恢复原值")
    if not result and reminded is not None:  # a date says someone tried; only a result says what happened
        bad(
            "联系结果",
            "填了提醒日期，但没有选择联系结果",
            f"请在这一行的“联系结果”中选出实际结果（{'、'.join(CHOICES)}）；还没有联系的，请把提醒日期也清空",
        )
    for column, value, choices in (("提醒方式", channel, CHANNELS), ("联系结果", result, CHOICES)):
        if value not in choices and (value or column != "联系结果" or reminded is None):
            bad(
                column,
                f"{column}“{value}”不在可选范围内" if value else f"缺少{column}",
                f"请从下拉列表选择：{'、'.join(choices)}",
            )
    holder, certificate = cell_text(values["持证单位（个人）"]), cell_text(values["证照名称"])
    department = cell_text(values["部门代号"])
    if not department or not holder or not certificate:
        bad(
            "部门代号" if not department else "持证单位（个人）",
            "清单中证照信息被清空",
            "请恢复清单生成时的原值",
        )
    if len(problems) > count or expires is None or reminded is None:
        return None
    number = text_of(values["证照编号"])
    return ReminderRecord(
        RegisteredCertificate(department, number, certificate, holder, expires), kind, channel, reminded,
        cell_text(values["提醒人"]), result, cell_text(values["备注"]), f"{shown} 第 {row} 行",
    )  # fmt: skip


def _date(values: dict[str, object], column: str, dates: DateReader, bad: BadCell) -> date | None:
    try:
        return dates.read(values[column])
    except CellError as error:
        bad(column, error.message, error.fix)
        return None


class BadCell(Protocol):
    def __call__(self, column: str, message: str, fix: str) -> None: ...
