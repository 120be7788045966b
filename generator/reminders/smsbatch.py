"""Reading back an SMS batch staff uploaded (jiaozao record --sms), matched to the certificates it was about."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.ledger.identifiers import normalize_phone
from generator.problems import InputError, Problem
from generator.reminders.registry import Registry, ReminderRecord
from generator.spreadsheet import csv_original
from generator.tabular import cell_text, read_sheet

SMS_HEADERS = ("手机号", "短信内容")


def read_sms_batch(
    path: Path, shown: str, registry: Registry, sent_on: date, by_whom: str, rows: list[int] | None = None
) -> list[ReminderRecord]:
    """Return a record per certificate of each message (rows gets its CSV row); a changed one refuses the file."""
    sheet = read_sheet(path, shown)
    headers = tuple(cell_text(v) for v in sheet.rows[0][:2]) if sheet.rows else ()
    if headers != SMS_HEADERS:
        fix = "请导入 jiaozao remind 生成的短信文件（表头：手机号,短信内容）"
        raise InputError([Problem(shown, "不是叫早生成的短信批量文件，整个文件未登记", fix, 1)])
    records, problems = list[ReminderRecord](), list[Problem]()
    for row, cells in enumerate(sheet.rows[1:], start=2):
        phone = normalize_phone(cell_text(cells[0]))
        text = csv_original(str(cells[1] if len(cells) > 1 else ""))
        if not phone and not text:
            continue
        found = registry.sms_certificates(phone, text)
        if not found:
            fix = "该条短信不是叫早生成的，或手机号、内容被改过；请用原文件登记"
            problems.append(Problem(shown, "登记簿中找不到这条短信", fix, row, "手机号", 0, phone))
        source = f"{shown} 第 {row} 行"
        records.extend(
            ReminderRecord(c, kind, "短信", sent_on, by_whom, "已发送", "", source) for c, kind in found
        )
        if rows is not None:
            rows.extend([row] * len(found))
    if problems:
        raise InputError(
            [*problems, Problem(shown, f"共 {len(problems)} 处错误，整个文件未登记", "改正后重新登记")]
        )
    return records
