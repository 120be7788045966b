"""The supervision report as files: an .xlsx (a summary sheet, then one sheet per department) and a staff page."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from generator.atomic import replacing
from generator.problems import column_letter
from generator.reminders.closing import LOOP_FIGURES, LOOP_HEADERS, LoopFigures, closing_rate
from generator.reminders.report import DETAIL_HEADERS, FIGURES, WAYS, DepartmentReport, on_time_rate
from generator.spreadsheet import append_row
from portal.rules.text import one_line

_ENV = Environment(
    loader=PackageLoader("generator.reminders", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
)


def totals(reports: list[DepartmentReport]) -> Counter[str]:
    total: Counter[str] = Counter()
    for report in reports:
        total.update(report.figures)
    return total


def write_report_xlsx(
    path: Path, reports: list[DepartmentReport], start: date, end: date, loop: list[LoopFigures] | None = None
) -> None:
    """Write the summary sheet, one sheet per department with every reminder behind its figures, and with loop
    the 闭环 sheet (per department and the province, then every certificate behind those figures)."""
    book = Workbook()
    summary = book.active
    summary.title = "汇总"
    append_row(summary, [f"证照到期提醒督促检查 {start.isoformat()} 至 {end.isoformat()}"])
    append_row(summary, ["部门", *FIGURES, *(f"完成中：{w}" for w in WAYS), "按时率"])
    for report in reports:
        append_row(
            summary,
            [report.department.name, *(report.figures[f] for f in FIGURES), *_ways(report), report.rate],
        )
    total = totals(reports)
    ways = [sum(r.ways[w] for r in reports) for w in WAYS]
    append_row(summary, ["合计", *(total[f] for f in FIGURES), *ways, on_time_rate(total)])
    _style(summary, 2, [24, *[12] * len(FIGURES), *[18] * len(WAYS), 12])
    for report in reports:
        sheet = book.create_sheet(_title(report.department.name, book.sheetnames))
        append_row(sheet, ["部门", *FIGURES, "按时率"])
        append_row(sheet, [report.department.name, *(report.figures[f] for f in FIGURES), report.rate])
        append_row(sheet, [])
        append_row(sheet, list(DETAIL_HEADERS))
        for row in sorted(report.details, key=lambda r: (r[5], r[0])):
            append_row(sheet, row)
        for (cell,) in sheet.iter_rows(min_row=5, min_col=4, max_col=4):
            cell.number_format = "yyyy-mm-dd"
        for column in (6, 7):
            for (cell,) in sheet.iter_rows(min_row=5, min_col=column, max_col=column):
                cell.number_format = "yyyy-mm-dd"
        _style(sheet, 4, [28, 30, 20, 12, 10, 12, 12, 10])
    if loop is not None:
        _loop_sheet(book.create_sheet(_title("闭环", book.sheetnames)), loop, start, end)
    with replacing(path, private=True) as temp:
        book.save(temp)


def _loop_sheet(sheet: Worksheet, loop: list[LoopFigures], start: date, end: date) -> None:
    """Write 闭环率, 联系不上 and 全部提醒后过期未续证 per department and 合计, then the lines behind them."""
    append_row(sheet, [f"续证闭环 {start.isoformat()} 至 {end.isoformat()}"])
    append_row(sheet, ["部门", *LOOP_FIGURES, "闭环率"])
    total: Counter[str] = Counter()
    for figures in loop:
        total.update(figures.figures)
        append_row(
            sheet, [figures.department.name, *(figures.figures[f] for f in LOOP_FIGURES), figures.rate]
        )
    append_row(sheet, ["合计（全省）", *(total[f] for f in LOOP_FIGURES), closing_rate(total)])
    append_row(sheet, [])
    header = len(loop) + 5
    append_row(sheet, ["部门", *LOOP_HEADERS])
    for figures in loop:
        for line in figures.lines:
            append_row(sheet, [figures.department.name, *line.row()])
    for (cell,) in sheet.iter_rows(min_row=header + 1, min_col=6, max_col=6):
        cell.number_format = "yyyy-mm-dd"
    _style(sheet, 2, [24, 12, 12, 12, 20, 12])


def write_report_html(
    path: Path, reports: list[DepartmentReport], start: date, end: date, today: date
) -> None:
    """Write the staff page with the same figures (no names, numbers or contacts)."""
    total = totals(reports)
    html = _ENV.get_template("report.html.j2").render(
        reports=reports, figures=FIGURES, total=total, total_rate=on_time_rate(total),
        start=start.isoformat(), end=end.isoformat(), today=today.isoformat(),
    )  # fmt: skip
    with replacing(path, private=True) as temp:
        temp.write_text(html, encoding="utf-8")


def _ways(report: DepartmentReport) -> list[int]:
    """Return how the department's done reminders were done, apart (WAYS order)."""
    return [report.ways[w] for w in WAYS]


def _style(sheet: object, header_row: int, widths: list[int]) -> None:
    for cell in sheet[header_row]:  # type: ignore[index]
        cell.font = Font(bold=True)
    sheet.freeze_panes = f"A{header_row + 1}"  # type: ignore[attr-defined]
    for index, width in enumerate(widths):
        sheet.column_dimensions[column_letter(index)].width = width  # type: ignore[attr-defined]


def _title(name: str, taken: list[str]) -> str:
    base = "".join(ch for ch in one_line(name) if ch not in "[]:*?/\\")[:28] or "部门"
    title, n = base, 2
    while title in taken:
        title, n = f"{base}{n}", n + 1
    return title
