"""Benchmark: receipts pushed to the console (/sms/receipts/aliyun/{secret}) as 阿里云 pushes them, 100 a request.

Run: .venv/bin/python -m bench.sms_push_bench [--messages N]   (default 20,000 messages in flight)
Prints: receipts settled per second through the console's push endpoint (each into the outbox and the 登记簿), and
the same receipts pushed again (they change nothing), per second. No target in the issue; the pull (`jiaozao sms
receipts`) has its own benchmark (bench/sms_bench.py).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from contextlib import closing
from datetime import date
from pathlib import Path

from console.app import create_app
from console.background import sms_early
from console.settings import ConsoleSettings
from console.store.db import connect
from generator.config import DEMO_CATALOGS, Settings
from generator.reminders.registry import RegisteredCertificate
from generator.reminders.smsoutbox import Candidate, SmsOutbox
from generator.sms.settings import SmsSettings
from tests.portal.client import AppClient

TODAY = date(2026, 11, 23)
SECRET = "b" * 32
BATCH = 100


def _candidate(i: int) -> Candidate:
    certificate = RegisteredCertificate("anshan", f"N-{i}", "食品经营许可", f"持证人{i}", date(2026, 12, 10))
    return Candidate(
        "anshan", f"持证人{i}", f"139{i:08d}", "鞍山审批", "SMS_100", (("name", f"持证人{i}"),), "提醒",
        ((certificate, "首次"),),
    )  # fmt: skip


def _queue(db: Path, count: int) -> list[dict[str, object]]:
    """Queue and submit `count` messages in calls of 100; return the receipts 阿里云 would push for them."""
    candidates = [_candidate(i) for i in range(count)]
    bodies = []
    with SmsOutbox(db, "aliyun") as outbox:
        outbox.queue(TODAY, candidates, 3)
        waiting = outbox.waiting(TODAY)
        for start in range(0, len(waiting), BATCH):
            keys = [m.id for m in waiting[start : start + BATCH]]
            out_id = outbox.begin_call(keys, TODAY)
            outbox.submitted([(k, f"B{out_id}") for k in keys])
            bodies += [
                {"phone_number": m.phone, "send_time": "2026-11-23 09:30:00", "report_time": "2026-11-23 09:30:05",
                 "success": True, "err_code": "DELIVERED", "err_msg": "用户接收成功", "sms_size": "1",
                 "biz_id": f"B{out_id}", "out_id": out_id}
                for m in waiting[start : start + BATCH]
            ]  # fmt: skip
    return bodies


def _push(client: AppClient, receipts: list[dict[str, object]]) -> float:
    started = time.perf_counter()
    for start in range(0, len(receipts), BATCH):
        body = json.dumps(receipts[start : start + BATCH], ensure_ascii=False).encode("utf-8")
        answer = client.post(f"/sms/receipts/aliyun/{SECRET}", content=body)
        assert answer.status_code == 200, answer.text
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20_000)
    count = parser.parse_args().messages
    with tempfile.TemporaryDirectory(prefix="sms-push-bench-") as scratch:
        root = Path(scratch)
        inputs = Settings(
            DEMO_CATALOGS, DEMO_CATALOGS / "_ledgers", db=root / "登记簿.sqlite", out=root / "out"
        )
        receipts = _queue(inputs.db, count)
        settings = ConsoleSettings(
            inputs=inputs, site=root / "site", src=root / "src", index=root / "index", db=root / "console.sqlite",
            today=TODAY, sms=SmsSettings("aliyun", "http://127.0.0.1:9", "id", "key", "", 3, 2.0),
            sms_push_secret=SECRET,
        )  # fmt: skip
        app = create_app(settings, start_jobs=False)
        client = AppClient(app, "127.0.0.1")
        try:
            first = _push(client, receipts)
            again = _push(client, receipts)
        finally:
            client.close()
            app.state.console.close()
        with SmsOutbox(inputs.db, "aliyun") as outbox:
            delivered = sum(1 for m in outbox.messages() if m.state == "已送达")
        with closing(connect(settings.db)) as db:
            kept = sms_early.count(db)
    print(f"在途短信 {count:,} 条，每次推送 {BATCH} 条回执")
    print(f"首次推送：{count / first:8,.0f} 条/秒（{first:.1f} s），已送达 {delivered:,} 条")
    print(
        f"重复推送：{count / again:8,.0f} 条/秒（{again:.1f} s，不再改动任何记录；留待重试的回执 {kept} 条）"
    )


if __name__ == "__main__":
    main()
