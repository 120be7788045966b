"""jiaozao date: one reminder date from an expiry date and a 提醒时限 phrase."""

from __future__ import annotations

import argparse

from generator.cells import CellError, DateReader
from generator.commands._common import Subparsers, add_command, settings_of, terminal
from generator.phrases import parse_lead_time
from generator.pipeline import load_calendar
from generator.problems import PhraseError
from generator.schedule import reminder_date


def run(args: argparse.Namespace) -> int:
    """算一个提醒日期：期满日期 + 提醒时限。

    输出以 YYYY-MM-DD 开头；日期落在尚未公布放假安排的年份时，后面标“估算”（宁早勿晚）。

    示例：
      jiaozao date 2026-10-09 到期前90个工作日
      jiaozao date 2026年2月25日 "到期前 5 个工作日"
      jiaozao date 2027-03-31 有效期届满前30日
    """
    try:
        expiry = DateReader().read(args.expiry)
    except CellError as error:
        raise PhraseError(f"期满日期“{args.expiry}”：{error.message}", error.fix) from None
    rule = parse_lead_time(" ".join(args.rule))
    calendar = load_calendar(settings_of(args))
    day, estimated = reminder_date(calendar, expiry, rule)
    print(day.isoformat() + (" 估算" if estimated else ""))
    weekday = "一二三四五六日"[day.weekday()]
    note = "；该年放假安排尚未公布，按周末和法定节日估算，宁早勿晚" if estimated else ""
    terminal.print(f"（星期{weekday}；{expiry.isoformat()} {rule.plain()}{note}）", markup=False)
    return 0


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "date", run, run.__doc__ or "")
    parser.add_argument("expiry", metavar="期满日期", help="如 2026-10-09")
    parser.add_argument("rule", metavar="提醒时限", nargs="+", help="如 到期前90个工作日")
    parser.add_argument("--catalogs", metavar="文件夹", help="读取其中 holidays.csv 放假补充表的目录文件夹")
    parser.add_argument(
        "--ledgers", metavar="文件或文件夹", help="与其他命令一致，可以给出；本命令不读取台账"
    )
