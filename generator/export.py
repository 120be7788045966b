"""Staff outputs as files Excel opens: the schedule and the problem list, written whole or not at all."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from openpyxl import Workbook

from generator.atomic import OutputError, replacing
from generator.catalog.model import Catalogs
from generator.ledger.model import Ledger
from generator.problems import Problem, column_letter
from generator.schedule import NO_DATE, Schedule
from generator.spreadsheet import append_row, csv_row
from portal.rules.status import Status

SCHEDULE_HEADERS = (
    "部门", "证照编号", "证照名称", "审批事项名称", "持证单位", "期满日期", "首次提醒日期", "二次提醒日期",
    "临期提醒日期", "剩余天数", "状态", "估算", "法定申请截止日期", "提醒晚于申请期限", "已申请延续", "台账文件", "台账行号",
)  # fmt: skip
PROBLEM_HEADERS = ("级别", "文件", "工作表", "行", "列", "值", "问题", "处理办法")
Progress = Callable[[int], None]


def schedule_rows(ledger: Ledger, schedule: Schedule, catalogs: Catalogs) -> Iterator[list[object]]:
    """Yield one row per certificate, by department then expiry date."""
    items = catalogs.items
    names = {d.slug: d.name for d in catalogs.departments}
    order = np.lexsort((ledger.expires, ledger.item))
    for i in order.tolist():
        item = items[ledger.item[i]]
        estimated = [
            n
            for n, flag in (
                ("首次提醒", schedule.first_estimated[i]),
                ("二次提醒", schedule.second_estimated[i]),
                ("临期提醒", schedule.final_estimated[i]),
            )
            if flag
        ]
        yield [
            names[item.department], ledger.number[i], item.certificate, item.matter, ledger.holder[i],
            _day(ledger.expires[i]), _day(schedule.first[i]), _day(schedule.second[i]),
            _day(schedule.final[i]), int(schedule.days_left[i]), Status(schedule.status[i]).label, "、".join(estimated) and "估算：" + "、".join(estimated),
            _day(schedule.deadline[i]), "是" if schedule.late[i] else "", "是" if ledger.applied[i] else "",
            ledger.files[ledger.file[i]], int(ledger.row[i]),
        ]  # fmt: skip


def _day(ordinal: object) -> date | None:
    value = int(ordinal)  # type: ignore[call-overload]
    return date.fromordinal(value) if value != NO_DATE else None


def problem_rows(problems: Iterable[Problem]) -> Iterator[list[object]]:
    for problem in problems:
        yield list(problem.as_dict().values())


@dataclass(frozen=True)
class TableOutput:
    """One table to write: where, its header row, its rows, and an optional progress callback."""

    path: Path
    headers: Sequence[str]
    rows: Iterable[list[object]]
    progress: Progress | None = None


def write_table(
    path: Path, headers: Sequence[str], rows: Iterable[list[object]], progress: Progress | None = None
) -> int:
    """Write a .csv (UTF-8 with BOM, so Excel opens it) or .xlsx beside the target, then swap it in; return rows."""
    return write_tables(TableOutput(path, headers, rows, progress))[0]


def write_tables(*tables: TableOutput) -> list[int]:
    """Write every table beside its target, then swap them all in: if one fails, every target stays as it was."""
    for table in tables:
        if table.path.suffix.lower() not in (".csv", ".xlsx"):
            raise OutputError(f"输出文件“{table.path}”的类型不支持：请用 .csv 或 .xlsx 结尾")
    with ExitStack() as stack:
        temps = [stack.enter_context(replacing(table.path, private=True)) for table in tables]
        return [write_table_to(temp, table) for temp, table in zip(temps, tables, strict=True)]


def write_table_to(temp: Path, table: TableOutput) -> int:
    """Write a table into temp in the format of table.path's suffix; return its rows."""
    writer = _write_csv if table.path.suffix.lower() == ".csv" else _write_xlsx
    return writer(temp, table.headers, table.rows, table.progress)


def _write_csv(
    path: Path, headers: Sequence[str], rows: Iterable[list[object]], progress: Progress | None
) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(csv_row(row))
            count += 1
            if progress is not None and count % 10_000 == 0:
                progress(10_000)
    if progress is not None:
        progress(count % 10_000)
    return count


def _write_xlsx(
    path: Path, headers: Sequence[str], rows: Iterable[list[object]], progress: Progress | None
) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("排期")
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers):
        sheet.column_dimensions[column_letter(index)].width = max(10, len(header) * 2 + 2)
    append_row(sheet, headers)
    count = 0
    for row in rows:
        append_row(sheet, row)
        count += 1
        if progress is not None and count % 10_000 == 0:
            progress(10_000)
    book.save(path)
    if progress is not None:
        progress(count % 10_000)
    return count
