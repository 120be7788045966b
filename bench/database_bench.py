"""Benchmark: the console's own database work on SQLite and on PostgreSQL, side by side (issue 22).

Run: .venv/bin/python -m bench.database_bench [--rows 2000] [--database-url postgresql://…]
Without --database-url it starts a throw-away PostgreSQL cluster the way the tests do (tests/pg.py; Debian's
server from .ci/install-postgres), but with fsync and synchronous commit on, as a server runs. For each backend, one process, one connection as the console holds it:
audit appends (hash chain, one transaction each), session look-ups (the work of every page view), sign-in
counting without the password hash (argon2 is the same on both), and 4 threads appending to the audit log at
once. Prints operations per second and the median time of one, for each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from console.store import audit, sessions, users
from console.store.db import connect
from generator.database import schema
from generator.database.connection import open_postgres

PASSWORD = "Bench-lantern-harbor-7"


def _timed(rows: int, one: Callable[[int], object]) -> tuple[float, float]:
    """Return (operations per second, median milliseconds) of rows calls of one."""
    times = []
    begun = time.perf_counter()
    for i in range(rows):
        start = time.perf_counter()
        one(i)
        times.append(time.perf_counter() - start)
    return rows / (time.perf_counter() - begun), statistics.median(times) * 1000


def _threads(rows: int, target: Path | str) -> float:
    """Return audit appends per second with 4 threads, each on its own connection."""

    def write() -> None:
        with closing(connect(target)) as db:
            for i in range(rows // 4):
                audit.log(db, "bench", "127.0.0.1", "login", detail=str(i))

    workers = [threading.Thread(target=write) for _ in range(4)]
    begun = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return (rows // 4 * 4) / (time.perf_counter() - begun)


def measure(target: Path | str, rows: int) -> dict[str, tuple[float, float]]:
    with closing(connect(target)) as db:
        admin = users.add_user(db, "admin", users.Role.ADMIN, [], PASSWORD, ())
        cookie = sessions.start(db, admin)
        figures = {
            "audit append": _timed(
                rows, lambda i: audit.log(db, "admin", "127.0.0.1", "login", detail=str(i))
            ),
            "session resume": _timed(rows, lambda i: sessions.resume(db, cookie, 1800, 28800)),
            "sign-in count": _timed(
                rows, lambda i: users._count_try(db, "nobody", f"10.0.{i % 250}.{i % 7}")
            ),
        }
    figures["audit append, 4 threads"] = (_threads(rows, target), 0.0)
    return figures


@contextmanager
def _cluster() -> Iterator[str]:
    from tests.pg import NotInstalled, cluster

    try:
        with cluster(durable=True) as running:  # fsync on, as a server runs: a fair match for SQLite
            yield running.create()
    except NotInstalled:
        sys.exit("PostgreSQL 未安装：先运行 .ci/install-postgres，或用 --database-url 指定一个空数据库")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: a throw-away cluster)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        lite = measure(Path(folder) / "console.sqlite", args.rows)
    with _cluster() if not args.database_url else _given(args.database_url) as url:
        with closing(open_postgres(url, check=False)) as db:
            schema.upgrade(db)
        post = measure(url, args.rows)
    print(f"{'':26}{'SQLite':>22}{'PostgreSQL':>22}")
    for name, (rate, median) in lite.items():
        other, other_median = post[name]
        times = (f"{median:7.2f} ms", f"{other_median:7.2f} ms") if median else ("", "")
        print(f"{name:26}{rate:10.0f}/s {times[0]:>10}{other:10.0f}/s {times[1]:>10}")


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


if __name__ == "__main__":
    main()
