"""jiaozao remind and jiaozao record end to end, on real files and a real 登记簿."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from generator.cli import main
from generator.reminders.registry import Registry
from generator.reminders.worklist import HEADERS
from tests.conftest import write_xlsx
from tests.generator.reminders.conftest import HEADER, ROWS, TODAY

WEIJIAN = "anshan-weijian"


def _remind(args: list[str], out: Path, *extra: str) -> int:
    return main(["remind", *args, "--today", TODAY, "--out", str(out), *extra])


def _worklist(out: Path) -> Path:
    return out / WEIJIAN / "电话提醒清单.xlsx"


def _fill(path: Path, rows: dict[int, tuple[object, str, str, str]]) -> None:
    """Fill 提醒日期, 提醒人, 提醒方式, 联系结果 of some Excel rows, as staff would in Excel."""
    book = openpyxl.load_workbook(path)
    sheet = book.active
    for row, values in rows.items():
        for offset, value in enumerate(values):
            sheet.cell(row, HEADERS.index("提醒日期") + 1 + offset, value)
    book.save(path)


def test_the_worklist_reads_back_with_frozen_header_dates_and_choice_lists(
    remind_args: list[str], tmp_path: Path
) -> None:
    assert _remind(remind_args, tmp_path / "out") == 0
    sheet = openpyxl.load_workbook(_worklist(tmp_path / "out")).active
    assert sheet.freeze_panes == "A2"
    assert tuple(c.value for c in sheet[1]) == HEADERS
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[3], r[5], r[10]) for r in rows] == [
        ("乙诊所", "WJ-3", "二次"),
        ("甲酒店", "WJ-1", "首次"),
        ("甲酒店", "WJ-2", "首次"),
        ("己超市", "WJ-7", "首次"),
    ]
    assert rows[1][1] == rows[2][1] and "一并提醒" in rows[1][11] and rows[2][12] == "同上"
    assert isinstance(sheet["G2"].value, datetime) and sheet["G2"].value.date() == date(2026, 11, 30)
    assert sheet["G2"].number_format == "yyyy-mm-dd" and sheet["N2"].number_format == "yyyy-mm-dd"
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert "电话" in lists["P2:P5"] and "已告知" in lists["Q2:Q5"] and "未接通" in lists["Q2:Q5"]
    assert "甲酒店" in rows[1][12] and "【再次提醒】" in rows[0][12]
    assert sheet.column_dimensions["M"].width >= 40
    setup = sheet.page_setup  # prints as a call list: A4 landscape, one page wide, header row on every page
    assert setup.orientation == "landscape" and int(setup.paperSize) == 9  # A4
    assert (
        int(setup.fitToWidth) == 1
        and int(setup.fitToHeight) == 0
        and sheet.sheet_properties.pageSetUpPr.fitToPage
    )
    assert sheet.print_title_rows == "$1:$1"


def test_rows_in_equal_sms_plus_problems(remind_args: list[str], tmp_path: Path) -> None:
    assert _remind(remind_args, tmp_path / "out") == 0
    sms = list(
        csv.reader((tmp_path / "out" / WEIJIAN / "短信.csv").read_text(encoding="utf-8-sig").splitlines())
    )
    assert (tmp_path / "out" / WEIJIAN / "短信.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert sms[0] == ["手机号", "短信内容"] and [r[0] for r in sms[1:]] == ["13800138000"]
    assert sms[1][1].endswith("【鞍山市行政审批局（卫生健康审批）】")
    problems = list(
        csv.DictReader((tmp_path / "out" / "问题清单.csv").read_text(encoding="utf-8-sig").splitlines())
    )
    assert sorted(p["行"] for p in problems) == ["4", "8"]  # 乙 has a landline, 己 no phone
    assert 2 + len(problems) == 4  # 甲's two certificates by SMS + two problems = four due


def test_record_then_remind_again_shows_only_what_is_undone(
    remind_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _remind(remind_args, tmp_path / "out") == 0
    worklist = _worklist(tmp_path / "out")
    _fill(
        worklist,
        {3: (date(2026, 11, 23), "张三", "电话", "已告知"), 2: ("2026-11-23", "张三", "电话", "未接通")},
    )
    assert main(["record", str(worklist), *remind_args]) == 0
    said = capsys.readouterr().err
    assert "登记 2 条" in said and "2 行" in said  # two rows still blank
    assert main(["record", str(worklist), *remind_args]) == 0
    assert "登记 0 条" in capsys.readouterr().err  # importing twice adds nothing
    with Registry(Path(remind_args[-1])) as registry:
        assert len(registry.records()) == 2
    assert _remind(remind_args, tmp_path / "again") == 0
    rows = list(
        openpyxl.load_workbook(_worklist(tmp_path / "again")).active.iter_rows(min_row=2, values_only=True)
    )
    assert [r[5] for r in rows] == ["WJ-3", "WJ-2", "WJ-7"]  # WJ-1 done; 乙 was not reached, still due


def test_a_worklist_with_a_changed_column_is_refused_whole(
    remind_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _remind(remind_args, tmp_path / "out") == 0
    worklist = _worklist(tmp_path / "out")
    _fill(worklist, {3: ("2026-11-23", "张三", "电话", "已告知")})
    book = openpyxl.load_workbook(worklist)
    book.active.cell(1, HEADERS.index("备注") + 1, "情况说明")
    book.save(worklist)
    assert main(["record", str(worklist), *remind_args]) == 1
    assert "列被改动" in capsys.readouterr().err
    with Registry(Path(remind_args[-1])) as registry:
        assert registry.records() == []


def test_an_impossible_date_refuses_the_whole_file_with_its_row(
    remind_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _remind(remind_args, tmp_path / "out") == 0
    worklist = _worklist(tmp_path / "out")
    _fill(
        worklist,
        {
            2: ("2026-11-20", "张三", "电话", "已告知"),
            4: ("2026-02-30", "张三", "电话", "已告知"),
            5: ("", "", "", "其它"),
        },
    )
    assert main(["record", str(worklist), *remind_args]) == 1
    err = capsys.readouterr().err
    assert "第 4 行" in err and "2026-02-30" in err and "不存在" in err
    assert "第 5 行" in err and "联系结果" in err
    with Registry(Path(remind_args[-1])) as registry:
        assert registry.records() == []  # row 2 was fine, but nothing of the file is kept


def test_an_uploaded_sms_batch_is_recorded_once(
    remind_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _remind(remind_args, tmp_path / "out") == 0
    sms = tmp_path / "out" / WEIJIAN / "短信.csv"
    assert main(["record", "--sms", str(sms), "--on", TODAY, *remind_args]) == 0
    assert "登记 2 条" in capsys.readouterr().err  # one message, two certificates
    assert main(["record", "--sms", str(sms), "--on", TODAY, *remind_args]) == 0
    assert "登记 0 条" in capsys.readouterr().err
    assert _remind(remind_args, tmp_path / "again") == 0
    rows = list(
        openpyxl.load_workbook(_worklist(tmp_path / "again")).active.iter_rows(min_row=2, values_only=True)
    )
    assert [r[5] for r in rows] == ["WJ-3", "WJ-7"]


def test_an_edited_sms_batch_is_refused(
    remind_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _remind(remind_args, tmp_path / "out") == 0
    sms = tmp_path / "out" / WEIJIAN / "短信.csv"
    sms.write_text(sms.read_text(encoding="utf-8-sig").replace("甲酒店", "甲大酒店"), encoding="utf-8-sig")
    assert main(["record", "--sms", str(sms), *remind_args]) == 1
    assert "第 2 行" in capsys.readouterr().err


def _edit(path: Path, row: int, column: str, value: object) -> None:
    book = openpyxl.load_workbook(path)
    book.active.cell(row, HEADERS.index(column) + 1, value)
    book.save(path)


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("部门代号", "dongli", ("另一个部门（dongli）", "「部门代号」列（C 列）")),
        ("部门代号", "nowhere", ("不是目录中的部门",)),
        ("证照编号", "DL-2024-000001", ("台账中没有证照编号“DL-2024-000001”", "「证照编号」列（F 列）")),
        (
            "期满日期",
            date(2027, 12, 10),
            ("期满日期与台账不符（台账为 2026-12-10）", "「期满日期」列（G 列）"),
        ),
    ],
)
def test_a_row_that_is_not_this_departments_certificate_refuses_the_file(
    remind_args: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    column: str,
    value: object,
    words: tuple[str, ...],
) -> None:
    assert _remind(remind_args, tmp_path / "out") == 0
    worklist = _worklist(tmp_path / "out")
    _fill(
        worklist, {2: ("2026-11-20", "张三", "电话", "已告知"), 3: ("2026-11-20", "张三", "电话", "已告知")}
    )
    _edit(worklist, 3, column, value)  # row 3 is 甲酒店's WJ-1, expiring 2026-12-10
    assert main(["record", str(worklist), *remind_args]) == 1
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if "第 3 行" in line)
    assert all(word in line for word in words) and "整个文件未登记" in err and "Traceback" not in err
    with Registry(Path(remind_args[-1])) as registry:
        assert registry.records() == []  # row 2 was fine, but nothing of the file is kept


def test_an_sms_file_whose_certificate_left_the_ledger_since_is_recorded_with_a_warning(
    remind_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _remind(remind_args, tmp_path / "out") == 0
    changed = [list(r) for r in ROWS]
    changed[0][3] = "2031-12-10"  # WJ-1 renewed: the ledger now has another expiry
    ledgers = Path(remind_args[remind_args.index("--ledgers") + 1])
    write_xlsx(ledgers / "anshan-weijian.xlsx", [HEADER, *changed])
    sms = tmp_path / "out" / WEIJIAN / "短信.csv"
    assert main(["record", "--sms", str(sms), "--on", TODAY, *remind_args]) == 0
    err = capsys.readouterr().err
    assert (
        "登记 2 条" in err
        and "[警告]" in err
        and "第 2 行" in err
        and "WJ-1" in err
        and "仍按清单登记" in err
    )
    with Registry(Path(remind_args[-1])) as registry:
        records = registry.records()
    assert {(r.certificate.number, r.result, r.channel) for r in records} == {
        ("WJ-1", "已发送（未核实送达）", "短信"), ("WJ-2", "已发送（未核实送达）", "短信")
    }  # fmt: skip


def test_record_sms_leaves_out_a_wrong_number_and_a_holder_told_after_the_file_was_made(
    remind_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _remind(remind_args, tmp_path / "out") == 0
    worklist = _worklist(tmp_path / "out")
    _fill(worklist, {3: (date.fromisoformat(TODAY), "张三", "电话", "已告知")})  # WJ-1, after the SMS file
    assert main(["record", str(worklist), *remind_args, "--today", TODAY]) == 0
    sms = tmp_path / "out" / WEIJIAN / "短信.csv"
    assert main(["record", "--sms", str(sms), "--on", TODAY, *remind_args]) == 0
    err = capsys.readouterr().err
    assert "登记 1 条" in err and "未登记：第 2 行 甲酒店" in err and "短信文件生成后已登记为“已告知”" in err
    with Registry(Path(remind_args[-1])) as registry:
        assert {(r.certificate.number, r.result) for r in registry.records()} == {
            ("WJ-1", "已告知"), ("WJ-2", "已发送（未核实送达）")
        }  # fmt: skip
