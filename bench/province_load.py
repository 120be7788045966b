"""Two real `jiaozao console` processes and the clerks who use them at once, for bench/province_bench.py.

Each clerk is a thread with its own httpx client; like a load balancer, its requests go to the two processes in
turn (the session and its form token live in the shared database, so either process answers).
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.province_data import PASSWORD, TODAY
from tests.browser import free_port

TIMEOUT = 3600  # s: a page on a 2-core machine under 20 clerks and a warming console can take minutes
QUARTER, LAST_QUARTER = "from=2026-10-01&to=2026-12-31", "from=2026-07-01&to=2026-09-30"
ANY_PERIOD = "from=2026-08-15&to=2026-11-14"  # not one of the one-click periods counted with this quarter


@dataclass
class Console:
    """One running console process: its address and process."""

    base: str
    process: subprocess.Popen[bytes]
    log: Path

    def peak_mb(self) -> float:
        """Return the process's peak resident memory (VmHWM) in MB, 0 when it has gone."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return 0.0
        found = re.search(r"VmHWM:\s+(\d+)", status)
        return int(found.group(1)) / 1024 if found else 0.0

    def cpu_seconds(self) -> float:
        """Return the CPU seconds (user and system) the process has used, 0 when it has gone."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


@contextmanager
def consoles(arguments: list[list[str]], env: dict[str, str], logs: Path) -> Iterator[list[Console]]:
    """Start one `python -m generator console …` per argument list on a free port; yield them once each answers
    /login; stop them afterwards."""
    started: list[Console] = []
    environment = {**os.environ, "PYTHONWARNINGS": "ignore", **env}
    try:
        for number, args in enumerate(arguments):
            port, log = free_port(), logs / f"console-{number}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "generator", "console", *args, "--today", TODAY.isoformat(),
                     "--host", "127.0.0.1", "--port", str(port)],
                    stdout=out, stderr=subprocess.STDOUT, env=environment,
                )  # fmt: skip
            started.append(Console(f"http://127.0.0.1:{port}", process, log))
            _wait_for(started[-1])
        yield started
    finally:
        for running in started:
            if running.process.poll() is None:
                running.process.terminate()
                running.process.wait(timeout=60)


def _wait_for(running: Console) -> None:
    deadline = time.monotonic() + 300
    while True:
        try:
            httpx.get(running.base + "/login", timeout=5)
            return
        except httpx.TransportError:
            if running.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"jiaozao console 没有启动：\n{running.log.read_text()[-3000:]}") from None
            time.sleep(0.2)


def signed_in(base: str, name: str) -> httpx.Client:
    """Return a client (no base URL: it talks to both processes) signed in as name on base."""
    client = httpx.Client(timeout=TIMEOUT)
    token = re.search(r'name="token" value="([^"]+)"', client.get(base + "/login").text)
    assert token, "no sign-in form"
    answer = client.post(base + "/login", data={"token": token.group(1), "name": name, "password": PASSWORD})
    if answer.status_code != 303:
        raise SystemExit(f"{name} 登录失败：{answer.status_code} {answer.text[:300]}")
    return client


def timed_get(client: httpx.Client, url: str) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"GET {url}：{response.status_code} {response.text[:500]}")
    return response, seconds


@dataclass
class Figures:
    """Seconds measured, by what was measured."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, value: float) -> None:
        with self.lock:
            self.seconds.setdefault(name, []).append(value)


FIRST, RECORD, AFTER = "今日提醒页 首次打开", "登记一条结果", "登记后的今日提醒页"


def clerks_at_work(
    bases: list[str], people: list[tuple[str, str]], rounds: int, no_answer: int, figures: Figures,
    think: float = 0.0, again: bool = False,
) -> int:  # fmt: skip
    """Sign the clerks in, then all at once: each opens its department's 今日提醒 for the first time, then
    records rounds results (every no_answer-th one 未接通, the others 已告知; 0: none 未接通), each followed by
    the page it is sent back to; return the holders on the first pages.

    think: seconds a clerk spends between a page and the next record (reading, phoning), drawn between half and
    one and a half of it (seeded: the same draws each run); 0 = none, every clerk records as fast as it can.
    again: the clerks have opened their pages before; the figures are named apart, with the pause."""
    suffix = f"（每次停约 {think:g} 秒）" if think else "（不停顿）" if again else ""
    first, record, after = (
        (f"今日提醒页 再次打开{suffix}" if again else FIRST + suffix),
        RECORD + suffix,
        AFTER + suffix,
    )
    clients = [signed_in(bases[n % 2], name) for n, (name, _) in enumerate(people)]
    start, errors, holders = threading.Barrier(len(people)), [], []

    def work(n: int, slug: str, client: httpx.Client) -> None:
        try:
            turn = n  # the load balancer's turn: requests go to the processes in turn
            page = f"/departments/{slug}/today"
            pause = random.Random(n)
            start.wait()
            response, seconds = timed_get(client, bases[turn % 2] + page)
            figures.add(first, seconds)
            shown = re.search(
                r"应提醒 <strong>[\d,]+</strong> 张证照、<strong>([\d,]+)</strong> 户", response.text
            )
            holders.append(int(shown.group(1).replace(",", "")) if shown else 0)
            for r in range(rounds):
                if think:
                    time.sleep(think * pause.uniform(0.5, 1.5))
                forms = re.findall(r'<form class="inline record".*?</form>', response.text, re.S)
                csrf = re.search(r'name="csrf" value="([^"]+)"', response.text)
                if not forms or csrf is None:
                    return
                picks = re.findall(r'name="c" value="([^"]+)"', forms[r % len(forms)])
                result = "未接通" if no_answer and (n + r) % no_answer == no_answer - 1 else "已告知"
                data = {"csrf": csrf.group(1), "c": picks, "result": result,
                        "channel": "电话", "remark": ""}  # fmt: skip
                turn += 1
                began = time.perf_counter()
                answer = client.post(bases[turn % 2] + page + "/record", data=data)
                figures.add(record, time.perf_counter() - began)
                if answer.status_code != 303:
                    raise RuntimeError(f"登记失败：{answer.status_code} {answer.text[:300]}")
                turn += 1
                response, seconds = timed_get(client, bases[turn % 2] + answer.headers["location"])
                figures.add(after, seconds)
        except BaseException as error:  # reported after the threads are joined
            errors.append(error)
            start.abort()

    threads = [
        threading.Thread(target=work, args=(n, slug, client))
        for n, ((_, slug), client) in enumerate(zip(people, clients, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    if errors:
        raise SystemExit(f"科员请求出错：{errors[0]!r}")
    return sum(holders)


def supervision(bases: list[str], figures: Figures, again: int = 3) -> None:
    """督促检查 on each process: this quarter (first computation after the clerks' records, then again), the
    previous quarter (a one-click period, counted with this quarter), and a period of the supervisor's own
    (first computation, then again)."""
    for base in bases:
        with closing(signed_in(base, "inspector")) as inspector:
            for period, label in ((QUARTER, "本季度"), (LAST_QUARTER, "上一季度"), (ANY_PERIOD, "任意期间")):
                figures.add(
                    f"督促检查 {label} 首次计算", timed_get(inspector, f"{base}/supervision?{period}")[1]
                )
                for _ in range(again):
                    figures.add(
                        f"督促检查 {label} 再次打开", timed_get(inspector, f"{base}/supervision?{period}")[1]
                    )


def warmed(bases: list[str], probe_slug: str, figures: Figures) -> None:
    """Wait for each process's warm-up: the inspector opens a department's 今日提醒 none of the clerks uses
    (it waits for that department's plan), then 督促检查 (it waits for every department's figures); the time from the
    process answering /login is printed apart."""
    for base in bases:
        with closing(signed_in(base, "inspector")) as inspector:
            figures.add(
                "启动后首个今日提醒页（等预热完）",
                timed_get(inspector, f"{base}/departments/{probe_slug}/today")[1],
            )
            # The warm-up counts 督促检查 last (every department's 台账 in turn): wait for it, so the clerks'
            # figures are not those of a console still counting at start.
            figures.add("启动后等督促检查预热完", timed_get(inspector, f"{base}/supervision?{QUARTER}")[1])
