"""每月叫早 across the 2026 Spring Festival: the 15th of February is a holiday, so the batch moves to the 24th."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from generator.cli import main
from generator.reminders.monthly import batch_day, next_batch_day, next_month
from generator.workdays import WorkdayCalendar
from tests.conftest import write_xlsx
from tests.generator.reminders.conftest import HEADER

CALENDAR = WorkdayCalendar.build()


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2026, 2, date(2026, 2, 24)),  # 春节 15–23 February
        (2026, 11, date(2026, 11, 16)),  # a Sunday
        (2026, 8, date(2026, 8, 17)),  # a Saturday
        (2026, 10, date(2026, 10, 15)),  # a Thursday after 国庆
    ],
)
def test_the_batch_day_is_the_15th_or_the_next_working_day(year: int, month: int, expected: date) -> None:
    assert batch_day(CALENDAR, year, month) == expected


def test_the_next_batch_day_and_next_month() -> None:
    assert next_batch_day(CALENDAR, date(2026, 2, 16)) == date(2026, 2, 24)
    assert next_batch_day(CALENDAR, date(2026, 2, 25)) == date(2026, 3, 16)
    assert next_batch_day(CALENDAR, date(2026, 12, 16)) == date(2027, 1, 15)
    assert next_month(date(2026, 12, 15)) == (date(2027, 1, 1), date(2027, 1, 31))
    assert next_month(date(2026, 1, 31)) == (date(2026, 2, 1), date(2026, 2, 28))


@pytest.fixture
def monthly_args(catalogs_dir: Path, tmp_path: Path) -> list[str]:
    weijian = [
        ["甲酒店", "公共场所卫生许可延续", "WJ-1", "2026-03-01", "王", "13800138000", "", ""],
        ["乙诊所", "公共场所卫生许可延续", "WJ-2", "2026-03-31", "李", "13800138001", "", ""],
        [
            "丙宾馆",
            "公共场所卫生许可延续",
            "WJ-3",
            "2026-04-01",
            "赵",
            "13800138002",
            "",
            "",
        ],  # the month after
        ["丁浴池", "公共场所卫生许可延续", "WJ-4", "2026-03-10", "钱", "13800138003", "", "已申请延续"],
    ]
    write_xlsx(tmp_path / "l" / "anshan-weijian.xlsx", [HEADER, *weijian])
    anshan = [["证照持有单位（个人）", "证照名称", "期满日期"], ["戊公司", "取水许可证", "2026-03-05"]]
    write_xlsx(tmp_path / "l" / "anshan.xlsx", anshan)  # 鞍山 does not run the monthly batch
    return [
        "--catalogs",
        str(catalogs_dir),
        "--ledgers",
        str(tmp_path / "l"),
        "--db",
        str(tmp_path / "db.sqlite"),
    ]


def test_on_the_holiday_15th_the_command_names_the_batch_day(
    monthly_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["remind", "--monthly", *monthly_args, "--today", "2026-02-15", "--out", str(out)]) == 0
    assert "下一个是 2026-02-24" in capsys.readouterr().err and not out.exists()


def test_on_the_batch_day_next_months_expiries_are_listed(monthly_args: list[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["remind", "--monthly", *monthly_args, "--today", "2026-02-24", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["anshan-weijian"]
    sheet = openpyxl.load_workbook(out / "anshan-weijian" / "电话提醒清单.xlsx").active
    rows = [(r[5], r[10]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    # WJ-1's second date (10 days before 1 March) fell in the holiday and has passed: it is due as the second.
    assert rows == [("WJ-1", "二次"), ("WJ-2", "首次")]


def test_a_batch_turned_off_with_fou_lists_nothing(
    monthly_args: list[str], catalogs_dir: Path, tmp_path: Path
) -> None:
    path = catalogs_dir / "anshan-weijian" / "department.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("每月叫早: true", "每月叫早: 否"), encoding="utf-8"
    )
    out = tmp_path / "out"
    assert main(["remind", "--monthly", *monthly_args, "--today", "2026-02-24", "--out", str(out)]) == 0
    assert not (out / "anshan-weijian" / "电话提醒清单.xlsx").exists()
