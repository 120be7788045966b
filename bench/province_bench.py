"""Benchmark: a province on one console database — PostgreSQL beside SQLite at the same scale (issue 22 §4).

Run: .venv/bin/python -m bench.province_bench [--certificates 10000000] [--departments 300] [--records 5000000]
     [--clerks 20] [--rounds 4] [--no-answer 4] [--think 0[,3]] [--backends sqlite,postgresql]
Writes into a temporary folder (deleted afterwards): the departments' 目录 and CSV 台账 (demo data, written in
parallel), a 登记簿 of --records rows (the reminders worked up to yesterday, 3 in 7 of those due, then earlier
certificates' reminders, inserted straight into its table), one clerk per department for --clerks departments and
an inspector. Starts a throw-away PostgreSQL cluster as the tests do (tests/pg.py), with fsync on as a server runs.
For each backend: two `jiaozao console` processes on the one database; the clerks, all at once, each open their
department's 今日提醒 for the first time and record --rounds results, one in --no-answer of them 未接通 (a
request to one process, the next to the other, as behind a load balancer); then 督促检查 of this quarter
(counted again after the records, then again) and of the previous one. Then `jiaozao db copy` of the SQLite
files into an empty PostgreSQL database.
Prints each figure's median and 95th percentile on both backends and their ratio. No figure is asserted.
Targets (issue 22, PostgreSQL at full scale): 今日提醒 first view ≤ 500 ms, recording ≤ 200 ms, 督促检查 ≤ 2 s after
the first computation, db copy of 5,000,000 records ≤ 5 minutes.

Measured here (2 shared cores, 24 GB), the full scale (the defaults: 10,000,000 certificates in 300 departments,
5,000,000 records, 20 clerks, 4 rounds, 1 in 4 未接通) with --think 0,3: about 20 minutes for both backends, each
console process ~0.85-0.9 GB (a department's day is read from its own 台账; at most JIAOZAO_CONSOLE_DEPARTMENTS_KEPT
departments are kept), the 登记簿 rows made department by department and streamed into each backend. The tables
are in the commit messages and the README (省级部署). For each clerk round the consoles' CPU seconds per request are
printed beside the wall time: with 20 clerks and no pause the two cores are the limit, not the waiting (last run:
34-35 ms of console CPU per request; recording back to back 109 / 192 ms on PostgreSQL, median / 95th percentile).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.province_data import add_people, fill_postgres, fill_sqlite, registry_rows, slug, write_inputs
from bench.province_load import FIRST, RECORD, Figures, clerks_at_work, consoles, supervision, warmed
from generator.config import Settings
from generator.database import schema
from generator.database.connection import open_postgres

TARGETS = {FIRST: "≤ 500 ms", RECORD: "≤ 200 ms", "督促检查 本季度 再次打开": "≤ 2 s"}


@dataclass
class Run:
    """What one backend measured, and what it said about itself."""

    figures: Figures = field(default_factory=Figures)
    notes: list[str] = field(default_factory=list)
    holders: int = 0
    peak_mb: list[float] = field(default_factory=list)
    cpu: list[str] = field(default_factory=list)


@contextmanager
def step(label: str) -> Iterator[None]:
    """Print what is being done, then how long it took."""
    started = time.perf_counter()
    print(f"{label}……", end="", flush=True)
    yield
    print(f" {time.perf_counter() - started:.1f} s", flush=True)


def run_backend(
    backend: str,
    root: Path,
    inputs: Settings,
    rows: Callable[[], Iterable[tuple[object, ...]]],
    url: str,
    args: argparse.Namespace,
) -> Run:
    """Fill the backend's databases, run two consoles on them under the clerks, and measure."""
    run, folder = Run(), root / backend
    registry = folder / "var" / "登记簿.sqlite"
    registry.parent.mkdir(parents=True)
    env = {"JIAOZAO_CACHE": str(folder / "ledger-cache"), "PYTHONPATH": str(Path.cwd())}
    on_server = False
    if backend == "postgresql":
        env["JIAOZAO_DATABASE_URL"] = url
        with closing(open_postgres(url, check=False)) as db:
            schema.upgrade(db)
            on_server = db.execute("SELECT to_regclass('reminders') IS NOT NULL").fetchone()[0]
    with step(f"[{backend}] 排出登记簿 {args.records:,} 条并批量写入"):
        if on_server:
            fill_postgres(url, rows())
        else:
            fill_sqlite(registry, rows())
    if backend == "postgresql" and not on_server:
        run.notes.append("登记簿仍是两个进程共用的 SQLite 文件（PostgreSQL 上还没有 reminders 表）")
    with step(f"[{backend}] 加入 {args.clerks} 名科员和 1 名督查"):
        people = add_people(url if backend == "postgresql" else folder / "var" / "console.sqlite", args.clerks,
                            args.departments)  # fmt: skip
    common = [
        "--catalogs", str(inputs.catalogs), "--ledgers", str(inputs.ledgers),
        "--site", str(folder / "site"), "--src", str(folder / "src"), "--index", str(folder / "index"),
    ]  # fmt: skip
    if not (backend == "postgresql" and on_server):  # --db beside JIAOZAO_DATABASE_URL is refused
        common += ["--db", str(registry)]
    # SQLite: one machine's two processes share the console file; PostgreSQL: each its own local queue file.
    own = ["var"] * 2 if backend == "sqlite" else ["process-0", "process-1"]
    arguments = [[*common, "--console-db", str(folder / o / "console.sqlite")] for o in own]
    started = time.perf_counter()
    with consoles(arguments, env, folder) as running:
        bases = [c.base for c in running]
        warmed(bases, slug(args.departments), run.figures)
        print(f"[{backend}] 两个工作台启动并预热完毕 {time.perf_counter() - started:.1f} s", flush=True)
        for n, think in enumerate(args.think):
            with step(
                f"[{backend}] {args.clerks} 名科员同时工作（每人登记 {args.rounds} 条，两次之间停 {think:g} 秒）"
            ):
                before, mine, began = (
                    sum(c.cpu_seconds() for c in running),
                    time.process_time(),
                    time.perf_counter(),
                )
                holders = clerks_at_work(
                    bases, people, args.rounds, args.no_answer, run.figures, think, again=n > 0
                )
                run.holders = run.holders or holders
                used, wall = sum(c.cpu_seconds() for c in running) - before, time.perf_counter() - began
                requests = args.clerks * (1 + 2 * args.rounds)
                run.cpu.append(
                    f"停约 {think:g} 秒的一轮：{requests} 个请求 {wall:.1f} s，两个工作台共用 CPU {used:.1f} s"
                    f"（每个请求 {used / requests * 1000:.0f} ms），压测程序自身 {time.process_time() - mine:.1f} s；"
                    f"机器 {os.cpu_count()} 核"
                )
        with step(f"[{backend}] 督促检查"):
            supervision(bases, run.figures)
        run.peak_mb = [c.peak_mb() for c in running]
    return run


def measure_copy(files: Path, url: str) -> tuple[float, str]:
    """Time `jiaozao db copy --from files --to url` (url upgraded first); return seconds and its row table."""
    jiaozao = [sys.executable, "-m", "generator", "db"]
    subprocess.run([*jiaozao, "upgrade", "--database-url", url], check=True, capture_output=True)
    started = time.perf_counter()
    done = subprocess.run(
        [*jiaozao, "copy", "--from", str(files), "--to", url], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"jiaozao db copy 失败：{done.stderr[-2000:]}")
    return seconds, done.stdout + done.stderr


def _pad(text: str, width: int, right: bool = False) -> str:
    """Return text padded to width terminal columns (a Chinese character takes two)."""
    wide = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    space = " " * max(0, width - wide)
    return space + text if right else text + space


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _cell(values: list[float] | None) -> str:
    if not values:
        return "—"
    return f"{statistics.median(values) * 1000:,.0f} / {_p95(values) * 1000:,.0f} ms"


def print_table(runs: dict[str, Run], copy: tuple[float, str] | None) -> None:
    names = list(dict.fromkeys(n for r in runs.values() for n in r.figures.seconds))
    head = [_pad("（中位数 / 95%）", 52), _pad("SQLite", 22, True), _pad("PostgreSQL", 22, True)]
    print("\n" + "".join(head) + _pad("PG÷SQLite", 11, True) + "   目标（PG）")
    for name in names:
        lite, post = (
            runs[b].figures.seconds.get(name) if b in runs else None for b in ("sqlite", "postgresql")
        )
        ratio = f"{statistics.median(post) / statistics.median(lite):.2f}" if lite and post else "—"
        count = len(post or lite or [])
        row = [_pad(f"{name}（{count} 次）", 52), _pad(_cell(lite), 22, True), _pad(_cell(post), 22, True)]
        print("".join(row) + _pad(ratio, 11, True) + "   " + _target(name))
    for backend, run in runs.items():
        memory = " / ".join(f"{m:,.0f} MB" for m in run.peak_mb)
        print(f"[{backend}] 两个工作台的内存峰值 {memory}；科员首页上共 {run.holders:,} 户待提醒")
        for line in run.cpu:
            print(f"[{backend}] {line}")
        for note in run.notes:
            print(f"[{backend}] 注：{note}")
    if copy:
        seconds, said = copy
        print(f"jiaozao db copy（SQLite 文件 → 空的 PostgreSQL） {seconds:.1f} s   目标 ≤ 5 分钟（500 万条）")
        for line in said.strip().splitlines():
            print(f"  {line}")


def _seconds_list(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是秒数：{text}") from None
    if not values or any(v < 0 for v in values):
        raise argparse.ArgumentTypeError(f"要一个或几个不小于 0 的秒数：{text}")
    return values


def _target(name: str) -> str:
    return next((t for key, t in TARGETS.items() if name.startswith(key)), "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=10_000_000)
    parser.add_argument("--departments", type=int, default=300)
    parser.add_argument("--records", type=int, default=5_000_000, help="登记簿记录数")
    parser.add_argument("--clerks", type=int, default=20, help="同时工作的科员（各属一个部门）")
    parser.add_argument("--rounds", type=int, default=4, help="每名科员登记几条结果")
    parser.add_argument(
        "--think", type=_seconds_list, default=[0.0],
        help="科员两次登记之间读页面、打电话的秒数（在其 0.5–1.5 倍间随机；0：不停顿，尽快连续登记）；"
        "逗号分开的几个值（如 0,3）依次各做一轮",
    )  # fmt: skip
    parser.add_argument(
        "--no-answer", type=int, default=4, help="每几条结果中有一条“未接通”（0：都是“已告知”）"
    )
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if args.clerks > args.departments or not set(backends) <= {"sqlite", "postgresql"}:
        parser.error("--clerks 不能多于 --departments；--backends 只能是 sqlite、postgresql")
    from tests.pg import NotInstalled, cluster

    root = Path(tempfile.mkdtemp(prefix="jiaozao-province-"))
    try:
        with cluster(durable=True) as postgres:
            print(
                f"部门 {args.departments}，证照 {args.certificates:,}，登记簿 {args.records:,} 条，科员 {args.clerks}"
            )
            with step("写入目录和 CSV 台账"):
                inputs = write_inputs(root, args.certificates, args.departments)

            def rows() -> Iterable[
                tuple[object, ...]
            ]:  # made again for each backend: 5,000,000 rows held ≈ 5 GB
                return registry_rows(inputs, args.records, args.departments)

            runs = {b: run_backend(b, root, inputs, rows, postgres.create(), args) for b in backends}
            copy = None
            if "sqlite" in runs:
                with step("jiaozao db copy"):
                    copy = measure_copy(root / "sqlite" / "var", postgres.create())
        print_table(runs, copy)
    except NotInstalled:
        sys.exit("PostgreSQL 未安装：先运行 .ci/install-postgres")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
