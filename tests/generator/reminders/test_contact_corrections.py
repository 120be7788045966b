"""联系方式更正 on the CLI: a clerk's correction is used by `jiaozao remind` (the 电话提醒清单 and the SMS file)
while the 台账 still brings the corrected value; a newer 台账 with another value wins and says so."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from generator.cli import main
from generator.config import Settings
from generator.ledger.corrections import Correction, add_correction, corrections_folder, read_corrections
from generator.pipeline import load_inputs
from generator.reminders.worklist import HEADERS
from generator.workflows.remind import PROBLEMS_FILE
from tests.conftest import write_xlsx
from tests.generator.reminders.conftest import HEADER, ROWS, TODAY

WEIJIAN = "anshan-weijian"
FIXED = "13911112222"


def _phones(out: Path) -> dict[str, str]:
    sheet = openpyxl.load_workbook(out / WEIJIAN / "电话提醒清单.xlsx").active
    number, phone = HEADERS.index("证照编号"), HEADERS.index("联系方式")
    return {str(r[number]): str(r[phone]) for r in sheet.iter_rows(min_row=2, values_only=True)}


def _remind(args: list[str], out: Path) -> int:
    return main(["remind", *args, "--today", TODAY, "--out", str(out)])


def test_a_corrected_number_is_used_until_a_newer_ledger_brings_another(
    remind_args: list[str], ledger_dir: Path, catalogs_dir: Path, tmp_path: Path
) -> None:
    correction = Correction(WEIJIAN, "WJ-3", "phone", "0412-5551234", FIXED, "张三", "2026-11-22 10:00:00")
    add_correction(ledger_dir, correction)
    add_correction(
        ledger_dir, Correction(WEIJIAN, "WJ-3", "contact", "李医生", "李院长", "张三", "2026-11-22 10:01:00")
    )
    assert read_corrections(ledger_dir, [WEIJIAN]) == [
        correction,
        *read_corrections(ledger_dir, [WEIJIAN])[1:],
    ]
    assert _remind(remind_args, tmp_path / "day1") == 0
    assert _phones(tmp_path / "day1")["WJ-3"] == FIXED
    sms = (tmp_path / "day1" / WEIJIAN / "短信.csv").read_text(encoding="utf-8-sig")
    assert FIXED in sms and "0412-5551234" not in sms
    assert not (corrections_folder(ledger_dir).parent / PROBLEMS_FILE).exists()  # never read as a 台账
    rows = [list(r) for r in ROWS]
    rows[2][5] = "13700000000"  # the business system now has another number for WJ-3
    write_xlsx(ledger_dir / "anshan-weijian.xlsx", [HEADER, *rows])
    assert _remind(remind_args, tmp_path / "day2") == 0
    assert _phones(tmp_path / "day2")["WJ-3"] == "13700000000"
    inputs = load_inputs(Settings(catalogs_dir, ledger_dir), date(2026, 11, 23))  # what `jiaozao check` lists
    said = " ".join(p.message for p in inputs.problems.items)
    assert "张三 于 2026-11-22 更正为“13911112222”，新台账为“13700000000”，现按新台账提醒" in said
