"""jiaozao check: validate every 目录 and 台账 and list every problem."""

from __future__ import annotations

import argparse

from generator.catalog.facts import yaml_problems
from generator.commands._common import (
    Subparsers,
    add_command,
    add_input_options,
    console,
    parse_day,
    print_problems,
    progress_bar,
    settings_of,
    summarize,
)  # fmt: skip
from generator.pipeline import load_inputs
from generator.site.config import read_site_config
from portal.config import CONFIG_FILE, check_settings


def run(args: argparse.Namespace) -> int:
    """检查目录和台账，列出所有问题。

    有错误（目录无法使用，或台账行无法排期）时退出码为 1；只有警告时为 0，加 --strict 则警告也算失败。

    示例：
      jiaozao check
      jiaozao check --catalogs /data/catalogs --ledgers /data/台账/2026-11
    """
    today = parse_day(args.today, "--today")
    settings = settings_of(args)
    with progress_bar("读取台账") as advance:
        inputs = load_inputs(settings, today, advance)
    inputs.problems.extend(read_site_config(settings.catalogs)[1])
    portal_issues = check_settings(settings.catalogs / CONFIG_FILE)[1]
    inputs.problems.extend(yaml_problems(f"{settings.catalogs.name}/{CONFIG_FILE}", portal_issues))
    print_problems(inputs.problems)
    ledger, problems = inputs.ledger, inputs.problems
    departments = len(inputs.catalogs.departments)
    console.print(f"目录：{departments} 个部门，{len(inputs.catalogs.items)} 个事项。", markup=False)
    console.print(
        summarize(ledger.rows_read, len(ledger), ledger.rows_rejected, problems, "排期"), markup=False
    )
    failed = bool(problems.errors) or (args.strict and bool(problems.warnings))
    console.print("检查未通过。" if failed else "检查通过。", markup=False)
    return 1 if failed else 0


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "check", run, run.__doc__ or "")
    add_input_options(parser)
    parser.add_argument(
        "--today", metavar="YYYY-MM-DD", help="按哪一天检查提醒是否晚于法定申请期限（默认：今天）"
    )
    parser.add_argument("--strict", action="store_true", help="警告也算检查不通过")
