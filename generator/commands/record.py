"""jiaozao record: put a filled phone worklist, or an uploaded SMS batch, into the 登记簿."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.commands._common import (
    Subparsers,
    add_command,
    add_input_options,
    add_setting_options,
    parse_day,
    progress_bar,
    settings_of,
    terminal,
)  # fmt: skip
from generator.workflows.record import record_sms, record_worklist


def run(args: argparse.Namespace) -> int:
    """把填好的电话提醒清单（或已上传短信平台的短信文件）登记到登记簿。

    清单中“提醒日期”和“联系结果”都空着的行表示还没提醒，不登记；填了提醒日期却没选联系结果的行报错。列被改动、
    日期不存在等错误时整个文件不登记，并列出 Excel 行号。每一行都与生成清单时保存的当天名单核对（不在名单中的，
    再与 --catalogs、--ledgers 给出的台账核对）：别的部门的证照、改过的证照编号或期满日期逐一列出，整个文件不登记；
    名单中有、但生成清单后已从台账删除的证照照常登记，并给出警告。同一文件导入两次不会重复登记。

    短信文件（--sms）只登记文件中的短信，结果记为“已发送（未核实送达）”；当天已登记“号码有误”的号码，以及
    文件生成后已登记为已告知等结果的证照不登记，逐条列出原因。

    示例：
      jiaozao record out/remind/2026-11-23/anshan/电话提醒清单.xlsx
      jiaozao record --sms out/remind/2026-11-23/anshan/短信.csv --on 2026-11-23
    """
    path, settings = Path(args.file).absolute(), settings_of(args)
    today = parse_day(args.today, "--today")
    with progress_bar("读取台账") as advance:
        if args.sms:
            sent_on = parse_day(args.on, "--on")
            result = record_sms(settings, path, sent_on, args.by or "短信平台", today, advance)
        else:
            result = record_worklist(settings, path, today, advance)
    terminal.print(
        f"{args.file}：登记 {result.added} 条提醒记录"
        + (f"，{result.repeated} 条此前已登记（未重复登记）" if result.repeated else "")
        + "。",
        markup=False,
    )
    for warning in result.warnings:
        terminal.print(str(warning), markup=False)
    for left in result.left_out:
        terminal.print(
            f"未登记：第 {left.row} 行 {left.holder} {left.certificates} —— {left.reason}", markup=False
        )
    if result.blank:
        terminal.print(
            f"另有 {result.blank} 行“提醒日期”和“联系结果”为空，视为尚未提醒，未登记。", markup=False
        )
    terminal.print(f"登记簿：{result.registry}", markup=False)
    return 0


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "record", run, run.__doc__ or "")
    add_input_options(parser)
    parser.add_argument(
        "file", metavar="文件", help="填好的电话提醒清单 .xlsx，或（与 --sms 一起）短信文件 .csv"
    )
    parser.add_argument("--sms", action="store_true", help="登记已上传短信平台的短信批量文件")
    parser.add_argument("--on", metavar="YYYY-MM-DD", help="短信发送日期（默认：今天）")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="按哪一天读取台账、核对清单（默认：今天）")
    parser.add_argument("--by", metavar="姓名", help="上传短信的工作人员（默认：短信平台）")
    add_setting_options(parser, "db")
