"""Bad 台账 through the whole command line: check names each fault, schedule and remind still do the day's work."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from generator.cli import main

TODAY = "2026-11-23"
HEADER = ["证照持有单位（个人）", "证照名称", "证照编号", "期满日期", "联系人", "联系方式"]


def _excel_text(text: str) -> str:
    return "".join(f"_x{ord(c):04X}_" if ILLEGAL_CHARACTERS_RE.match(c) else c for c in text)


@pytest.fixture
def bad_ledgers(tmp_path: Path) -> Path:
    """A ledger folder with every fault at once: control characters, two sheets, a far cell, a stray quote."""
    folder = tmp_path / "ledgers"
    folder.mkdir()
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "一月"
    for row in (
        HEADER,
        [
            _excel_text("甲\x0b酒店"),
            "公共场所卫生许可延续",
            "WJ-\u200b1",
            "2026-12-10",
            "王\x00经理",
            "13800138000",
        ],
        ["\u202e乙诊所", "公共场所卫生许可延续", "WJ-2", "2026-11-30", "李医生\n", "13900139000"],
    ):
        first.append([_excel_text(v) if isinstance(v, str) else v for v in row])
    second = book.create_sheet("二月")
    second.append(HEADER)
    second.append(["丙宾馆", "公共场所卫生许可延续", "WJ-3", "2026-12-05", "赵", "13900139001"])
    second["XFD1048576"] = "x"
    book.create_sheet("说明").append(["填表说明"])
    book.save(folder / "anshan-weijian.xlsx")
    lines = [",".join(HEADER)] + [
        f"东丽{n}公司,农药经营许可证,DL-{n},2027-06-01,孙,13500135000" for n in range(8)
    ]
    lines[3] = lines[3].replace("农药", '"农药')
    (folder / "dongli.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    (folder / "说明.txt").write_text("x", encoding="utf-8")
    return folder


def _args(catalogs_dir: Path, ledgers: Path) -> list[str]:
    return ["--catalogs", str(catalogs_dir), "--ledgers", str(ledgers), "--today", TODAY]


def test_check_names_every_fault_and_counts_every_row(
    catalogs_dir: Path, bad_ledgers: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", *_args(catalogs_dir, bad_ledgers)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "程序内部错误" not in err
    assert "台账共 11 行：排期 10 行，因错误未能排期 1 行" in err  # 3 on two sheets + 8 in the CSV
    assert "dongli.csv，第 4 行" in err and "不成对的英文双引号" in err
    assert "XFD1048576" in err and "工作表“说明”没有台账表头，已跳过" in err
    assert "说明.txt" in err and "已跳过" in err
    assert "垂直制表符" in err and "从右到左覆盖" in err


def test_schedule_and_remind_do_the_days_work_on_clean_text(
    catalogs_dir: Path, bad_ledgers: Path, tmp_path: Path
) -> None:
    args = _args(catalogs_dir, bad_ledgers)
    assert main(["schedule", *args, "--out", str(tmp_path / "排期.xlsx")]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "排期.xlsx").worksheets[0]
    values = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert "甲 酒店" in values and "乙诊所" in values and all(v.isprintable() for v in values)
    out = tmp_path / "remind"
    db = tmp_path / "登记簿.sqlite"
    assert main(["remind", *args, "--dry-run", "--out", str(out), "--db", str(db)]) == 0
    worklist = openpyxl.load_workbook(out / "anshan-weijian" / "电话提醒清单.xlsx").worksheets[0]
    holders = {row[3] for row in worklist.iter_rows(min_row=2, values_only=True)}
    assert holders == {"甲 酒店", "乙诊所", "丙宾馆"}
    letters = sorted(p.name for p in (out / "anshan-weijian" / "函告").iterdir())
    assert all(name.isprintable() for name in letters) and len(letters) == 4
    assert letters[-1] == "全部函告.html"  # the three letters, and all of them as one document to print
