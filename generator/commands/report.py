"""jiaozao report: 督促检查 — how each department's reminders went over a period."""

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
    progress_bar,
    settings_of,
)  # fmt: skip
from generator.pipeline import load_inputs
from generator.problems import PhraseError
from generator.reminders.registry import Registry, registry_path
from generator.reminders.report import FIGURES, build_report
from generator.reminders.report_files import totals, write_report_html, write_report_xlsx
from generator.schedule import compute_schedule
from generator.site.incremental import MANIFEST

PUBLIC_SITE = Path("site")


def run(args: argparse.Namespace) -> int:
    """督促检查：统计期间内各部门应提醒、按时完成、逾期完成、未完成、到期前已续证、过期未续证的数量。

    写出 .xlsx（汇总表和每个部门一张明细表）和一张同样数字的内部网页（默认与 .xlsx 同名，放在 out/staff/，
    不放进公开网站 site/，也不从网站链接）。

    示例：
      jiaozao report --from 2026-11-01 --to 2026-11-30
      jiaozao report --from 2026-10-01 --to 2026-12-31 --out out/staff/四季度.xlsx
    """
    start, end = parse_day(args.start, "--from"), parse_day(args.end, "--to")
    if start > end:
        raise PhraseError(f"--from {start} 晚于 --to {end}", "请把开始日期写在前面")
    out = Path(args.out or f"out/staff/督促检查-{start.isoformat()}-{end.isoformat()}.xlsx")
    html = Path(args.html) if args.html else out.with_suffix(".html")
    if out.suffix.lower() != ".xlsx":
        raise OutputError(f"--out “{out}”应以 .xlsx 结尾")
    for path in (out, html):
        site = published_site(path) or (
            Path(args.site) if path.resolve().is_relative_to(Path(args.site).resolve()) else None
        )
        if site is not None:
            raise OutputError(f"“{path}”在公开网站文件夹 {site} 中；督促检查只给工作人员看，请放到别处")
    today = parse_day(args.today, "--today")
    with progress_bar("读取台账") as advance:
        inputs = load_inputs(settings_of(args), today, advance)
    schedule = compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, today)
    with Registry(registry_path(args.db)) as registry:
        reports = build_report(inputs.ledger, schedule, inputs.catalogs, registry, start, end)
    write_report_xlsx(out, reports, start, end)
    write_report_html(html, reports, start, end, today)
    total = totals(reports)
    console.print(f"{start} 至 {end}：" + "，".join(f"{f} {total[f]}" for f in FIGURES) + "。", markup=False)
    console.print(f"已写入 {out} 和 {html}", markup=False)
    return 0


def published_site(path: Path) -> Path | None:
    """Return the published site a file would land in: the nearest folder above it holding a build manifest."""
    return next((folder for folder in path.resolve().parents if (folder / MANIFEST).is_file()), None)


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "report", run, run.__doc__ or "")
    add_input_options(parser)
    parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD", required=True, help="统计期间的第一天")
    parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", required=True, help="统计期间的最后一天")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="统计日（默认：今天）")
    parser.add_argument(
        "--out", metavar="文件", help="督促检查表 .xlsx（默认：out/staff/督促检查-开始-结束.xlsx）"
    )
    parser.add_argument("--html", metavar="文件", help="内部网页（默认：与 .xlsx 同名的 .html）")
    parser.add_argument(
        "--site", metavar="文件夹", default=str(PUBLIC_SITE), help="公开网站文件夹，报告不得放在其中"
    )
    parser.add_argument(
        "--db", metavar="文件", help="登记簿（默认：环境变量 JIAOZAO_RECORD_DB 或 var/登记簿.sqlite）"
    )
