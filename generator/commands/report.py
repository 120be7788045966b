"""jiaozao report: 督促检查 — how each department's reminders went over a period."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.commands._common import (
    Subparsers,
    add_command,
    add_input_options,
    add_setting_options,
    parse_day,
    print_unusable,
    progress_bar,
    settings_of,
    terminal,
)  # fmt: skip
from generator.reminders.report import FIGURES
from generator.workflows.report import default_report_path, refuse_bad_report_paths, sms_states, write_report


def run(args: argparse.Namespace) -> int:
    """督促检查：统计期间内各部门应提醒、按时完成、逾期完成、未完成、到期前已续证、过期未续证的数量。

    写出 .xlsx（汇总表和每个部门一张明细表）和一张同样数字的内部网页（默认与 .xlsx 同名，放在 out/staff/，
    不放进公开网站 site/，也不从网站链接）。某个部门的目录或台账有错误时，该部门不计入并说明原因，退出码为 1。

    示例：
      jiaozao report --from 2026-11-01 --to 2026-11-30
      jiaozao report --from 2026-10-01 --to 2026-12-31 --out out/staff/四季度.xlsx
    """
    start, end = parse_day(args.start, "--from"), parse_day(args.end, "--to")
    settings = settings_of(args)
    xlsx = Path(args.report).absolute() if args.report else default_report_path(settings, start, end)
    html = Path(args.html).absolute() if args.html else xlsx.with_suffix(".html")
    refuse_bad_report_paths(settings, start, end, xlsx, html)
    today = parse_day(args.today, "--today")
    with progress_bar("读取台账") as advance:
        result = write_report(settings, start, end, today, xlsx, html, advance)
    total = result.totals
    terminal.print(f"{start} 至 {end}：" + "，".join(f"{f} {total[f]}" for f in FIGURES) + "。", markup=False)
    for name, states in sms_states(settings, start, end, result.reports):
        shown = "，".join(f"{state} {n}" for state, n in states.items())
        terminal.print(f"  {name} 短信平台：{shown}（只有已送达的计入完成）", markup=False)
    terminal.print(f"已写入 {args.report or xlsx} 和 {args.html or html}", markup=False)
    skipped = print_unusable(result.unusable, "没有计入督促检查（数据有误，未计入）")
    return 1 if skipped else 0


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "report", run, run.__doc__ or "")
    add_input_options(parser)
    parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD", required=True, help="统计期间的第一天")
    parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", required=True, help="统计期间的最后一天")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="统计日（默认：今天）")
    parser.add_argument(
        "--out",
        dest="report",
        metavar="文件",
        help="督促检查表 .xlsx（默认：out/staff/督促检查-开始-结束.xlsx）",
    )
    parser.add_argument("--html", metavar="文件", help="内部网页（默认：与 .xlsx 同名的 .html）")
    add_setting_options(parser, "site", "db")
