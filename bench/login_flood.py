"""Benchmark: a sign-in flood against a real console (issue 18, item 3).

Run: .venv/bin/python -m bench.login_flood [--requests 80] [--parallel 40]
Starts `jiaozao console` (uvicorn on 127.0.0.1) over a copy of the demo data, signs one clerk in, then sends
--requests unauthenticated POST /login (each with its own sign-in form token), --parallel at a time, while the
clerk keeps opening her home page. Twice: all from one address, and each from its own address (forwarded by a
trusted proxy, so the address throttle does not stop them and only the bound on parallel hashes helps).
Prints: the console's peak memory (VmHWM of /proc/PID/status) before and after each flood, the answers, and how
long the clerk's page took meanwhile (median and slowest).
Target (issue 18): memory stays within a few hashes' worth (argon2id takes 64 MiB each); the page stays quick.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from datetime import date
from pathlib import Path

import httpx

from console.store import users
from console.store.db import connect
from generator.config import DEMO_CATALOGS, Settings
from generator.workflows.build import build_site
from tests.browser import running_jiaozao

TODAY = date(2026, 11, 23)
PASSWORD = "Bench-lantern-harbor-7"


def peak_mb(pid: int) -> float:
    """Return a process's peak resident memory (VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def built_demo(root: Path) -> tuple[Path, list[str]]:
    """Copy the demo data into root and build its site; return the console database's path and the arguments
    of a `jiaozao console` over that copy."""
    shutil.copytree(DEMO_CATALOGS, root / "catalogs")
    catalogs = root / "catalogs"
    inputs = Settings(catalogs, catalogs / "_ledgers", db=root / "var" / "登记簿.sqlite", out=root / "out")
    build_site(inputs, TODAY, root / "site", root / "src", index_dir=root / "site-index")
    db_path = root / "var" / "console.sqlite"
    args = [
        "console", "--catalogs", str(catalogs), "--site", str(root / "site"), "--src", str(root / "src"),
        "--index", str(root / "site-index"), "--console-db", str(db_path), "--today", str(TODAY),
    ]  # fmt: skip
    return db_path, args


def console_pid(port: int) -> int:
    """Return the pid of the `jiaozao console` listening on port (the child of running_jiaozao)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"console" in command and str(port).encode() in command:
                return int(entry.name)
    raise RuntimeError("console not found")


def one_try(base: str, n: int, spread: bool) -> int:
    """GET the sign-in form, POST a wrong password with its token; return the status."""
    headers = {"X-Forwarded-For": f"198.51.{n // 250}.{n % 250 + 1}"} if spread else {}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        token = re.search(r'name="token" value="([^"]+)"', client.get("/login").text)
        assert token
        data = {"token": token.group(1), "name": f"guess{n}", "password": "Wrong-password-123"}
        return client.post("/login", data=data).status_code


def flood(base: str, pid: int, requests: int, parallel: int, spread: bool) -> None:
    clerk = httpx.Client(base_url=base, timeout=120)
    token = re.search(r'name="token" value="([^"]+)"', clerk.get("/login").text)
    assert token
    signed = clerk.post("/login", data={"token": token.group(1), "name": "clerk_a", "password": PASSWORD})
    assert signed.status_code == 303, signed.text
    clerk.get("/")
    before = peak_mb(pid)
    times: list[float] = []
    done = threading.Event()

    def browse() -> None:
        while not done.is_set():
            started = time.perf_counter()
            assert clerk.get("/").status_code == 200
            times.append(time.perf_counter() - started)
            time.sleep(0.05)

    viewer = threading.Thread(target=browse)
    started = time.perf_counter()
    viewer.start()
    with ThreadPoolExecutor(parallel) as pool:
        answers = Counter(pool.map(lambda n: one_try(base, n, spread), range(requests)))
    done.set()
    viewer.join()
    seconds = time.perf_counter() - started
    clerk.close()
    kind = "each from its own address" if spread else "all from one address"
    print(f"{requests} sign-in tries, {parallel} at a time, {kind}: {dict(answers)} in {seconds:.1f} s")
    print(f"  console peak memory (VmHWM): {before:.0f} MB before, {peak_mb(pid):.0f} MB after")
    print(
        f"  another user's page meanwhile: {len(times)} views, median {statistics.median(times) * 1000:.0f} ms, "
        f"slowest {max(times) * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=80)
    parser.add_argument("--parallel", type=int, default=40)
    options = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="jiaozao-flood-"))
    try:
        db_path, args = built_demo(root)
        with closing(connect(db_path)) as db:
            users.add_user(db, "clerk_a", users.Role.CLERK, ["anshan"], PASSWORD, ("anshan",))
        for spread in (False, True):
            # A fresh console each time: VmHWM only grows, and one address's throttle would carry over.
            environment = {"JIAOZAO_CONSOLE_TRUSTED_PROXY": "127.0.0.1", "PYTHONPATH": os.getcwd()}
            with running_jiaozao(args, "/login", env=environment, cwd=root, stop_seconds=30) as base:
                pid = console_pid(int(base.rsplit(":", 1)[1]))
                flood(base, pid, options.requests, options.parallel, spread)
            with closing(connect(db_path)) as db:
                db.execute("DELETE FROM address_failures")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
