"""联系不上.xlsx: a department's holders nobody could reach, with every attempt, for a letter or a visit.

Who is on it is the rule of generator/reminders/reachability.py, applied by the day's plan: the console page
/departments/{slug}/unreachable and `jiaozao remind` show the same holders.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from generator.atomic import replacing
from generator.problems import column_letter
from generator.reminders.due import HolderGroup
from generator.spreadsheet import append_row

HEADERS = (
    "序号", "持证单位（个人）", "联系人", "联系方式", "电子邮箱", "证照名称", "证照编号", "期满日期", "剩余天数",
    "联系不上的原因", "此前提醒（日期 类别 方式 结果 提醒人）", "上门或函告日期", "处理人", "处理结果",
)  # fmt: skip
_WIDTHS = {"联系不上的原因": 36, "此前提醒（日期 类别 方式 结果 提醒人）": 60}


def unreachable_rows(groups: Sequence[HolderGroup]) -> list[list[object]]:
    """Return a row per certificate of each holder 联系不上, with why and every attempt (one per line)."""
    rows: list[list[object]] = []
    for group in groups:
        reasons = "；".join(group.unreachable)
        for r in (x for x in group.reminders if x.unreachable):
            c = r.certificate
            attempts = "\n".join(a.text() for a in r.attempts) or "（登记簿中没有记录）"
            rows.append([
                len(rows) + 1, c.holder, group.contact, group.phone, group.email, c.certificate, c.number,
                c.expires, r.days_left, reasons, attempts, None, None, None,
            ])  # fmt: skip
    return rows


def unreachable_book(title: str, groups: Sequence[HolderGroup]) -> Workbook:
    """Return the workbook: header, dates as dates, text stored as text (never a formula)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "联系不上"
    append_row(sheet, (f"{title} 联系不上的持证人（请函告或上门）",))
    append_row(sheet, HEADERS)
    for row in unreachable_rows(groups):
        append_row(sheet, row)
    sheet.freeze_panes = "A3"
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, header in enumerate(HEADERS):
        letter = column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS.get(header, 14)
        for (cell,) in sheet.iter_rows(min_row=3, min_col=index + 1, max_col=index + 1):
            cell.alignment = wrap
            if header == "期满日期":
                cell.number_format = "yyyy-mm-dd"
    return book


def write_unreachable(path: Path, title: str, groups: Sequence[HolderGroup]) -> None:
    """Write 联系不上.xlsx whole or not at all."""
    with replacing(path, private=True) as temp:
        unreachable_book(title, groups).save(temp)


def unreachable_content(title: str, groups: Sequence[HolderGroup]) -> bytes:
    """Return 联系不上.xlsx as bytes, made in memory (the console's download writes no file)."""
    out = io.BytesIO()
    unreachable_book(title, groups).save(out)
    return out.getvalue()
