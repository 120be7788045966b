"""jiaozao demo-data: write fictional 台账 files for the demo departments, or the demo 登记簿's history."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.commands._common import Subparsers, add_command, parse_day, terminal
from generator.config import LEDGER_FOLDER, Settings
from generator.workflows.demo import DEMO_ANCHOR, write_demo_history, write_demo_ledgers


def run(args: argparse.Namespace) -> int:
    """生成演示用的虚构台账（每个演示部门一个文件），或演示登记簿的历史记录。

    数据完全虚构且可重现：同样的参数总是生成同样的内容。基准测试可用 --per-item 生成百万行。
    --history：不写台账，而是在登记簿中补上今天以前各个工作日的提醒记录（演示科员登记，大多已告知或已发送，
    少数未接通、号码有误），让演示的“今日提醒”像平常的一天。只写入演示用的登记簿文件（--db 或 JIAOZAO_RECORD_DB），
    即使设置了 JIAOZAO_DATABASE_URL 也不写共用数据库。

    示例：
      jiaozao demo-data
      jiaozao demo-data --per-item 20000 --ledgers /tmp/bench-ledgers
      jiaozao demo-data --history --db var/demo/登记簿.sqlite --today 2026-11-23
    """
    if args.history:
        settings = Settings.read(args.catalogs, args.out, db=args.db)
        today = parse_day(args.today, "--today")
        result = write_demo_history(settings, today, args.seed)
        terminal.print(
            f"演示登记簿（{result.registry}）：{today.isoformat()} 以前共 {result.records} 条提醒记录"
            f"（已完成 {result.done} 条），新写入 {result.added} 条",
            markup=False,
        )
        return 0
    catalogs = Settings.read(args.catalogs).catalogs
    out = Path(args.out).absolute() if args.out else catalogs / LEDGER_FOLDER
    anchor = parse_day(args.anchor, "--anchor") if args.anchor else DEMO_ANCHOR
    for path in write_demo_ledgers(catalogs, out, args.per_item, args.seed, anchor):
        terminal.print(f"已写入 {path}", markup=False)
    return 0


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "demo-data", run, run.__doc__ or "")
    parser.add_argument("--catalogs", metavar="文件夹", help="读取哪些目录（默认：自带的演示目录）")
    parser.add_argument(
        "--ledgers",
        "--out",
        dest="out",
        metavar="文件夹",
        help="台账写到哪里（默认：目录文件夹下的 _ledgers/）",
    )
    parser.add_argument(
        "--per-item", type=int, default=40, metavar="N", help="每个目录事项生成多少张证照（默认 40）"
    )
    parser.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")
    parser.add_argument(
        "--anchor", metavar="YYYY-MM-DD", help="以哪天为“现在”分布期满日期（默认 2026-12-01）"
    )
    parser.add_argument(
        "--history",
        action="store_true",
        help="不写台账，改为在登记簿中写入今天以前的演示提醒记录（读取 --catalogs/--ledgers 的目录和台账）",
    )
    parser.add_argument(
        "--db", metavar="文件", help="--history 写入哪个登记簿；也可用环境变量 JIAOZAO_RECORD_DB"
    )
    parser.add_argument(
        "--today", metavar="YYYY-MM-DD", help="--history 以哪天为今天（默认：北京时间今天），记录只写到前一天"
    )
