"""jiaozao schedule: a row per certificate with both reminder dates, days left and status."""

from __future__ import annotations

import argparse
from pathlib import Path

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
from generator.workflows.schedule import refuse_bad_outputs, write_schedule


def run(args: argparse.Namespace) -> int:
    """生成提醒排期表：每张证照一行，含首次/二次提醒日期、剩余天数和状态。

    有问题的台账行列在屏幕上（和 --problems 文件里），其余照常排期。CSV 为带 BOM 的 UTF-8，Excel 可直接打开。

    示例：
      jiaozao schedule --today 2026-11-23 --out 排期.xlsx
      jiaozao schedule --out out/schedule.csv --problems out/问题清单.csv
    """
    out = Path(args.out).absolute()
    problems_out = Path(args.problems).absolute() if args.problems else None
    refuse_bad_outputs(out, problems_out)
    today = parse_day(args.today, "--today")
    with progress_bar("读取台账") as advance:
        result = write_schedule(settings_of(args), today, out, problems_out, advance)
    ledger, problems, counts = result.inputs.ledger, result.inputs.problems, result.counts
    print_problems(problems, limit=None if problems_out is None else 50)
    terminal.print(
        summarize(ledger.rows_read, len(ledger), ledger.rows_rejected, problems, "排期"), markup=False
    )
    terminal.print(
        f"{today.isoformat()}：" + "，".join(f"{k} {v} 张" for k, v in counts.items()) + f"。已写入 {out}",
        markup=False,
    )
    return 0


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "schedule", run, run.__doc__ or "")
    add_input_options(parser)
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="按哪一天计算剩余天数和状态（默认：今天）")
    parser.add_argument("--out", metavar="文件", required=True, help="排期表，.csv 或 .xlsx")
    parser.add_argument("--problems", metavar="文件", help="另把问题清单写入该文件（.csv 或 .xlsx）")
