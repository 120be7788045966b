"""Benchmark: the console's 今日提醒 at province scale — 1,000,000 certificates, ~2,000 due, ~117,000 records.

Run: .venv/bin/python -m bench.console_bench --today [--rows N]   (the data of bench/remind_bench: a fictional
鞍山 ledger as .csv, written on first run into bench/.cache/, and a 登记簿 holding every reminder due up to the
previous working day as done)
Prints: loading and planning the day when the console starts (not a page view), the department's today page
(first view, later views, a view right after a record), and recording one result (the POST, audit included).
Targets (issue 14): today page ≤ 500 ms; recording one result ≤ 200 ms.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from bench.remind_bench import DONE_UP_TO, TODAY, csv_ledger, fill_registry
from console.app import create_app
from console.settings import ConsoleSettings
from console.state import plans
from console.store import users
from console.store.db import connect
from console.today import calls
from generator.config import DEMO_CATALOGS, Settings

PASSWORD = "Bench-lantern-harbor-7"
PAGE = "/departments/anshan/today"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f} ms"


def _timed(action: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def bench_today(rows: int, client_class: Any, sign_in: Any) -> None:
    """Time the today page and recording one result on the remind benchmark's data."""
    ledger = csv_ledger(rows)
    with tempfile.TemporaryDirectory(prefix="today-bench-") as scratch:
        root = Path(scratch)
        inputs = Settings(DEMO_CATALOGS, ledger, db=root / "登记簿.sqlite", out=root / "out")
        started = time.perf_counter()
        recorded = fill_registry(ledger, inputs.db)
        print(
            f"登记簿预置：{recorded:,} 条截至 {DONE_UP_TO} 已完成的提醒（{time.perf_counter() - started:.1f} s，不计时）"
        )
        settings = ConsoleSettings(
            inputs=inputs, site=root / "site", src=root / "src", index=root / "index", db=root / "console.sqlite",
            today=TODAY,
        )  # fmt: skip
        with closing(connect(settings.db)) as db:
            users.add_user(db, "clerk001", users.Role.CLERK, ["anshan"], PASSWORD, ("anshan",))
        _, load = _timed(lambda: plans.warm(settings, "anshan"))  # what the console does once, when it starts
        app = create_app(settings, start_jobs=False)
        client = client_class(app)
        try:
            sign_in(client, "clerk001")
            first = _timed(lambda: client.get(PAGE))
            assert first[0].status_code == 200, first[0].text[:500]
            counts = re.search(
                r"应提醒 <strong>(\d+)</strong> 张证照、<strong>(\d+)</strong> 户", first[0].text
            )
            later = [_timed(lambda: client.get(PAGE))[1] for _ in range(5)]
            csrf = re.search(r'name="csrf" value="([^"]+)"', first[0].text)
            assert counts and csrf
            records, after = [], []
            for n in range(10):  # different holders; one in two is done and leaves the list, the other stays
                page = client.get(PAGE).text
                forms = re.findall(r'<form class="inline record".*?</form>', page, re.S)
                picks = re.findall(r'name="c" value="([^"]+)"', forms[n])
                result = "已告知" if n % 2 == 0 else "未接通"
                data = {"csrf": csrf.group(1), "c": picks, "result": result, "channel": "电话", "remark": ""}
                response, seconds = _timed(lambda: client.post(f"{PAGE}/record", data=data))  # noqa: B023
                assert response.status_code == 303, response.text[:500]
                records.append(seconds)
                after.append(_timed(lambda: client.get(PAGE))[1])
            told = next(e for e in calls.today_entries(settings, "anshan") if e.record.result == "已告知")
            fix = {"csrf": csrf.group(1), "result": "未接通", "channel": "电话", "remark": "记错了"}
            corrected = _timed(
                lambda: client.post(f"/departments/anshan/records/{told.id}/correct", data=fix)
            )
            assert corrected[0].status_code == 303, corrected[0].text[:500]
            # a done record corrected: the day is planned again
            replanned = _timed(lambda: client.get(PAGE))[1]
            number = told.record.certificate.number
            ledger_book = [
                _timed(lambda: client.get("/departments/anshan/records"))[1],
                _timed(lambda: client.get("/departments/anshan/records?result=未接通&start=2027-03-10"))[1],
                _timed(lambda: client.get(f"/departments/anshan/certificates/{number}"))[1],
            ]
        finally:
            client.close()
            app.state.console.close()
    print(f"台账 {rows:,} 行；{TODAY} 应提醒 {int(counts.group(1)):,} 张证照、{int(counts.group(2)):,} 户")
    print(f"工作台启动时读入台账、排好当天的计划（不计入页面） {load:6.1f} s")
    print(f"今日提醒页（首次打开）              {_ms(first[1])}   目标 ≤ 500 ms")
    print(f"今日提醒页（之后）                  中位数 {_ms(statistics.median(later))}")
    print(
        f"今日提醒页（刚登记一条之后）        中位数 {_ms(statistics.median(after))}，最慢 {_ms(max(after))}   目标 ≤ 500 ms"
    )
    print(f"更正一条已完成的记录 {_ms(corrected[1])}；之后的今日提醒页（重新排当天的计划） {_ms(replanned)}")
    print(
        f"登记簿第一页 {_ms(ledger_book[0])}；按结果和日期查找 {_ms(ledger_book[1])}；一张证照的页面 {_ms(ledger_book[2])}"
    )
    print(
        f"登记一条结果（含操作日志）          中位数 {_ms(statistics.median(records))}，最慢 {_ms(max(records))}   目标 ≤ 200 ms"
    )
