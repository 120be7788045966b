"""jiaozao demo-data: write fictional 台账 files for the demo departments."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from generator.catalog.load import load_catalogs
from generator.catalog.model import CatalogItem, Department
from generator.commands._common import Subparsers, add_command, console, parse_day
from generator.config import DEMO_CATALOGS, LEDGER_FOLDER
from generator.demo import LAYOUTS, DemoItem, demo_rows, write_ledger

# Which seed's 台账 layout and file type each demo department's fictional ledger uses.
DEMO_LEDGERS = {
    "anshan": ("anshan", "anshan.xlsx", "AS", "utf-8-sig", "anshan"),
    "dongli": ("dongli", "dongli.csv", "DL", "gbk", "dongli"),
    "lvliang": ("anyang", "lvliang.xlsx", "LL", "utf-8-sig", "lvliang"),
    "anshan-weijian": ("jiaozao", "anshan-weijian.xlsx", "WJ", "utf-8-sig", "anshan"),
}
DEMO_ANCHOR = date(2026, 12, 1)
_PERSONAL = ("作业人员证", "适任证", "资格证")


def demo_item(item: CatalogItem) -> DemoItem:
    """Return what the demo generator needs to know of a 目录 item."""
    years = (item.validity.longest_months or 60) // 12 or 1
    person = any(word in item.certificate for word in _PERSONAL)
    return DemoItem(item.seq, item.certificate, item.matter, years, person)


def write_demo_ledgers(catalogs_dir: Path, out: Path, per_item: int, seed: int, anchor: date) -> list[Path]:
    """Write one fictional ledger per demo department into out and return their paths."""
    catalogs, _ = load_catalogs(catalogs_dir)
    written = []
    out.mkdir(parents=True, exist_ok=True)
    for offset, department in enumerate(catalogs.departments):
        if department.slug not in DEMO_LEDGERS or not department.items:
            continue
        written.append(_write_one(department, out, per_item, seed + offset, anchor))
    return written


def _write_one(department: Department, out: Path, per_item: int, seed: int, anchor: date) -> Path:
    layout, name, prefix, encoding, region = DEMO_LEDGERS[department.slug]
    items = [demo_item(i) for i in department.items]
    rows = demo_rows(items, per_item * len(items), seed=seed, anchor=anchor, prefix=prefix, region=region)
    path = out / name
    write_ledger(path, LAYOUTS[layout], rows, encoding=encoding)
    return path


def run(args: argparse.Namespace) -> int:
    """生成演示用的虚构台账（每个演示部门一个文件）。

    数据完全虚构且可重现：同样的参数总是生成同样的内容。基准测试可用 --per-item 生成百万行。

    示例：
      jiaozao demo-data
      jiaozao demo-data --per-item 20000 --ledgers /tmp/bench-ledgers
    """
    catalogs = Path(args.catalogs or DEMO_CATALOGS)
    out = Path(args.out) if args.out else catalogs / LEDGER_FOLDER
    anchor = parse_day(args.anchor, "--anchor") if args.anchor else DEMO_ANCHOR
    for path in write_demo_ledgers(catalogs, out, args.per_item, args.seed, anchor):
        console.print(f"已写入 {path}", markup=False)
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
