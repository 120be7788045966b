"""台账 as clumsy clerks and attackers leave them: every row still ends scheduled or reported, never dropped."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from generator.catalog.model import Catalogs
from generator.problems import Level
from tests.conftest import write_xlsx
from tests.generator.ledger.conftest import load_counted

HEADER: list[object] = ["证照持有单位（个人）", "证照名称", "证照编号", "期满日期", "联系人", "联系方式"]


def _excel_text(text: str) -> str:
    """Return text as Excel stores characters XML cannot hold: a vertical tab is written _x000B_."""
    return "".join(f"_x{ord(c):04X}_" if ILLEGAL_CHARACTERS_RE.match(c) else c for c in text)


def _row(n: int, holder: str = "华宇化工有限公司") -> list[object]:
    return [holder, "采矿许可证", f"C-{n}", "2026-05-01", "张三", "13800138000"]


@pytest.mark.parametrize("char", ["\x0b", "\x00", "\x07", "\u200b", "\u00ad", "\ufeff", "\u202e", "\n"])
def test_an_invisible_character_in_a_name_is_cleaned_warned_and_scheduled(
    tmp_path: Path, catalogs: Catalogs, char: str
) -> None:
    path = write_xlsx(tmp_path / "anshan.xlsx", [HEADER, _row(1, _excel_text(f"华宇{char}化工有限公司"))])
    ledger, problems = load_counted(path, catalogs)
    assert len(ledger) == 1 and ledger.holder[0] in ("华宇化工有限公司", "华宇 化工有限公司")
    (problem,) = problems
    assert problem.level is Level.WARNING and "不可见字符" in problem.message
    assert (problem.row, problem.column, problem.value) == (2, HEADER[0], ledger.holder[0])
    assert problem.value is not None and problem.value.isprintable()


def test_a_number_pasted_from_word_is_stored_as_typed(tmp_path: Path, catalogs: Catalogs) -> None:
    row = _row(1)
    row[2], row[5] = "\ufeffC-\u200b１２٣", "１３８００１３８０００"
    ledger, problems = load_counted(write_xlsx(tmp_path / "anshan.xlsx", [HEADER, row]), catalogs)
    assert ledger.number == ["C-123"] and ledger.phone == ["13800138000"]
    assert [p.column for p in problems] == ["证照编号"]


def test_every_sheet_with_a_ledger_header_is_read(tmp_path: Path, catalogs: Catalogs) -> None:
    book = openpyxl.Workbook()
    sheets: dict[str, list[list[object]]] = {"说明": [["填表说明：每月一张表"]]}
    sheets["一月"] = [HEADER, *(_row(n) for n in range(10))]
    sheets["二月"] = [HEADER, *(_row(n) for n in range(10, 680))]
    sheets["空白"] = []
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.remove(book.worksheets[0])
    book.save(tmp_path / "anshan.xlsx")
    ledger, problems = load_counted(tmp_path / "anshan.xlsx", catalogs)
    assert len(ledger) == 680 and ledger.rows_read == 680
    (skipped,) = problems
    assert skipped.level is Level.WARNING and skipped.message == "工作表“说明”没有台账表头，已跳过"
    assert ledger.files == ["anshan.xlsx，工作表「一月」", "anshan.xlsx，工作表「二月」"] or all(
        f.endswith(("工作表「一月」", "工作表「二月」")) for f in ledger.files
    )
    assert ledger.files[ledger.file[-1]].endswith("工作表「二月」") and ledger.row[-1] == 671


def test_a_certificate_on_two_sheets_is_a_duplicate_naming_the_sheet(
    tmp_path: Path, catalogs: Catalogs
) -> None:
    book = openpyxl.Workbook()
    for name in ("一月", "二月"):
        sheet = book.create_sheet(name)
        for row in (HEADER, _row(1)):
            sheet.append(row)
    book.remove(book.worksheets[0])
    book.save(tmp_path / "anshan.xlsx")
    ledger, problems = load_counted(tmp_path / "anshan.xlsx", catalogs)
    assert len(ledger) == 1 and ledger.rows_rejected == 1
    (problem,) = problems
    assert problem.sheet == "二月" and "工作表「一月」第 2 行" in problem.fix


def test_a_workbook_without_any_ledger_sheet_names_the_sheets_it_looked_at(
    tmp_path: Path, catalogs: Catalogs
) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "说明"
    first.append(["填表说明"])
    book.create_sheet("附表").append(["事项代码", "事项"])
    book.save(tmp_path / "anshan.xlsx")
    _, problems = load_counted(tmp_path / "anshan.xlsx", catalogs)
    (problem,) = problems
    assert problem.level is Level.ERROR and "「说明」、「附表」" in problem.message


def test_a_two_row_header_keeps_the_phone_column(tmp_path: Path, catalogs: Catalogs) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["证照持有单位（个人）", "证照名称", "期满日期", "联系人信息", None])
    sheet.append([None, None, None, "联系人", "联系方式"])
    sheet.append(["华宇化工有限公司", "采矿许可证", "2026-05-01", "张三", "13800138000"])
    for cells in ("A1:A2", "B1:B2", "C1:C2", "D1:E1"):
        sheet.merge_cells(cells)
    book.save(tmp_path / "anshan.xlsx")
    ledger, problems = load_counted(tmp_path / "anshan.xlsx", catalogs)
    assert ledger.phone == ["13800138000"] and ledger.contact == ["张三"] and ledger.row.tolist() == [3]
    assert [p.message for p in problems] == ["台账没有证照编号列"]


def test_a_missing_phone_column_is_said_once_per_file(tmp_path: Path, catalogs: Catalogs) -> None:
    rows: list[list[object]] = [HEADER[:5], *(_row(n)[:5] for n in range(20))]  # 联系人 but no 联系方式
    ledger, problems = load_counted(write_xlsx(tmp_path / "anshan.xlsx", rows), catalogs)
    assert len(ledger) == 20
    (problem,) = problems
    assert problem.message == "台账没有联系方式列" and problem.row == 1 and problem.level is Level.WARNING


def test_an_unbalanced_quote_is_one_error_row_and_the_rest_is_read(
    tmp_path: Path, catalogs: Catalogs
) -> None:
    lines = [",".join(map(str, HEADER)), *(",".join(map(str, _row(n))) for n in range(600))]
    lines[3] = lines[3].replace("采矿许可证", '"采矿许可证')
    (tmp_path / "anshan.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    ledger, problems = load_counted(tmp_path / "anshan.csv", catalogs)
    assert (ledger.rows_read, len(ledger), ledger.rows_rejected) == (600, 599, 1)
    errors = [p for p in problems if p.level is Level.ERROR]
    assert errors and {p.row for p in errors} == {4} and "引号" in errors[0].message


def test_a_stray_far_cell_does_not_stop_the_file(tmp_path: Path, catalogs: Catalogs) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (HEADER, _row(1)):
        sheet.append(row)
    sheet["XFD1048576"] = "x"
    book.save(tmp_path / "anshan.xlsx")
    ledger, problems = load_counted(tmp_path / "anshan.xlsx", catalogs)
    assert len(ledger) == 1
    (problem,) = problems
    assert "XFD1048576" in problem.message and problem.level is Level.WARNING


def test_files_not_read_and_departments_without_rows_are_named(tmp_path: Path, catalogs: Catalogs) -> None:
    folder = tmp_path / "ledgers"
    write_xlsx(folder / "anshan.xlsx", [HEADER, _row(1)])
    (folder / "anshan-2026-11.tsv").write_text("证照持有单位\t期满日期\n", encoding="utf-8")
    (folder / "说明.txt").write_text("台账说明", encoding="utf-8")
    (folder / "~$anshan.xlsx").write_bytes(b"lock")
    (folder / ".DS_Store").write_bytes(b"")
    ledger, problems = load_counted(folder, catalogs)
    assert len(ledger) == 1
    skipped = sorted(Path(p.file).name for p in problems if "已跳过" in p.message)
    assert skipped == ["anshan-2026-11.tsv", "说明.txt"]
    silent = {p.file for p in problems if "没有任何台账行" in p.message}
    named = {s for s in catalogs.slugs for p in problems if f"（{s}）没有任何台账行" in p.message}
    assert named == {"dongli", "lvliang", "anshan-weijian"} and len(silent) == 1  # anyang's 目录 has no items
    assert all(p.level is Level.WARNING for p in problems)


def test_a_certificate_name_or_date_pasted_with_invisible_characters_still_resolves(
    tmp_path: Path, catalogs: Catalogs
) -> None:
    row = _row(1)
    row[1], row[3] = _excel_text("采矿\x0b许可证\u200b"), "2026-05-01\ufeff"
    ledger, problems = load_counted(write_xlsx(tmp_path / "anshan.xlsx", [HEADER, row]), catalogs)
    assert len(ledger) == 1 and catalogs.items[ledger.item[0]].certificate == "采矿许可证"
    (problem,) = problems
    assert problem.column == "证照名称" and problem.level is Level.WARNING and problem.value == "采矿 许可证"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_a_csv_name_with_a_control_character_is_cleaned(
    tmp_path: Path, catalogs: Catalogs, encoding: str
) -> None:
    text = ",".join(map(str, HEADER)) + "\r\n" + ",".join(map(str, _row(1, "华宇\x07化工有限公司"))) + "\r\n"
    (tmp_path / "anshan.csv").write_bytes(text.encode(encoding))
    ledger, problems = load_counted(tmp_path / "anshan.csv", catalogs)
    assert ledger.holder == ["华宇化工有限公司"] and [p.row for p in problems] == [2]
