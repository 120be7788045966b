"""Benchmark: the 登记簿 and the SMS outbox on SQLite and on PostgreSQL, side by side (issue 22).

Run: .venv/bin/python -m bench.registry_bench [--records 100000] [--database-url postgresql://…]
Without --database-url it starts a throw-away PostgreSQL cluster the way the tests do (tests/pg.py), with fsync
and synchronous commit on, as a server runs. For each backend: records added in batches of 1,000 (one
transaction each, as importing a 台账 or a worklist does), records added one transaction each (a clerk recording
one result: opening the 登记簿 included, as the console does per request), reading every done reminder (what
the day's plan reads), and queueing then claiming 1,000 SMS. Then `jiaozao db copy` of the SQLite 登记簿 into
an empty PostgreSQL database. Prints rates and times.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import date, timedelta
from pathlib import Path

from generator.database import schema
from generator.database.connection import open_postgres
from generator.database.copy import copy_sqlite
from generator.reminders.registry import RegisteredCertificate, Registry, ReminderRecord
from generator.reminders.smsoutbox import Candidate, SmsOutbox

DAY = date(2026, 11, 23)
BATCH = 1000
ONE_BY_ONE = 300
MESSAGES = 1000


def _record(i: int) -> ReminderRecord:
    certificate = RegisteredCertificate(
        f"dept-{i % 300}", f"C-{i}", "采矿许可证", f"持证人{i}", date(2027, 1, 1) + timedelta(days=i % 300)
    )
    result = ("已告知", "未接通", "已发送")[i % 3]
    return ReminderRecord(
        certificate, "首次", "电话", DAY - timedelta(days=i % 90), "张三", result, "", "bench"
    )


def _seconds(work: Callable[[], object]) -> float:
    begun = time.perf_counter()
    work()
    return time.perf_counter() - begun


def measure(target: Path | str, records: int) -> dict[str, str]:
    """Return the figures of one backend, as printable text."""
    figures: dict[str, str] = {}
    with Registry(target) as registry:

        def batches() -> None:
            for start in range(0, records, BATCH):
                registry.add(_record(i) for i in range(start, min(start + BATCH, records)))

        took = _seconds(batches)
        figures[f"add {records:,} records, batches of {BATCH:,}"] = f"{records / took:,.0f}/s ({took:.1f} s)"
        took = _seconds(lambda: len(registry.done_keys()))
        figures["read every done reminder"] = f"{took * 1000:,.0f} ms"

    def one_by_one() -> None:
        for i in range(records, records + ONE_BY_ONE):
            with Registry(target) as registry:
                registry.add_each([_record(i)])

    took = _seconds(one_by_one)
    figures["record one result (open + add)"] = (
        f"{ONE_BY_ONE / took:,.0f}/s ({took / ONE_BY_ONE * 1000:.1f} ms)"
    )
    candidates = [
        Candidate("dept-0", f"持证人{i}", f"138{i:08d}", "签名", "SMS_1", (("name", "x"),), "x",
                  ((_record(i).certificate, "首次"),))
        for i in range(MESSAGES)
    ]  # fmt: skip
    with SmsOutbox(target, "aliyun") as outbox:
        took = _seconds(lambda: outbox.queue(DAY, candidates, 3))
        figures[f"queue {MESSAGES:,} SMS (one transaction)"] = f"{took * 1000:,.0f} ms"

        def claim() -> None:
            waiting = [m.id for m in outbox.waiting(DAY)]
            for start in range(0, len(waiting), 100):  # one call per 100 numbers, as the platforms take them
                outbox.carried(outbox.begin_call(waiting[start : start + 100], DAY))

        took = _seconds(claim)
        figures[f"claim {MESSAGES:,} SMS, 100 a call"] = f"{took * 1000:,.0f} ms"
    return figures


@contextmanager
def _cluster() -> Iterator[tuple[str, Callable[[], str]]]:
    from tests.pg import NotInstalled, cluster

    try:
        with cluster(durable=True) as running:  # fsync on, as a server runs: a fair match for SQLite
            yield running.create(), running.create
    except NotInstalled:
        sys.exit("PostgreSQL 未安装：先运行 .ci/install-postgres，或用 --database-url 指定一个空数据库")


def _upgraded(url: str) -> str:
    with closing(open_postgres(url, check=False)) as db:
        schema.upgrade(db)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: a throw-away cluster)")
    parser.add_argument(
        "--copy-to", help="another empty database for the copy (default: one of the cluster's)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        lite_path = Path(folder) / "登记簿.sqlite"
        lite = measure(lite_path, args.records)
        given = (args.database_url, lambda: str(args.copy_to)) if args.database_url else None
        with _cluster() if given is None else _given(given) as (url, another):
            post = measure(_upgraded(url), args.records)
            copy_target = _upgraded(another())
            with closing(open_postgres(copy_target)) as db:
                begun = time.perf_counter()
                report = copy_sqlite(db, [lite_path])
                took = time.perf_counter() - begun
    print(f"{'':44}{'SQLite':>22}{'PostgreSQL':>22}")
    for name, value in lite.items():
        print(f"{name:44}{value:>22}{post[name]:>22}")
    rows = sum(c.source_rows for c in report.copied)
    print(f"jiaozao db copy of the SQLite 登记簿: {rows:,} rows in {len(report.copied)} tables, {took:.1f} s")
    for copied in report.copied:
        print(f"  {copied.table}: {copied.source_rows:,} → {copied.target_rows:,}")


@contextmanager
def _given(given: tuple[str, Callable[[], str]]) -> Iterator[tuple[str, Callable[[], str]]]:
    yield given


if __name__ == "__main__":
    main()
