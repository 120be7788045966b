"""台账 loading: every seed layout, every date form, identifiers kept as text, every bad row reported."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from generator.catalog.model import Catalogs
from generator.problems import Level, Problem
from tests.conftest import write_csv, write_xlsx
from tests.generator.ledger.conftest import load_counted

ANSHAN_HEADER = [
    "序号",
    "证照持有单位（个人）",
    "证照名称",
    "期满日期",
    "联系人",
    "联系方式",
    "提醒日期",
    "提醒人",
    "备注（二次提醒在此栏备注）",
]
ANSHAN_TITLE = [["鞍山市行政审批局证照到期提醒台账"], ["科室："]]


def _row_problems(problems: list[Problem]) -> list[Problem]:
    """Problems of single rows, without the file-level note that a layout has no 证照编号 column."""
    return [p for p in problems if "证照编号列" not in p.message]


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.level is Level.ERROR]


@pytest.mark.parametrize(
    "cell",
    [
        datetime(2026, 3, 1),
        date(2026, 3, 1),
        46082,  # Excel serial number of 2026-03-01
        "46082",
        "2026-03-01",
        "2026/3/1",
        "2026.3.1",
        "2026年3月1日",
        "2026 年 3 月 1 日",
        "２０２６－０３－０１",
        "20260301",
        "2026-03-01 00:00:00",
    ],
)
def test_every_date_form_reads_as_the_same_day(tmp_path: Path, catalogs: Catalogs, cell: object) -> None:
    path = write_xlsx(
        tmp_path / "anshan.xlsx", [*ANSHAN_TITLE, ANSHAN_HEADER, [1, "华宇化工有限公司", "采矿许可证", cell]]
    )
    ledger, problems = load_counted(path, catalogs)
    assert _errors(problems) == []
    assert date.fromordinal(int(ledger.expires[0])) == date(2026, 3, 1)


def test_identifiers_stay_text_with_leading_zeros(tmp_path: Path, catalogs: Catalogs) -> None:
    header = [
        "证照持有单位 (个人)",
        "证照名称",
        "证号",
        "期满日期",
        "联系人(提醒对象)",
        "身份证号",
        "联系人手机号码",
    ]
    rows = [
        header,
        [
            "华宇化工有限公司",
            "采矿许可证",
            "0210-000123",
            "2026-05-01",
            "张三",
            "11010519491231002X",
            13800138000,
        ],
    ]
    ledger, problems = load_counted(write_xlsx(tmp_path / "anshan.xlsx", rows), catalogs)
    assert problems == []
    assert ledger.number == ["0210-000123"]
    assert ledger.phone == ["13800138000"]
    assert ledger.id_number == ["11010519491231002X"]


def test_an_id_number_excel_turned_into_a_float_is_reported_not_guessed(
    tmp_path: Path, catalogs: Catalogs
) -> None:
    header = ["证照持有单位 (个人)", "证照名称", "期满日期", "身份证号"]
    rows = [header, ["张三", "采矿许可证", "2026-05-01", 110105194912310020.0]]
    ledger, problems = load_counted(write_xlsx(tmp_path / "anshan.xlsx", rows), catalogs)
    assert len(ledger) == 1 and ledger.id_number == [""]
    (problem,) = _row_problems(problems)
    assert (
        problem.level is Level.WARNING
        and "丢失" in problem.message
        and problem.row == 2
        and problem.column == "身份证号"
    )


def test_bad_rows_are_each_reported_with_row_column_value_and_fix(tmp_path: Path, catalogs: Catalogs) -> None:
    rows = [
        *ANSHAN_TITLE,
        ANSHAN_HEADER,
        [1, "华宇化工有限公司", "采矿许可证", "2026-05-01", "张三", "13800138000"],  # row 4: fine
        [2, "", "采矿许可证", "2026-05-01"],  # row 5: no holder
        [3, "德仁诊所", "采矿许可正", "2026-05-01"],  # row 6: typo in the name
        [4, "德仁诊所", "道路运输经营许可证", "2026-05-01"],  # row 7: two 目录 rows issue it
        [5, "德仁诊所", "取水许可证", "2026-02-30"],  # row 8: no such day
        [6, "德仁诊所", "取水许可证", "2206-01-01"],  # row 9: a typo'd year
        [7, "德仁诊所", "取水许可证", "下个月"],  # row 10: not a date
        [8, "华宇化工有限公司", "采矿许可证", "2026-05-01"],  # row 11: duplicate of row 4
        [9, "德仁诊所", "取水许可证", "2026-06-01", "李四", "12345"],  # row 12: scheduled, phone warned
    ]
    ledger, problems = load_counted(write_xlsx(tmp_path / "anshan.xlsx", rows), catalogs)
    problems = _row_problems(problems)
    assert len(ledger) == 2 and ledger.rows_read == 9 and ledger.rows_rejected == 7
    by_row = {p.row: p for p in problems}
    assert by_row[5].column == "证照持有单位（个人）" and "为空" in by_row[5].message
    assert "采矿许可证" in by_row[6].fix and by_row[6].value == "采矿许可正"
    assert "审批事项名称" in by_row[7].fix
    assert "不存在" in by_row[8].message and by_row[8].column == "期满日期" and by_row[8].column_index == 3
    assert "2206" in by_row[9].message
    assert "看不懂" in by_row[10].message and "2026年3月1日" in by_row[10].fix
    assert "重复" in by_row[11].message and "第 4 行" in by_row[11].fix
    assert by_row[12].level is Level.WARNING and by_row[12].column == "联系方式"
    assert all(p.file.endswith("anshan.xlsx") and p.fix for p in problems)
    text = str(by_row[8])
    assert "第 8 行" in text and "「期满日期」列（D 列）" in text and "2026-02-30" in text


def test_a_matter_column_settles_which_of_two_items(tmp_path: Path, catalogs: Catalogs) -> None:
    header = ["证照持有单位（个人）", "审批事项名称", "证照名称", "期满日期"]
    rows = [header, ["平安客运有限公司", "道路旅客运输经营许可", "道路运输经营许可证", "2026-05-01"]]
    ledger, problems = load_counted(write_xlsx(tmp_path / "anshan.xlsx", rows), catalogs)
    assert _errors(problems) == []
    assert catalogs.items[ledger.item[0]].seq == "9"


def test_jiaozao_layout_finds_items_by_code(tmp_path: Path, catalogs: Catalogs) -> None:
    header = [
        "序号",
        "服务事项\n(填事项代码)",
        "单位名称",
        "许可证有效期截止日期",
        "提醒对象姓名",
        "联系电话",
        "联系时间",
    ]
    rows = [
        ["“叫早服务”工作记录表"],
        header,
        [1, "5", "立山区德仁诊所", "2026-12-20", "王五", "13900000000"],
        [2, "12", "某诊所", "2026-12-20"],
    ]
    ledger, problems = load_counted(write_xlsx(tmp_path / "anshan-weijian.xlsx", rows), catalogs)
    assert catalogs.items[ledger.item[0]].matter == "医疗机构执业许可延续"
    (problem,) = _row_problems(problems)
    assert problem.row == 4 and "事项代码 12" in problem.message and "1、2" in problem.fix


def test_gbk_csv_in_the_dongli_layout(tmp_path: Path, catalogs: Catalogs) -> None:
    header = [
        "序号",
        "单位（个人）名称",
        "许可证书名称",
        "颁发日期",
        "期满日期",
        "联系人",
        "联系方式",
        "提醒日期",
        "提醒方式",
        "提醒人",
    ]
    rows = [
        ["东丽区政务服务办公室许可证书到期前提醒台账"],
        ["科室名称："],
        header,
        [1, "东丽农资经营部", "农药经营许可证", "2021/6/1", "2026/5/31", "赵六", "022-12345678"],
    ]
    ledger, problems = load_counted(
        write_csv(tmp_path / "dongli" / "2026-11.csv", rows, encoding="gbk"), catalogs
    )
    assert problems == [
        Problem(
            str(tmp_path / "dongli" / "2026-11.csv"),
            "台账没有证照编号列",
            problems[0].fix,
            3,
            level=Level.WARNING,
        )
    ]
    assert date.fromordinal(int(ledger.issued[0])) == date(2021, 6, 1)
    assert ledger.phone == ["022-12345678"]


def test_person_holders_are_recognised(tmp_path: Path, catalogs: Catalogs) -> None:
    header = ["证照持有单位（个人）", "证照名称", "期满日期"]
    rows = [header, ["张三", "采矿许可证", "2026-05-01"], ["华宇化工有限公司", "取水许可证", "2026-05-01"]]
    ledger, _ = load_counted(write_xlsx(tmp_path / "anshan.xlsx", rows), catalogs)
    assert ledger.person.tolist() == [True, False]


def test_renewal_status_is_read(tmp_path: Path, catalogs: Catalogs) -> None:
    header = ["证照持有单位（个人）", "证照名称", "期满日期", "办理状态"]
    rows = [
        header,
        ["甲公司", "采矿许可证", "2026-05-01", "已申请延续"],
        ["乙公司", "取水许可证", "2026-05-01", ""],
        ["丙公司", "取水许可证", "2026-05-02", "问问"],
    ]
    ledger, problems = load_counted(write_xlsx(tmp_path / "anshan.xlsx", rows), catalogs)
    assert ledger.applied.tolist() == [True, False, False]
    assert [(p.row, p.level) for p in _row_problems(problems)] == [(4, Level.WARNING)]


def test_a_file_missing_a_required_column_reports_all_its_rows(tmp_path: Path, catalogs: Catalogs) -> None:
    rows = [
        ["证照持有单位（个人）", "证照名称", "联系人"],
        ["甲公司", "采矿许可证", "张三"],
        ["乙公司", "取水许可证", "李四"],
    ]
    ledger, problems = load_counted(write_xlsx(tmp_path / "anshan.xlsx", rows), catalogs)
    assert len(ledger) == 0 and ledger.rows_rejected == 2
    (problem,) = problems
    assert (
        "期满日期" in problem.message and "2 行" in problem.message and "许可证有效期截止日期" in problem.fix
    )


def test_a_file_of_no_department_is_a_problem(tmp_path: Path, catalogs: Catalogs) -> None:
    write_xlsx(tmp_path / "ledgers" / "台账.xlsx", [["证照持有单位（个人）", "证照名称", "期满日期"]])
    write_xlsx(tmp_path / "ledgers" / "~$anshan.xlsx", [["lock file"]])
    _, problems = load_counted(tmp_path / "ledgers", catalogs)
    (problem,) = problems
    assert "哪个部门" in problem.message and "anshan" in problem.fix


def test_the_demo_ledgers_load_without_errors(catalogs: Catalogs) -> None:
    from generator.config import DEMO_CATALOGS, LEDGER_FOLDER

    ledger, problems = load_counted(DEMO_CATALOGS / LEDGER_FOLDER, catalogs)
    assert len(ledger) > 2000 and _errors(problems) == []


def test_the_same_number_in_two_files_is_a_duplicate(tmp_path: Path, catalogs: Catalogs) -> None:
    header = ["证照持有单位（个人）", "证照名称", "证照编号", "期满日期"]
    write_xlsx(
        tmp_path / "ledgers" / "anshan" / "2026-10.xlsx",
        [header, ["甲公司", "采矿许可证", "C-1", "2026-05-01"]],
    )
    write_xlsx(
        tmp_path / "ledgers" / "anshan" / "2026-11.xlsx",
        [header, ["甲公司", "采矿许可证", "C-1", "2026-05-01"]],
    )
    ledger, problems = load_counted(tmp_path / "ledgers", catalogs)
    assert len(ledger) == 1 and ledger.rows_rejected == 1
    assert any("重复" in p.message and p.file.endswith("2026-11.xlsx") for p in problems)


def test_a_newer_expiry_in_a_later_file_is_a_renewal(tmp_path: Path, catalogs: Catalogs) -> None:
    header = ["证照持有单位（个人）", "证照名称", "证照编号", "期满日期"]
    write_xlsx(
        tmp_path / "ledgers" / "anshan" / "2026-10.xlsx",
        [header, ["甲公司", "采矿许可证", "C-1", "2026-05-01"]],
    )
    write_xlsx(
        tmp_path / "ledgers" / "anshan" / "2026-11.xlsx",
        [header, ["甲公司", "采矿许可证", "C-1", "2031-05-01"]],
    )
    ledger, problems = load_counted(tmp_path / "ledgers", catalogs)
    assert len(ledger) == 2 and ledger.rows_rejected == 0
    assert _errors(_row_problems(problems)) == []
    renewed = {
        date.fromordinal(int(e)).year: bool(a) for e, a in zip(ledger.expires, ledger.applied, strict=True)
    }
    assert renewed == {2026: True, 2031: False}
