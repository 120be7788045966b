"""jiaozao check: validate every 目录 and 台账 and list every problem."""

from __future__ import annotations

import argparse

from generator.commands._common import (
    Subparsers,
    add_command,
    add_input_options,
    parse_day,
    print_problems,
    progress_bar,
    settings_of,
    summarize,
    terminal,
)  # fmt: skip
from generator.workflows.check import check


def run(args: argparse.Namespace) -> int:
    """检查目录、台账和各项设置，列出所有问题。

    检查所有命令会读的文件：各部门目录、department.yaml、renewal.yaml、短信模板、台账、holidays.csv、site.yaml、
    portal.yaml，以及已设置的邮件服务器设置。检查通过的文件夹，build、serve、remind 不会因同样的问题拒绝。

    有错误（目录无法使用，或台账行无法排期）时退出码为 1；只有警告时为 0，加 --strict 则警告也算失败。

    示例：
      jiaozao check
      jiaozao check --catalogs /data/catalogs --ledgers /data/台账/2026-11
    """
    today = parse_day(args.today, "--today")
    with progress_bar("读取台账") as advance:
        result = check(settings_of(args), today, advance)
    inputs, problems = result.inputs, result.problems
    print_problems(problems)
    ledger = inputs.ledger
    departments = len(inputs.catalogs.departments)
    terminal.print(f"目录：{departments} 个部门，{len(inputs.catalogs.items)} 个事项。", markup=False)
    terminal.print(
        summarize(ledger.rows_read, len(ledger), ledger.rows_rejected, problems, "排期"), markup=False
    )
    failed = result.failed(args.strict)
    terminal.print("检查未通过。" if failed else "检查通过。", markup=False)
    return 1 if failed else 0


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "check", run, run.__doc__ or "")
    add_input_options(parser)
    parser.add_argument(
        "--today", metavar="YYYY-MM-DD", help="按哪一天检查提醒是否晚于法定申请期限（默认：今天）"
    )
    parser.add_argument("--strict", action="store_true", help="警告也算检查不通过")
