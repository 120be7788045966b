"""What the 今日提醒 tests share: picks read from a page or a worklist, the 登记簿 as rows, filling a worklist."""

from __future__ import annotations

import re
from contextlib import closing
from datetime import date
from pathlib import Path

import openpyxl

from console.settings import ConsoleSettings
from generator.database import open_database
from generator.reminders.worklist import HEADERS

COLUMN = {name: index for index, name in enumerate(HEADERS)}
_FORM = re.compile(r'<form class="inline record".*?</form>', re.S)


def cli_options(settings: ConsoleSettings) -> list[str]:
    """Return the options that point `jiaozao` at the console's 目录, 台账 and 登记簿."""
    catalogs = settings.inputs.catalogs
    return [
        "--catalogs",
        str(catalogs),
        "--ledgers",
        str(catalogs / "_ledgers"),
        "--db",
        str(settings.inputs.db),
    ]


def holder_forms(page: str) -> list[list[str]]:
    """Return the picks of every holder's record form on a 今日提醒 page, in page order."""
    return [re.findall(r'name="c" value="([^"]+)"', form) for form in _FORM.findall(page)]


def registry_rows(db: Path | str) -> list[tuple[object, ...]]:
    """Return the 登记簿 (a file, or PostgreSQL at a URL) as comparable rows: everything but where and when each
    record was entered."""
    with closing(open_database(db)) as connection:
        return sorted(
            tuple(row)
            for row in connection.execute(
                "SELECT department, certificate_key, expires, number, certificate, holder, kind, channel, "
                "reminded_on, by_whom, result, done, remark FROM reminders"
            )
        )


def worklist_groups(path: Path) -> dict[int, list[str]]:
    """Return each 组号's picks (certificate key, 期满日期, kind) as the console's forms name them."""
    sheet = openpyxl.load_workbook(path).active
    groups: dict[int, list[str]] = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        number = str(row[COLUMN["证照编号"]] or "")
        key = number or f"{row[COLUMN['持证单位（个人）']]}|{row[COLUMN['证照名称']]}"
        expires = row[COLUMN["期满日期"]]
        day = expires.date().isoformat() if hasattr(expires, "date") else str(expires)
        groups.setdefault(int(row[COLUMN["组号"]]), []).append(f"{key}\t{day}\t{row[COLUMN['提醒类别']]}")
    return groups


def fill_worklist(path: Path, results: dict[int, tuple[str, str, str, str]], on: date) -> None:
    """Fill in 提醒日期, 提醒人, 提醒方式, 联系结果, 备注 on every row of the given 组号 (by, channel, result, remark)."""
    book = openpyxl.load_workbook(path)
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        filled = results.get(int(row[COLUMN["组号"]].value))
        if filled is None:
            continue
        by, channel, result, remark = filled
        row[COLUMN["提醒日期"]].value = on
        row[COLUMN["提醒人"]].value = by
        row[COLUMN["提醒方式"]].value = channel
        row[COLUMN["联系结果"]].value = result
        row[COLUMN["备注"]].value = remark
    book.save(path)
