"""Files with personal data are the server account's only (0600, folders 0700) after a real `jiaozao remind` and
`jiaozao record`, whatever the umask: the day's files, the 登记簿 and its journal files, the report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from generator.cli import main
from generator.reminders.worklist import HEADERS
from tests.generator.reminders.conftest import TODAY
from tests.modes import database_files, loose_umask, mode, not_private


def test_remind_record_and_report_write_private_files(remind_args: list[str], tmp_path: Path) -> None:
    registry = tmp_path / "var" / "登记簿.sqlite"
    args = [*remind_args[:-1], str(registry)]
    out = tmp_path / "out"
    with loose_umask():
        assert (
            main(["remind", *args, "--today", TODAY, "--out", str(out / "remind" / TODAY), "--dry-run"]) == 0
        )
        worklist = out / "remind" / TODAY / "anshan-weijian" / "电话提醒清单.xlsx"
        book = openpyxl.load_workbook(worklist)
        for offset, value in enumerate((date(2026, 11, 23), "张三", "电话", "已告知")):
            book.active.cell(2, HEADERS.index("提醒日期") + 1 + offset, value)
        book.save(worklist)
        worklist.chmod(0o644)  # saved again by Excel: recording it changes nothing of it
        assert main(["record", str(worklist), *args]) == 0
        report = out / "report" / "督促检查.xlsx"
        assert (
            main(["report", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(report), *args]) == 0
        )
    worklist.chmod(0o600)
    written = sorted(p.name for p in out.rglob("*") if p.is_file())
    assert {"电话提醒清单.xlsx", "短信.csv", "督促检查.xlsx"} <= set(written), written
    assert any(name.endswith(".eml") for name in written), written
    assert not not_private(out)
    assert mode(registry.parent) == 0o700
    assert len(database_files(registry)) >= 1 and {mode(p) for p in database_files(registry)} == {0o600}
