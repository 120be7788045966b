"""jiaozao schedule: a row per certificate with both reminder dates, days left and status."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.atomic import OutputError
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
from generator.export import (
    PROBLEM_HEADERS,
    SCHEDULE_HEADERS,
    TableOutput,
    problem_rows,
    schedule_rows,
    write_tables,
)  # fmt: skip
from generator.pipeline import load_inputs
from generator.schedule import Status, compute_schedule

_OUTPUT_SUFFIXES = (".csv", ".xlsx")


def run(args: argparse.Namespace) -> int:
    """生成提醒排期表：每张证照一行，含首次/二次提醒日期、剩余天数和状态。

    有问题的台账行列在屏幕上（和 --problems 文件里），其余照常排期。CSV 为带 BOM 的 UTF-8，Excel 可直接打开。

    示例：
      jiaozao schedule --today 2026-11-23 --out 排期.xlsx
      jiaozao schedule --out out/schedule.csv --problems out/问题清单.csv
    """
    out, problems_out = Path(args.out), Path(args.problems) if args.problems else None
    for path in (out, problems_out):
        if path is not None and path.suffix.lower() not in _OUTPUT_SUFFIXES:
            raise OutputError(f"输出文件“{path}”的类型不支持：请用 .csv 或 .xlsx 结尾")
    if problems_out is not None and problems_out.resolve() == out.resolve():
        raise OutputError("--out 和 --problems 不能是同一个文件")
    today = parse_day(args.today, "--today")
    with progress_bar("读取台账") as advance:
        inputs = load_inputs(settings_of(args), today, advance)
    ledger, problems = inputs.ledger, inputs.problems
    schedule = compute_schedule(ledger, inputs.catalogs, inputs.calendar, today)
    with progress_bar("写出排期", len(ledger)) as advance:
        tables = [
            TableOutput(out, SCHEDULE_HEADERS, schedule_rows(ledger, schedule, inputs.catalogs), advance)
        ]
        if problems_out is not None:
            tables.append(TableOutput(problems_out, PROBLEM_HEADERS, problem_rows(problems)))
        write_tables(*tables)  # both or neither: a failure leaves the previous files as they were
    print_problems(problems, limit=None if problems_out is None else 50)
    counts = {s.label: int((schedule.status == s).sum()) for s in Status}
    console.print(
        summarize(ledger.rows_read, len(ledger), ledger.rows_rejected, problems, "排期"), markup=False
    )
    console.print(
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
