"""Benchmark: read a 1,000,000-row 台账 .xlsx and schedule it, against day-by-day chinese-calendar stepping.

Run: make bench   (or: .venv/bin/python -m bench.schedule_bench --rows 1000000)
Prints the read time, the schedule time, the baseline rate on a sample, the ratio and peak memory.
Targets (issue 2): schedule ≤ 2 s after loading and ≥ 1000× the baseline; read ≤ 20 s; peak ≤ 2 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import numpy as np

from generator.catalog.load import load_catalogs
from generator.config import DEMO_CATALOGS
from generator.demo import LAYOUTS, demo_rows, write_ledger
from generator.ledger.load import load_ledgers
from generator.phrases import LeadTime, Unit
from generator.schedule import compute_schedule
from generator.workdays import WorkdayCalendar
from generator.workflows.demo import DEMO_ANCHOR, demo_item

CACHE = Path(__file__).resolve().parent / ".cache"
SAMPLE = 2_000


def ledger_file(rows: int) -> Path:
    """Return a cached fictional 鞍山 ledger of the given size, writing it first if needed (slow: openpyxl)."""
    path = CACHE / f"anshan-{rows}" / "anshan.xlsx"
    if not path.exists():
        catalogs, _ = load_catalogs(DEMO_CATALOGS)
        items = [demo_item(i) for i in catalogs.department("anshan").items]
        started = time.perf_counter()
        write_ledger(path, LAYOUTS["anshan"], demo_rows(items, rows, seed=7, anchor=DEMO_ANCHOR, prefix="BN"))
        print(f"生成 {rows:,} 行台账 xlsx：{time.perf_counter() - started:.1f} s（只在首次运行时生成）")
    return path


def _step_back(expiry: date, rule: LeadTime) -> date:
    """The baseline: chinese-calendar asked day by day, as a naive implementation would."""
    if rule.unit is Unit.WORKDAY:
        day, left = expiry, rule.amount
        while left:
            day -= timedelta(days=1)
            left -= chinese_calendar.is_workday(day)
        return day
    day = expiry - timedelta(days=rule.amount if rule.unit is Unit.DAY else rule.amount * 30)
    while not chinese_calendar.is_workday(day):
        day -= timedelta(days=1)
    return day


def baseline_rate(expiries: list[date], rules: list[tuple[LeadTime, LeadTime | None]]) -> float:
    """Return certificates per second for day-by-day stepping (both reminders) over a covered-years sample."""
    started = time.perf_counter()
    for expiry, (first, second) in zip(expiries, rules, strict=True):
        _step_back(expiry, first)
        if second is not None:
            _step_back(expiry, second)
    return len(expiries) / (time.perf_counter() - started)


def measure(path: Path) -> dict[str, float]:
    """Return the figures of one run: read, schedule, baseline and peak memory."""
    catalogs, _ = load_catalogs(DEMO_CATALOGS)
    started = time.perf_counter()
    ledger, problems = load_ledgers(path.parent, catalogs)
    read_s = time.perf_counter() - started
    calendar = WorkdayCalendar.build()
    today = date(2026, 11, 23)
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        compute_schedule(ledger, catalogs, calendar, today)
        runs.append(time.perf_counter() - started)
    schedule_s = float(np.median(runs))
    covered = np.flatnonzero(ledger.expires < date(2026, 10, 1).toordinal())[:SAMPLE]
    expiries = [date.fromordinal(int(ledger.expires[i])) for i in covered]
    rules = [(catalogs.items[ledger.item[i]].first, catalogs.items[ledger.item[i]].second) for i in covered]
    base = baseline_rate(expiries, rules)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "rows": ledger.rows_read, "scheduled": len(ledger), "problems": len(problems), "read_s": read_s,
        "schedule_s": schedule_s, "ours_per_s": len(ledger) / schedule_s, "baseline_per_s": base, "peak_mb": peak_mb,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--measure", metavar="XLSX", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure))))
        return
    path = ledger_file(args.rows)
    # A fresh process, so peak memory is the schedule run's own and not the generator's.
    result = subprocess.run(
        [sys.executable, "-m", "bench.schedule_bench", "--measure", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    ratio = figures["ours_per_s"] / figures["baseline_per_s"]
    print(
        f"台账行数            {figures['rows']:>12,.0f}  （排期 {figures['scheduled']:,.0f}，问题 {figures['problems']:,.0f}）"
    )
    print(f"读取 xlsx          {figures['read_s']:>12.2f} s   目标 ≤ 20 s")
    print(f"排期计算            {figures['schedule_s']:>12.3f} s   目标 ≤ 2 s（三次取中位数）")
    print(f"本项目              {figures['ours_per_s']:>12,.0f} 张/秒")
    print(
        f"逐日步进基线         {figures['baseline_per_s']:>12,.0f} 张/秒（chinese_calendar.is_workday，{SAMPLE} 张样本）"
    )
    print(f"倍数                {ratio:>12,.0f} ×   目标 ≥ 1000 ×")
    print(f"峰值内存            {figures['peak_mb']:>12,.0f} MB  目标 ≤ 2048 MB")


if __name__ == "__main__":
    main()
