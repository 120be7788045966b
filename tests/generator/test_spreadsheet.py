"""Every .xlsx and .csv Jiaozao writes keeps staff text as text: no formula cell, no field a spreadsheet runs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from generator.cli import main
from generator.spreadsheet import append_row, csv_field, csv_original, csv_row
from tests.generator.payloads import (
    DEPARTMENT,
    FORMULAS,
    HOLDERS,
    TODAY,
    formula_findings,
    write_payload_catalogs,
    write_payload_ledger,
)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),  # a quote staff typed themselves survives the round trip
        ("-5", "-5"),  # a number written as text is not a formula
        ("+3.5", "+3.5"),
        ("甲酒店", "甲酒店"),
        ("a=b", "a=b"),
        (-5, -5),
        (None, ""),
    ],
)
def test_a_csv_field_is_neutralised_and_reads_back(value: object, written: object) -> None:
    assert csv_field(value) == written
    if isinstance(value, str):
        assert csv_original(str(written)) == value


def test_csv_rows_go_through_the_csv_module_and_back() -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([csv_row(FORMULAS), csv_row([-1, 2.5, None])])
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert [csv_original(v) for v in rows[0]] == list(FORMULAS)
    assert rows[1] == ["-1", "2.5", ""]


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_text_is_text_numbers_are_numbers(tmp_path: Path, write_only: bool) -> None:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("表") if write_only else book.active
    assert sheet is not None
    append_row(sheet, [*FORMULAS, -5, 2.5, None, "控制\x07字符"])
    book.save(tmp_path / "t.xlsx")
    assert formula_findings(tmp_path / "t.xlsx") == []
    values = next(openpyxl.load_workbook(tmp_path / "t.xlsx").worksheets[0].iter_rows(values_only=True))
    as_xml_keeps_them = [f.replace("\r", "\n") for f in FORMULAS]  # XML reads a CR as a line feed
    assert list(values) == [*as_xml_keeps_them, -5, 2.5, None, "控制字符"]


def test_every_spreadsheet_jiaozao_writes_holds_no_formula(catalogs_dir: Path, tmp_path: Path) -> None:
    write_payload_catalogs(catalogs_dir)
    ledgers = write_payload_ledger(tmp_path / "ledgers").parent
    common = ["--catalogs", str(catalogs_dir), "--ledgers", str(ledgers), "--today", TODAY]
    db = ["--db", str(tmp_path / "登记簿.sqlite")]
    out = tmp_path / "out"
    for schedule, problems in (("排期.xlsx", "问题清单.csv"), ("排期.csv", "问题清单.xlsx")):
        assert (
            main(["schedule", *common, "--out", str(out / schedule), "--problems", str(out / problems)]) == 0
        )
    assert main(["remind", *common, *db, "--out", str(out / "remind"), "--dry-run"]) == 0
    sms = out / "remind" / DEPARTMENT / "短信.csv"
    assert (
        main(["record", "--sms", str(sms), "--on", TODAY, *common, *db]) == 0
    )  # every neutralised text matched
    report = [
        "report",
        *common,
        *db,
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--site",
        str(tmp_path / "site"),
    ]
    assert main([*report, "--out", str(out / "督促检查.xlsx")]) == 0
    written = sorted(p for p in out.rglob("*") if p.suffix in (".xlsx", ".csv"))
    names = {p.name for p in written}
    assert {
        "排期.xlsx",
        "排期.csv",
        "问题清单.csv",
        "问题清单.xlsx",
        "电话提醒清单.xlsx",
        "短信.csv",
        "督促检查.xlsx",
    } <= names
    assert [finding for path in written for finding in formula_findings(path)] == []
    texts = [row[1] for row in csv.reader(io.StringIO(sms.read_text(encoding="utf-8-sig")))][1:]
    assert [t for t in texts if t.startswith("'=")], texts  # neutralised, and still recorded above


def test_the_worklist_keeps_every_holder_as_typed(catalogs_dir: Path, tmp_path: Path) -> None:
    write_payload_catalogs(catalogs_dir)
    ledgers = write_payload_ledger(tmp_path / "ledgers").parent
    args = ["--catalogs", str(catalogs_dir), "--ledgers", str(ledgers), "--today", TODAY]
    assert main(["remind", *args, "--db", str(tmp_path / "db.sqlite"), "--out", str(tmp_path / "out")]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "out" / DEPARTMENT / "电话提醒清单.xlsx").active
    assert sheet is not None
    holders = {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    for formula in ('=HYPERLINK("http://evil.example/","点我")', "@SUM(1+1)*cmd|' /C calc'!A0", "#N/A"):
        assert formula in holders and formula in HOLDERS
