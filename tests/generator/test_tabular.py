"""Reading staff spreadsheets: header rows found below titles, encodings, unreadable files reported."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from generator import tabular, xlsx_extent
from generator.ledger.schema import LEDGER_COLUMNS
from generator.problems import InputError, Level
from generator.tabular import locate_header, normalize_header, read_sheet, read_sheets
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


def _rewrite_sheet(path: Path, change: Callable[[str], str]) -> Path:
    """Rewrite the first sheet's XML of an .xlsx, as a hand-made or damaged file would have it."""
    with zipfile.ZipFile(path) as book:
        members = {info.filename: book.read(info) for info in book.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = change(members[sheet].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in members.items():
            book.writestr(name, data)
    return path


def _far_cell_book(path: Path) -> None:
    """Write a two-row table with one stray cell at XFD1048576, the last cell of a sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["单位名称", "期满日期"])
    sheet.append(["甲公司", "2026-05-01"])
    sheet["XFD1048576"] = "x"
    book.save(path)


def test_one_stray_cell_far_away_is_left_out_and_named(tmp_path: Path) -> None:
    """XFD1048576 would make calamine ask for 512 GB and abort the process."""
    _far_cell_book(tmp_path / "far.xlsx")
    assert (tmp_path / "far.xlsx").stat().st_size < 60_000
    (read,) = read_sheets(tmp_path / "far.xlsx", "far.xlsx")
    assert read.rows == [["单位名称", "期满日期"], ["甲公司", "2026-05-01"]]
    (problem,) = read.problems
    assert problem.level is Level.WARNING and "XFD1048576" in problem.message and problem.row == 1048576
    assert "删除远处的单元格后另存" in problem.fix and problem.sheet == "Sheet"


def test_a_far_cell_behind_a_false_dimension_is_found(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "lie.xlsx", [["单位名称", "期满日期"], ["甲公司", "2026-05-01"]])
    stray = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    _rewrite_sheet(path, lambda xml: xml.replace("</sheetData>", stray))
    (read,) = read_sheets(path, "lie.xlsx")
    assert read.rows == [["单位名称", "期满日期"], ["甲公司", "2026-05-01"]]
    assert ["XFD1048576" in p.message for p in read.problems] == [True]


def test_a_sheet_too_big_even_without_its_strays_is_refused_in_chinese(tmp_path: Path) -> None:
    rows: list[list[object]] = [["x"] + [None] * 59 for _ in range(250)]
    rows[0] = ["x" if c % 60 == 0 else None for c in range(16384)]
    path = write_xlsx(tmp_path / "big.xlsx", rows)
    (read,) = read_sheets(path, "big.xlsx")
    assert read.rows == []
    (problem,) = read.problems
    assert problem.level is Level.ERROR and "大得异常" in problem.message and "另存" in problem.fix


def test_every_worksheet_is_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "一月"
    first.append(["单位名称", "期满日期"])
    book.create_sheet("二月").append(["单位名称", "期满日期"])
    book.save(tmp_path / "a.xlsx")
    assert [s.name for s in read_sheets(tmp_path / "a.xlsx", "a.xlsx")] == ["一月", "二月"]
    assert read_sheet(tmp_path / "a.xlsx", "a.xlsx").name == "一月"


def test_a_two_row_header_with_merged_group_names(tmp_path: Path) -> None:
    """联系人信息 merged over 联系人 | 联系方式; 序号 and the others merged down over both rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["台账"])
    sheet.append(["序号", "单位名称", "期满日期", "联系人信息", None])
    sheet.append([None, None, None, "联系人", "联系方式"])
    sheet.append([1, "甲公司", "2026-05-01", "张三", "13800138000"])
    for cells in ("A2:A3", "B2:B3", "C2:C3", "D2:E2"):
        sheet.merge_cells(cells)
    book.save(tmp_path / "a.xlsx")
    table = locate_header(read_sheet(tmp_path / "a.xlsx", "a.xlsx"), LEDGER_COLUMNS)
    assert table is not None and (table.first_header_row, table.header_row, table.data_rows) == (1, 2, [3])
    assert table.fields == {"seq": 0, "holder": 1, "expires_on": 2, "contact": 3, "phone": 4}


def test_a_two_row_header_found_at_its_lower_row(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["序号", "基本信息", None, "联系人信息", None],
        [None, "单位名称", "期满日期", "联系人", "联系方式"],
        [1, "甲公司", "2026-05-01", "张三", "13800138000"],
    ]
    table = locate_header(read_sheet(write_xlsx(tmp_path / "a.xlsx", rows), "a.xlsx"), LEDGER_COLUMNS)
    assert table is not None and (table.first_header_row, table.header_row, table.data_rows) == (0, 1, [2])
    assert table.fields == {"seq": 0, "holder": 1, "expires_on": 2, "contact": 3, "phone": 4}


def test_a_data_row_under_the_header_is_not_taken_for_a_header(tmp_path: Path) -> None:
    rows = [["单位名称", "期满日期", "办理状态"], ["甲公司", "2026-05-01", "已申请延续"]]
    table = locate_header(read_sheet(write_xlsx(tmp_path / "a.xlsx", rows), "a.xlsx"), LEDGER_COLUMNS)
    assert table is not None and table.header_row == 0 and table.data_rows == [1]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_an_unbalanced_quote_in_a_csv_is_named_and_the_rows_after_it_still_read(
    tmp_path: Path, encoding: str
) -> None:
    lines = ["单位名称,证照名称,期满日期", "甲公司,采矿许可证,2026-05-01", '乙公司,"采矿许可证,2026-05-01']
    lines += [f"丙{n}公司,采矿许可证,2026-05-01" for n in range(5)]
    path = tmp_path / "a.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    sheet = read_sheet(path, "a.csv")
    assert len(sheet.rows) == 8 and sheet.cell_text(7, 0) == "丙4公司"
    (problem,) = sheet.problems
    assert problem.level is Level.ERROR and problem.row == 3 and "引号" in problem.message
    assert '""' in problem.fix


def test_a_cell_over_several_lines_is_not_a_runaway_quote(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('单位名称,备注\n甲公司,"第一行\n第二行\n第三行\n第四行"\n乙公司,\n', encoding="utf-8")
    sheet = read_sheet(path, "a.csv")
    assert len(sheet.rows) == 3 and sheet.problems == []


def test_invisible_characters_do_not_hide_a_header() -> None:
    assert normalize_header("\ufeff期满\u200b日期") == normalize_header("期满日期")


def test_cells_written_without_references_are_read_not_refused(tmp_path: Path) -> None:
    rows: list[list[object]] = [["单位名称", "期满日期", *[f"列{n}" for n in range(8)]]]
    rows += [[f"甲{n}", "2026-05-01", *range(8)] for n in range(1000)]
    path = _rewrite_sheet(
        write_xlsx(tmp_path / "a.xlsx", rows), lambda xml: re.sub(r' r="[A-Z]+\d+"', "", xml)
    )
    (sheet,) = read_sheets(path, "a.xlsx")
    assert len(sheet.rows) == 1001 and sheet.problems == [] and sheet.cell_text(1000, 0) == "甲999"


def test_a_file_calamine_refuses_is_read_by_openpyxl_without_its_far_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _far_cell_book(tmp_path / "a.xlsx")

    def refuse(*args: object) -> None:
        raise ValueError("calamine cannot")

    monkeypatch.setattr(tabular, "_read_with_calamine", refuse)
    (read,) = read_sheets(tmp_path / "a.xlsx", "a.xlsx")
    assert read.rows == [["单位名称", "期满日期"], ["甲公司", "2026-05-01"]]
    assert ["XFD1048576" in p.message for p in read.problems] == [True]


def test_a_sheet_that_is_mostly_padding_is_not_inflated_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_extent, "_SCAN_MAX", 1 << 20)  # 256 MB in real life
    path = write_xlsx(tmp_path / "bomb.xlsx", [["单位名称", "期满日期"], ["甲公司", "2026-05-01"]])
    _rewrite_sheet(path, lambda xml: xml.replace("<sheetData>", "<sheetData>" + " " * (2 << 20)))
    (sheet,) = read_sheets(path, "bomb.xlsx")
    (problem,) = sheet.problems
    assert sheet.rows == [] and problem.level is Level.ERROR and "MB" in problem.message


def test_headers_and_sheet_names_are_plain_text(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "一月\u202e"
    sheet.append(["单位\u200b名称", "期满\n日期"])
    book.save(tmp_path / "a.xlsx")
    table = locate_header(read_sheet(tmp_path / "a.xlsx", "a.xlsx"), LEDGER_COLUMNS)
    assert table is not None and table.sheet.name == "一月" and table.headers == ["单位名称", "期满 日期"]


def test_a_quote_left_open_on_the_second_to_last_line_is_found(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        '单位名称,证照名称,期满日期\n甲公司,"采矿许可证,2026-05-01\n乙公司,采矿许可证,2026-05-01\n', "utf-8"
    )
    sheet = read_sheet(path, "a.csv")
    assert len(sheet.rows) == 3 and [p.row for p in sheet.problems] == [2]


def test_a_csv_line_of_endless_commas_does_not_blow_up_the_sheet(tmp_path: Path) -> None:
    lines = ["单位名称,期满日期", *[f"甲{n}公司,2026-05-01" for n in range(3000)]]
    lines[5] += "," * 2_000_000 + "x"  # a far field: 2,000,002 columns × 3,001 rows once padded
    lines[6] += "," * 2_000_000  # only empty fields
    path = tmp_path / "a.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sheet = read_sheet(path, "a.csv")
    assert len(sheet.rows) == 3001 and len(sheet.rows[0]) <= 66 and sheet.cell_text(3000, 0) == "甲2999公司"
    (problem,) = sheet.problems
    assert problem.row == 6 and problem.level is Level.WARNING and "2000002" in problem.message


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_a_csv_saved_with_tabs_or_semicolons_is_read(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "a.csv"
    path.write_text(f"单位名称{delimiter}期满日期\n甲公司{delimiter}2026-05-01\n", encoding="utf-8")
    assert read_sheet(path, "a.csv").rows == [["单位名称", "期满日期"], ["甲公司", "2026-05-01"]]
