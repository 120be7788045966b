"""jiaozao holidays: where each year's working days come from; `holidays import` reads a 放假安排通知."""

from __future__ import annotations

import argparse

from rich.table import Table

from generator.commands._common import (
    Subparsers,
    add_command,
    add_input_options,
    parse_day,
    settings_of,
    terminal,
)
from generator.holidays.report import (
    Impact,
    change_lines,
    estimated_next_year,
    impact_lines,
    notice_title,
)
from generator.workflows.holidays import ImportResult, import_notice, list_year_sources

_NOVEMBER = "国务院办公厅通常在 11 月发布下一年的放假安排通知；发布后请运行 jiaozao holidays import 通知.txt"


def run(args: argparse.Namespace) -> int:
    """列出每一年的工作日历来自哪里：chinese-calendar、导入的国务院通知，还是估算。

    每年 10 月起，下一年仍是估算时给出提醒。导入通知用 jiaozao holidays import。

    示例：
      jiaozao holidays
      jiaozao holidays import 2027年放假通知.txt --dry-run
      jiaozao holidays import 2027年放假通知.txt
    """
    today = parse_day(args.today, "--today")
    years = list_year_sources(settings_of(args), today)
    table = _table("工作日历来源", "年份", "来源", "说明")
    for year in years:
        table.add_row(str(year.year), year.kind, year.detail)
    terminal.print(table)
    estimated = estimated_next_year(years, today)
    if estimated is not None:
        terminal.print(f"提醒：{estimated} 年的放假安排还是估算。{_NOVEMBER}。", style="yellow", markup=False)
    return 0


def run_import(args: argparse.Namespace) -> int:
    """导入国务院办公厅的放假安排通知，写入目录文件夹的 holidays.csv。

    把通知全文（从标题到落款日期）从中国政府网复制到一个 .txt 文件（UTF-8 或 GBK），或用 - 从标准输入读取。
    先列出读到的每一项和对提醒日期的影响；通知中有任何问题（星期与日期不符、日期不存在、天数不符）都一并列出，
    且不写入任何文件。--dry-run 只显示，不写入。年内的调整通知（延长假期、调整安排、纪念日调休）同样导入。

    示例：
      jiaozao holidays import 2027年放假通知.txt --dry-run
      jiaozao holidays import 2027年放假通知.txt --catalogs /data/目录
      jiaozao holidays import - < 通知.txt
    """
    today = parse_day(args.today, "--today")
    settings = settings_of(args)
    result = import_notice(args.file, settings, today, dry_run=args.dry_run)
    _print_notice(result)
    _print_changes(result)
    if result.impact is not None:
        _print_impact(result.impact)
    elif result.impact_note:
        terminal.print(result.impact_note, style="yellow", markup=False)
    if args.dry_run:
        terminal.print(
            "演练（--dry-run）：没有写入任何文件。确认无误后去掉 --dry-run 再运行一次。", markup=False
        )
    elif result.written:
        terminal.print(
            f"已写入 {settings.holidays}。请运行 jiaozao build 重新生成网站和查询索引。", markup=False
        )
    else:
        terminal.print("这份通知已经导入过，holidays.csv 没有变化。", markup=False)
    return 0


def _print_notice(result: ImportResult) -> None:
    table = _table(notice_title(result.notice), "节日", "放假", "上班", "共几天")
    for row in result.table:
        table.add_row(*row)
    terminal.print(table)


def _print_changes(result: ImportResult) -> None:
    counts, replaced, cleared = change_lines(result.merge, result.cleared_years)
    terminal.print(counts, markup=False)
    for line in replaced:
        terminal.print(f"  {line}", style="yellow", markup=False)
    for line in cleared:
        terminal.print(line, markup=False)


def _print_impact(impact: Impact) -> None:
    terminal.print("\n".join(impact_lines(impact)), markup=False)


def _table(title: str, *headers: str) -> Table:
    """Return a table whose long cells wrap rather than end in “…”: staff compare every date."""
    table = Table(title=title)
    for header in headers:
        table.add_column(header, overflow="fold")
    return table


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "holidays", run, run.__doc__ or "")
    add_input_options(parser)
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="按哪一天判断“下一年”（默认：今天）")
    commands = parser.add_subparsers(title="子命令", metavar="子命令")
    importer = add_command(commands, "import", run_import, run_import.__doc__ or "")
    importer.add_argument(
        "file", metavar="通知文件", help="通知全文的 .txt 文件（UTF-8 或 GBK），- 表示标准输入"
    )
    # Given after `import` or before it, both count: the sub-command's own options do not reset the outer ones.
    importer.add_argument(
        "--catalogs", metavar="文件夹", default=argparse.SUPPRESS, help="各部门目录所在文件夹"
    )
    importer.add_argument(
        "--ledgers", metavar="文件或文件夹", default=argparse.SUPPRESS, help="台账文件或文件夹"
    )
    importer.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        default=argparse.SUPPRESS,
        help="按哪一天计算排期的影响（默认：今天）",
    )
    importer.add_argument("--dry-run", action="store_true", help="只显示读到的内容和影响，不写入任何文件")
