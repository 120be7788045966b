"""The jiaozao command line: Chinese messages, exit codes, outputs written whole, never a traceback."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from generator.cli import COMMANDS, build_parser, main
from generator.config import DEMO_CATALOGS, LEDGER_FOLDER
from tests.conftest import write_xlsx


def test_date_prints_the_reminder_date_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["date", "2026-02-25", "到期前5个工作日"]) == 0
    assert capsys.readouterr().out == "2026-02-11\n"


def test_date_marks_estimates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["date", "2027-10-09", "到期前", "90", "个工作日"]) == 0
    out = capsys.readouterr().out
    assert out.endswith(" 估算\n") and out[:10] < "2027-10-09"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["date", "2026-02-30", "到期前5个工作日"], "不存在"),
        (["date", "2026-02-25", "到期后三十天内"], "到期"),
        (["date", "2026-02-25", "尽快"], "到期前90个工作日"),
        (["schedule", "--out", "x.pdf"], ".csv 或 .xlsx"),
        (["schedule", "--out", "x.csv", "--today", "明天"], "YYYY-MM-DD"),
    ],
)
def test_bad_input_is_one_chinese_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(args) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_check_passes_on_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--today", "2026-11-23"]) == 0
    err = capsys.readouterr().err
    assert "检查通过" in err and "因错误未能排期 0 行" in err


def test_check_fails_and_lists_every_problem(
    tmp_path: Path, catalogs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = ["证照持有单位（个人）", "证照名称", "期满日期"]
    ledger = write_xlsx(
        tmp_path / "ledgers" / "anshan.xlsx",
        [header, ["甲公司", "采矿许可证", "2026-13-01"], ["", "采矿许可证", "2026-12-01"]],
    )
    assert main(["check", "--catalogs", str(catalogs_dir), "--ledgers", str(ledger.parent)]) == 1
    err = capsys.readouterr().err
    assert "第 2 行" in err and "第 3 行" in err and "检查未通过" in err
    assert "台账共 2 行：排期 0 行，因错误未能排期 2 行" in err


def test_schedule_writes_csv_with_bom_and_every_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "schedule.csv"
    assert main(["schedule", "--today", "2026-11-23", "--out", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    for column in (
        "证照编号",
        "证照名称",
        "持证单位",
        "期满日期",
        "首次提醒日期",
        "二次提醒日期",
        "临期提醒日期",
        "剩余天数",
        "状态",
        "估算",
    ):
        assert column in rows[0]
    assert {r["状态"] for r in rows} == {"有效", "即将到期", "已过期"}
    assert any(r["估算"] for r in rows) and any(not r["估算"] for r in rows)
    err = capsys.readouterr().err
    assert f"排期 {len(rows)} 行" in err


def test_schedule_xlsx_has_real_dates_and_a_problem_file(tmp_path: Path, catalogs_dir: Path) -> None:
    header = ["证照持有单位（个人）", "证照名称", "证照编号", "期满日期"]
    ledger = write_xlsx(
        tmp_path / "anshan.xlsx",
        [header, ["甲公司", "采矿许可证", "007", "2026-12-01"], ["乙公司", "采矿许可证", "008", "不知道"]],
    )
    out, problems = tmp_path / "out" / "排期.xlsx", tmp_path / "out" / "问题.csv"
    args = ["schedule", "--catalogs", str(catalogs_dir), "--ledgers", str(ledger), "--today", "2026-11-23"]
    assert main([*args, "--out", str(out), "--problems", str(problems)]) == 0
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 2 and values[1][1] == "007"
    assert values[1][5] is not None and values[1][5].year == 2026  # a real date cell
    problem_rows = list(csv.DictReader(problems.read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["行"], r["列"], r["值"]) for r in problem_rows if r["级别"] == "错误"] == [
        ("3", "期满日期", "不知道")
    ]


def test_a_failed_run_leaves_the_previous_output_alone(tmp_path: Path, catalogs_dir: Path) -> None:
    out = tmp_path / "schedule.csv"
    out.write_text("上一次的结果", encoding="utf-8")
    (catalogs_dir / "anshan" / "department.yaml").write_text("名称: [坏\n", encoding="utf-8")
    assert (
        main(
            [
                "schedule",
                "--catalogs",
                str(catalogs_dir),
                "--ledgers",
                str(DEMO_CATALOGS / LEDGER_FOLDER),
                "--out",
                str(out),
            ]
        )
        == 1
    )
    assert out.read_text(encoding="utf-8") == "上一次的结果"


def test_every_command_has_chinese_help_with_an_example() -> None:
    parser = build_parser()
    for module in COMMANDS:
        doc = module.run.__doc__ or ""
        assert "示例" in doc and "jiaozao " in doc
    assert "命令" in parser.format_help()


def test_the_installed_command_runs_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "date", "2026-02-25", "到期后5天"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr and "到期" in result.stderr


@pytest.mark.parametrize(
    ("file", "text", "key", "words"),
    [
        ("site.yaml", "网站名称: 证照\nICP备案链接: javascript:alert(1)\n", "ICP备案链接", ("不是网址",)),
        ("site.yaml", "公安备案链接: data:text/html,x\n", "公安备案链接", ("不是网址",)),
        ("site.yaml", "查询地址: javascript:x\n", "查询地址", ("不是网址", "/ 开头")),
        ("site.yaml", "网址: https://a.example/\n网址: https://b.example/\n", "网址", ("两次",)),
        ("site.yaml", "主办单位: [甲]\n", "主办单位", ("一段文字",)),
        (
            "portal.yaml",
            "每分钟查询次数: 60\n允许嵌入的网站: [javascript:alert(1)]\n",
            "允许嵌入的网站",
            ("不是网站地址",),
        ),
        ("portal.yaml", "每分钟查询次数: [1]\n", "每分钟查询次数", ("整数",)),
        ("portal.yaml", "颜色: 红\n", "颜色", ("不认识的项目“颜色”", "每分钟查询次数")),
    ],
)
def test_check_refuses_a_bad_site_or_portal_setting_naming_file_line_and_key(
    catalogs_dir: Path,
    capsys: pytest.CaptureFixture[str],
    file: str,
    text: str,
    key: str,
    words: tuple[str, ...],
) -> None:
    (catalogs_dir / file).write_text(text, encoding="utf-8")
    ledgers = str(DEMO_CATALOGS / LEDGER_FOLDER)
    assert (
        main(["check", "--catalogs", str(catalogs_dir), "--ledgers", ledgers, "--today", "2026-11-23"]) == 1
    )
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if line.startswith("[错误]"))
    assert f"catalogs/{file}" in line and f"第 {text.count(chr(10))} 行" in line and f"「{key}」" in line
    assert all(word in line for word in words) and "Traceback" not in err and "检查未通过" in err


def test_check_refuses_a_yes_no_setting_that_is_neither(
    catalogs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = catalogs_dir / "anshan" / "department.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("每月叫早: false", "每月叫早: 不要"), encoding="utf-8"
    )
    assert main(["check", "--catalogs", str(catalogs_dir), "--today", "2026-11-23"]) == 1
    err = capsys.readouterr().err
    assert "catalogs/anshan/department.yaml，第 28 行，「每月叫早」" in err and "“不要”" in err
    assert "true 或 false" in err and "Traceback" not in err


def test_check_names_an_email_cell_with_more_than_one_address(
    tmp_path: Path, catalogs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = ["证照持有单位（个人）", "证照名称", "期满日期", "电子邮箱"]
    rows = [
        ["甲公司", "采矿许可证", "2027-12-01", "victim@example.com,attacker"],
        ["乙公司", "采矿许可证", "2027-12-02", "b@example.com"],
    ]
    write_xlsx(tmp_path / "ledgers" / "anshan.xlsx", [header, *rows])
    args = [
        "check",
        "--catalogs",
        str(catalogs_dir),
        "--ledgers",
        str(tmp_path / "ledgers"),
        "--today",
        "2026-11-23",
    ]
    assert main(args) == 0
    (line,) = [line for line in capsys.readouterr().err.splitlines() if "邮箱" in line]
    assert (
        "anshan.xlsx" in line
        and "第 2 行" in line
        and "「电子邮箱」列（D 列）" in line
        and "一个邮箱地址" in line
    )


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["report", "--today", "2026-11-24"], "缺少必填的参数：--from, --to"),
        (["frobnicate"], "不认识“frobnicate”"),
        (["remind", "--bogus"], "不认识的参数：--bogus"),
    ],
)
def test_a_mistyped_command_line_is_answered_in_chinese(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and said in err and "用 -h 查看用法" in err
    assert "error" not in err and "usage" not in err and "arguments" not in err
