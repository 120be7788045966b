"""Benchmark: the lookup portal over 1,000,000 certificates.

Run: .venv/bin/python -m bench.portal_bench   (uses bench/site_bench's province inputs, written on first run;
wrk comes from Debian: .ci/install-wrk)
Prints: index build time, update time after a change touching 1 % of rows, in-process lookup latency,
HTTP requests/s and p99 of the portal and of bare Starlette in the same run (wrk -t2 -c64), the ratio,
and the portal's peak memory.
Targets (issue 4): build ≤ 120 s; 1 % update ≤ 15 s; lookup p99 ≤ 1 ms in process; HTTP ≥ 50 % of the
bare-Starlette ceiling, p99 ≤ 20 ms, zero errors; portal memory ≤ 1 GB.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import httpx

from bench.site_bench import CACHE, TODAY, province_inputs
from generator.config import Settings
from generator.lookup.records import Entry, certificate_entries, index_meta
from generator.lookup.writer import write_lookup_index
from generator.pipeline import load_inputs
from generator.schedule import compute_schedule
from generator.site.config import load_site_config
from portal.certificate import CertificateView
from portal.store import Generation

HERE = Path(__file__).resolve().parent
WRK_SCRIPT = """
local numbers = {}
for line in io.lines(os.getenv("JZ_NUMBERS")) do numbers[#numbers + 1] = line end
local i = math.random(#numbers)
request = function()
  i = i % #numbers + 1
  return wrk.format("GET", "/api/v1/certificates/" .. numbers[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("JZ %d %d %d %.0f\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(99)))
end
"""


def entries_of(root: Path) -> tuple[list[Entry], dict[str, object]]:
    os.environ["JIAOZAO_CACHE"] = str(CACHE / "portal-ledger-cache")
    inputs = load_inputs(Settings.read(str(root)), TODAY)
    schedule = compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, TODAY)
    entries = certificate_entries(inputs.ledger, schedule, inputs.catalogs)
    return entries, index_meta(inputs.catalogs, load_site_config(root), TODAY, len(entries))


def touch_one_percent(entries: list[Entry]) -> list[Entry]:
    """Return the entries with 1 % renewed (expiry a year later), as after a month's ledger export."""
    changed = list(entries)
    for i in random.Random(7).sample(range(len(entries)), len(entries) // 100):
        record = changed[i].record
        changed[i] = changed[i]._replace(record=replace(record, expires=record.expires + 365))
    return changed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def in_process(folder: Path, keys: list[str], meta: dict[str, object]) -> tuple[float, float, float]:
    """Return the median and p99 of a lookup by number, and the p99 with the JSON body made, in µs."""
    generation = Generation.open(folder)
    for key in keys[:1000]:
        generation.lookup(key)  # warm the file cache
    times, full = [], []
    for key in keys:
        started = time.perf_counter_ns()
        found = generation.lookup(key)
        middle = time.perf_counter_ns()
        [CertificateView.of(r, generation.items, TODAY).json_body() for r in found]
        times.append((middle - started) / 1000)
        full.append((time.perf_counter_ns() - started) / 1000)
    generation.close()
    return statistics.median(times), percentile(times, 0.99), percentile(full, 0.99)


def serve(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/certificates/x", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"服务没有启动：{' '.join(command)}")


def wrk(port: int, script: Path, numbers: Path, seconds: int) -> tuple[float, float, int]:
    output = subprocess.run(
        ["wrk", "-t2", "-c64", f"-d{seconds}s", "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, env={**os.environ, "JZ_NUMBERS": str(numbers)}, check=True,
    ).stdout  # fmt: skip
    line = next(x for x in output.splitlines() if x.startswith("JZ "))
    requests, duration_us, failed, p99_us = (float(v) for v in line.split()[1:])
    return requests / (duration_us / 1e6), p99_us / 1000, int(failed)


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=15, help="how long each wrk run lasts")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("需要 wrk：请运行 .ci/install-wrk")
    root = province_inputs(args.rows)
    started = time.perf_counter()
    entries, meta = entries_of(root)
    prepared = time.perf_counter() - started
    work = Path(tempfile.mkdtemp(prefix="portal-bench-", dir=CACHE))
    try:
        folder = work / "index"
        built = write_lookup_index(folder, entries, meta, incremental=False)
        changed = touch_one_percent(entries)
        updated = write_lookup_index(folder, changed, meta)
        generation = Generation.open(folder / updated.generation)
        sample = random.Random(3).sample([e.key for e in changed if e.key], 20_000)
        # The fictional ledgers reuse some number patterns across departments (up to 30 share one number);
        # a real number names one certificate, so the target run asks for numbers that do, the second for any.
        unique = [k for k in sample if len(generation.lookup(k)) == 1][:10_000]
        shared = sum(1 for k in sample if len(generation.lookup(k)) > 1) / len(sample)
        generation.close()
        median_us, p99_us, p99_full_us = in_process(folder / updated.generation, unique, meta)
        numbers, any_numbers = work / "numbers.txt", work / "any-numbers.txt"
        numbers.write_text("\n".join(unique) + "\n", encoding="utf-8")
        any_numbers.write_text("\n".join(sample[:10_000]) + "\n", encoding="utf-8")
        script = work / "lookup.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")
        catalogs = work / "catalogs"
        catalogs.mkdir()
        (catalogs / "portal.yaml").write_text("每分钟查询次数: 0\n", encoding="utf-8")
        uvicorn = [sys.executable, "-m", "uvicorn", "--port", "8901", "--log-level", "warning", "--no-access-log",
                   "--loop", "uvloop", "--http", "httptools", "bench.bare_app:app"]  # fmt: skip
        bare = serve(uvicorn, {"JZ_NUMBERS": str(numbers)}, 8901)
        try:
            bare_rps, bare_p99, bare_failed = wrk(8901, script, numbers, args.seconds)
        finally:
            bare.terminate()
            bare.wait()
        portal_command = [sys.executable, "-m", "generator", "serve", "--catalogs", str(catalogs), "--index",
                          str(folder), "--no-site", "--port", "8902"]  # fmt: skip
        portal = serve(portal_command, {}, 8902)
        try:
            portal_rps, portal_p99, portal_failed = wrk(8902, script, numbers, args.seconds)
            any_rps, any_p99, any_failed = wrk(8902, script, any_numbers, args.seconds)
            memory = peak_memory_mb(portal.pid)
        finally:
            portal.terminate()
            portal.wait()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"证照 {built.certificates:,} 张（读取台账与排期 {prepared:.1f} s，不计入下面的索引时间）")
    print(f"建立查询索引             {built.seconds:8.1f} s      目标 ≤ 120 s")
    print(
        f"1% 证照变化后更新索引     {updated.seconds:8.1f} s      目标 ≤ 15 s  （新增 {updated.added:,}、删除 {updated.removed:,}）"
    )
    print(
        f"进程内按编号查询          中位数 {median_us:.0f} µs，p99 {p99_us:.0f} µs（含组装 JSON：{p99_full_us:.0f} µs）  目标 p99 ≤ 1 ms"
    )
    print(f"HTTP 裸 Starlette 上限    {bare_rps:8,.0f} 次/秒   p99 {bare_p99:.1f} ms   错误 {bare_failed}")
    print(
        f"HTTP 门户 /api/v1/certificates/{{number}} {portal_rps:8,.0f} 次/秒   p99 {portal_p99:.1f} ms   错误 {portal_failed}"
    )
    print(f"门户 / 上限               {portal_rps / bare_rps:8.1%}       目标 ≥ 50%，p99 ≤ 20 ms，错误 0")
    print(
        f"（含多部门同号的编号：{shared:.0%} 的随机编号有多张证照，返回 other_matches；"
        f"{any_rps:,.0f} 次/秒，p99 {any_p99:.1f} ms，错误 {any_failed}）"
    )
    print(f"门户进程峰值内存          {memory:8.0f} MB     目标 ≤ 1024 MB")


if __name__ == "__main__":
    main()
