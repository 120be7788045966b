"""Reading staff spreadsheets: header rows found below titles, encodings, unreadable files reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.ledger.schema import LEDGER_COLUMNS
from generator.problems import InputError
from generator.tabular import locate_header, normalize_header, read_sheet
from tests.conftest import write_csv, write_xlsx


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("证照持有单位 (个人)", "证照持有单位（个人）"),
        ("服务事项\n(填事项代码)", "服务事项(填事项代码)"),
        ("*期满日期：", "期满日期"),
    ],
)
def test_header_variants_normalize_alike(written: str, canonical: str) -> None:
    assert normalize_header(written) == normalize_header(canonical)


def test_header_found_below_title_rows_and_notes_skipped(tmp_path: Path) -> None:
    rows = [
        ["台账"],
        ["科室："],
        ["序号", "单位名称", "期满日期"],
        [1, "甲", "2026-01-01"],
        [2],
        [None],
        ["注：事项代码见附件"],
    ]
    table = locate_header(read_sheet(write_xlsx(tmp_path / "a.xlsx", rows), "a.xlsx"), LEDGER_COLUMNS)
    assert table is not None and table.header_row == 2 and table.data_rows == [3]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [["标题"], ["单位名称", "期满日期"], ["鞍山市华宇化工有限公司", "2026-01-01"]],
        encoding,
    )
    sheet = read_sheet(path, "a.csv")
    assert sheet.cell_text(2, 0) == "鞍山市华宇化工有限公司"


def test_a_corrupt_xlsx_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError) as caught:
        read_sheet(path, "a.xlsx")
    (problem,) = caught.value.problems
    assert "无法读取" in problem.message and "另存为 .xlsx" in problem.fix


def test_an_undecodable_csv_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(bytes([0x81, 0x30, 0x81]) * 3 + b"\xff\xfe\xff")
    with pytest.raises(InputError) as caught:
        read_sheet(path, "a.csv")
    assert "编码" in caught.value.problems[0].message


def test_other_file_types_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(InputError) as caught:
        read_sheet(path, "a.pdf")
    assert ".xlsx 或 .csv" in caught.value.problems[0].fix
