"""Benchmark: the lookup index stage of a build ("查询索引") at province scale, 1,000,000 certificates.

Run: .venv/bin/python -m bench.index_bench   (uses bench/site_bench's province inputs, written on first run)
Prints: the full index write, the update after one department's 目录 edit and the update with nothing changed,
each as build_site times it (entries, meta and write), the median of --repeat runs, and the ratio to the
full write of the same run.
Targets: update after one department's change ≤ 2 s, with no change ≤ 1.5 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time
from datetime import date
from pathlib import Path

from bench.site_bench import CACHE, TODAY, edit_one_catalogue, province_inputs
from generator.config import Settings
from generator.lookup.records import LedgerEntries, index_meta
from generator.lookup.writer import IndexResult, write_lookup_index
from generator.pipeline import Inputs, load_inputs
from generator.schedule import Schedule, compute_schedule
from generator.site.config import load_site_config


def prepared(root: Path, today: date) -> tuple[Inputs, Schedule]:
    inputs = load_inputs(Settings.read(str(root)), today)
    return inputs, compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, today)


def index_stage(root: Path, folder: Path, inputs: Inputs, schedule: Schedule, *, reuse: bool) -> IndexResult:
    """Do what build_site times as 查询索引: entries, meta, write."""
    entries = LedgerEntries(inputs.ledger, schedule, inputs.catalogs)
    meta = index_meta(inputs.catalogs, load_site_config(root), TODAY, len(entries))
    return write_lookup_index(folder, entries, meta, incremental=reuse)


def timed(
    root: Path, folder: Path, inputs: Inputs, schedule: Schedule, *, reuse: bool
) -> tuple[float, IndexResult]:
    started = time.perf_counter()
    result = index_stage(root, folder, inputs, schedule, reuse=reuse)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = province_inputs(args.rows)
    os.environ["JIAOZAO_CACHE"] = str(CACHE / "index-bench-ledger-cache")
    folder = CACHE / "index-bench"
    shutil.rmtree(folder, ignore_errors=True)
    inputs, schedule = prepared(root, TODAY)
    full, edited, unchanged = [], [], []
    last: dict[str, IndexResult] = {}
    for _ in range(args.repeat):
        seconds, last["full"] = timed(root, folder, inputs, schedule, reuse=False)
        full.append(seconds)
        edit_one_catalogue(root)  # dept001's 首次提醒时限 of one item: its certificates' reminder dates move
        inputs, schedule = prepared(root, TODAY)
        seconds, last["edited"] = timed(root, folder, inputs, schedule, reuse=True)
        edited.append(seconds)
        seconds, last["unchanged"] = timed(root, folder, inputs, schedule, reuse=True)
        unchanged.append(seconds)
    shutil.rmtree(folder, ignore_errors=True)
    base = statistics.median(full)
    print(
        f"证照 {len(inputs.ledger):,} 张，部门 {len(inputs.catalogs.departments)} 个；每项 {args.repeat} 次取中位数"
    )
    print(f"完整写入查询索引            {base:6.2f} s   （各次 {', '.join(f'{s:.2f}' for s in full)}）")
    for label, runs, key, target in (("改一个部门目录后更新索引", edited, "edited", 2.0),
                                     ("无变化时更新索引", unchanged, "unchanged", 1.5)):  # fmt: skip
        median, result = statistics.median(runs), last[key]
        print(
            f"{label:<14}  {median:6.2f} s   为完整写入的 {median / base:5.1%}   目标 ≤ {target} s"
            f"   （各次 {', '.join(f'{s:.2f}' for s in runs)}；增量 {result.incremental}，"
            f"新增 {result.added:,}、删除 {result.removed:,}）"
        )


if __name__ == "__main__":
    main()
