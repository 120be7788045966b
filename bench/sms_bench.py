"""Benchmark: the day's reminder SMS for many due holders sent through a local fake 腾讯云 and their receipts
settled, by the same workflows as `jiaozao sms send` and `jiaozao sms receipts`.

Run: .venv/bin/python -m bench.sms_bench [--holders N]   (default 100,000 holders, each due today with a mobile number)
Prints: messages per second for sending (outbox writes, 200 numbers a SendSms call through the official SDK) and for
settling (PullSmsSendStatus, each receipt into the outbox and the 登记簿), the time to plan the day (read the 台账,
due reminders — counted apart), peak memory (ru_maxrss of this process; the fake platform runs in a child process of its own), and that a
second `sms send` sends nothing. Targets (issue 20): ≥ 2,000 per second both, peak memory under 500 MB.
The fake is tests/smsfake.py on 127.0.0.1; it answers a pull with every receipt not pulled yet.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import shutil
import tempfile
import time
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path

import openpyxl

from generator.config import DEMO_CATALOGS, Settings
from generator.ledger.schema import PLAIN_HEADERS
from generator.reminders.smsoutbox import SmsOutbox
from generator.sms.settings import SmsSettings
from generator.workflows.sms import plan_sms, send_sms, settle_sms
from tests.smsfake import FakeSms

TODAY = date(2026, 11, 23)
PEAKS: dict[str, float] = {}


def _peak(stage: str) -> None:
    PEAKS[stage] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


DEPARTMENT = "anshan-weijian"
TEMPLATE = "\n短信签名: 鞍山审批\n短信模板编号: '1234567'\n短信模板参数:\n  '1': '{期满日期}'\n"
HEADER = list(PLAIN_HEADERS)


def _inputs(root: Path, holders: int) -> Settings:
    catalogs = root / "catalogs"
    shutil.copytree(DEMO_CATALOGS, catalogs, ignore=shutil.ignore_patterns("_ledgers"))
    yaml = catalogs / DEPARTMENT / "department.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + TEMPLATE, encoding="utf-8")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for i in range(holders):
        sheet.append(
            [f"持证人{i}", "公共场所卫生许可延续", f"WJ-B-{i}", "2026-12-10", "联系人", f"139{i:08d}", "", ""]
        )
    (root / "ledgers").mkdir()
    book.save(root / "ledgers" / f"{DEPARTMENT}.xlsx")
    return Settings(
        catalogs, root / "ledgers", db=root / "登记簿.sqlite", out=root / "out", cache=root / "cache"
    )


def _platform(conn: Connection) -> None:
    """Run the fake 腾讯云 in its own process (its memory is not the sender's); answer with what it took."""
    fake = FakeSms("tencent")
    conn.send(fake.start())
    while conn.recv() != "stop":
        conn.send((fake.calls, len(fake.sent), len(fake.per_number())))
    fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--holders", type=int, default=100_000)
    holders = parser.parse_args().holders
    conn, child_end = multiprocessing.Pipe()
    child = multiprocessing.get_context("fork").Process(target=_platform, args=(child_end,), daemon=True)
    child.start()
    endpoint = conn.recv()
    sms = SmsSettings("tencent", endpoint, "id", "secret", "1400000000", 3, 30.0)
    try:
        with tempfile.TemporaryDirectory(prefix="sms-bench-") as scratch:
            started = time.perf_counter()
            settings = _inputs(Path(scratch), holders)
            written = time.perf_counter() - started
            _peak("台账")
            started = time.perf_counter()
            plan = plan_sms(settings, sms, TODAY)
            planned = time.perf_counter() - started
            _peak("计划")
            due = sum(len(d.candidates) for d in plan.departments)
            del plan  # what `jiaozao sms send --dry-run` shows; sending plans again, as the command does
            started = time.perf_counter()
            sent = send_sms(settings, sms, TODAY)
            sending = time.perf_counter() - started
            submitted = sent.submitted
            del sent  # the command prints the plan and ends; receipts are another run
            _peak("发送")
            started = time.perf_counter()
            settled = settle_sms(settings, sms, TODAY)
            settling = time.perf_counter() - started
            _peak("回执")
            conn.send("stats")
            calls, _, _ = conn.recv()
            again = send_sms(settings, sms, TODAY)
            with SmsOutbox(settings.db, "tencent") as outbox:
                states: dict[str, int] = {}
                for m in outbox.messages():
                    states[m.state] = states.get(m.state, 0) + 1
            conn.send("stats")
            calls_after, taken, numbers = conn.recv()
    finally:
        conn.send("stop")
        child.join(30)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"应提醒持证人 {holders:,} 户（台账写出 {written:.1f} s），平台计划 {due:,} 条，计划用时 {planned:.1f} s"
    )
    print(
        f"发送：{submitted:,} 条，{submitted / sending:8,.0f} 条/秒（{sending:.1f} s，含再次计划当天名单），"
        f"平台调用 {calls:,} 次"
    )
    print(
        f"回执：已送达 {settled.delivered:,} 条，{settled.delivered / settling:8,.0f} 条/秒（{settling:.1f} s）"
    )
    print(f"发件箱：{states}；平台收到 {taken:,} 条，号码 {numbers:,} 个")
    print(f"再次发送：提交 {again.submitted} 条，平台调用增加 {calls_after - calls} 次")
    stages = "，".join(f"{k}后 {v:,.0f} MB" for k, v in PEAKS.items())
    print(
        f"峰值内存：{peak:,.0f} MB（ru_maxrss，发送和收回执的进程；{stages}）；"
        f"假平台另一进程 {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:,.0f} MB"
    )


if __name__ == "__main__":
    main()
