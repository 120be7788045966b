"""Benchmark: `jiaozao remind` end to end on 1,000,000 certificates, about 2,000 reminders due on the day.

Run: .venv/bin/python -m bench.remind_bench   (first run writes the fictional 1M-row ledger, xlsx and csv, into
bench/.cache/, a few minutes)
The 登记簿 is filled first with every reminder due up to the previous working day, as if staff had done them, so
the day shows only what became due that day. Then `jiaozao remind --dry-run` runs as staff run it, in a fresh
process, reading the ledger: cold (an empty ledger cache, as after a change to the file) and warm (the per-file
cache the nightly build keeps), for the .xlsx and the .csv ledger. Target (issue 5): ≤ 15 s end to end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.schedule_bench import CACHE, ledger_file
from generator.catalog.load import load_catalogs
from generator.config import DEMO_CATALOGS, Settings
from generator.demo import LAYOUTS, demo_rows, write_ledger
from generator.pipeline import load_inputs
from generator.reminders.due import due_reminders
from generator.reminders.registry import Registry, ReminderRecord
from generator.schedule import compute_schedule
from generator.workflows.demo import DEMO_ANCHOR, demo_item

TODAY, DONE_UP_TO = date(2027, 3, 10), date(2027, 3, 9)  # a Wednesday with about 2,000 newly due in 1M


def csv_ledger(rows: int) -> Path:
    """Return the same fictional ledger as a .csv (written once)."""
    path = CACHE / f"anshan-{rows}-csv" / "anshan.csv"
    if not path.exists():
        catalogs, _ = load_catalogs(DEMO_CATALOGS)
        items = [demo_item(i) for i in catalogs.department("anshan").items]
        write_ledger(path, LAYOUTS["anshan"], demo_rows(items, rows, seed=7, anchor=DEMO_ANCHOR, prefix="BN"))
    return path


def fill_registry(ledger: Path, db: Path) -> int:
    """Record every reminder due up to DONE_UP_TO as done that day; return how many."""
    inputs = load_inputs(Settings(DEMO_CATALOGS, ledger), DONE_UP_TO)
    schedule = compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, DONE_UP_TO)
    due = due_reminders(inputs.ledger, schedule, inputs.catalogs, set())
    with Registry(db) as registry:
        return registry.add(
            ReminderRecord(r.certificate, r.kind, "电话", DONE_UP_TO, "基准", "已告知", "", "bench")
            for r in due
        )


def run_remind(ledger: Path, db: Path, cache: Path, out: Path) -> tuple[float, str]:
    """Return the wall time of one `jiaozao remind` process and its last lines."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIAOZAO_SMTP_")}
    env["JIAOZAO_CACHE"] = str(cache)
    command = [
        str(Path(sys.executable).with_name("jiaozao")), "remind", "--today", TODAY.isoformat(),
        "--ledgers", str(ledger), "--db", str(db), "--out", str(out), "--dry-run",
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"jiaozao remind failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    ledgers = {"xlsx": ledger_file(args.rows), "csv": csv_ledger(args.rows)}
    with tempfile.TemporaryDirectory(prefix="remind-bench-") as work:
        root = Path(work)
        db = root / "登记簿.sqlite"
        started = time.perf_counter()
        recorded = fill_registry(ledgers["csv"], db)
        print(
            f"登记簿预置：{recorded:,} 条截至 {DONE_UP_TO} 已完成的提醒（{time.perf_counter() - started:.1f} s，不计时）"
        )
        for kind, ledger in ledgers.items():
            cache = root / f"cache-{kind}"
            for label in ("冷（无缓存）", "热（台账缓存）"):
                out = root / f"out-{kind}"
                shutil.rmtree(out, ignore_errors=True)
                seconds, said = run_remind(ledger, db, cache, out)
                summary = next((line for line in said.splitlines() if "应提醒" in line), "")
                print(f"{kind:<5}{label:<10} {seconds:>6.1f} s   目标 ≤ 15 s   {summary.strip()}")


if __name__ == "__main__":
    main()
