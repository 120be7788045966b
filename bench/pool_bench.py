"""Benchmark: the console's PostgreSQL connection pool (JIAOZAO_DATABASE_POOL_SIZE) with one slow statement.

Run: .venv/bin/python -m bench.pool_bench [--lookups 40] [--slow 0.5] [--database-url postgresql://…]
Without --database-url it starts a throw-away cluster as bench/database_bench.py does. One thread runs a slow
statement (pg_sleep, as a heavy report query would) over and over while 4 threads look sessions up (the work of
every page view); prints the look-ups' median and slowest time and their rate, for pool sizes 1 and 4.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from contextlib import closing

from bench.database_bench import PASSWORD, _cluster, _given
from console.store import sessions, users
from console.store.db import connect
from generator.database import schema
from generator.database.connection import open_postgres

THREADS = 4


def measure(url: str, size: int, lookups: int, slow: float) -> tuple[float, float, float]:
    """Return (median ms, slowest ms, look-ups per second) with a pool of size sessions."""
    db = connect(url, size)
    try:
        admin = users.find(db, "admin") or users.add_user(db, "admin", users.Role.ADMIN, [], PASSWORD, ())
        cookie = sessions.start(db, admin)
        stop, times = threading.Event(), []
        lock = threading.Lock()

        def slow_query() -> None:
            while not stop.is_set():
                db.execute(f"SELECT pg_sleep({slow})")

        def look_up() -> None:
            for _ in range(lookups // THREADS):
                begun = time.perf_counter()
                sessions.resume(db, cookie, 1800, 28800)
                with lock:
                    times.append(time.perf_counter() - begun)

        slow_thread = threading.Thread(target=slow_query)
        slow_thread.start()
        time.sleep(0.1)  # the slow statement is under way first
        workers = [threading.Thread(target=look_up) for _ in range(THREADS)]
        begun = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - begun
        stop.set()
        slow_thread.join()
        return statistics.median(times) * 1000, max(times) * 1000, len(times) / elapsed
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lookups", type=int, default=40)
    parser.add_argument("--slow", type=float, default=0.5, help="seconds of the slow statement")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: a throw-away cluster)")
    args = parser.parse_args()
    with _cluster() if not args.database_url else _given(args.database_url) as url:
        with closing(open_postgres(url, check=False)) as db:
            schema.upgrade(db)
        print(
            f"{args.lookups} session look-ups in {THREADS} threads, a {args.slow:g} s statement running beside"
        )
        print(f"{'pool size':>10}{'median':>12}{'slowest':>12}{'rate':>12}")
        for size in (1, 4):
            median, slowest, rate = measure(url, size, args.lookups, args.slow)
            print(f"{size:>10}{median:>9.2f} ms{slowest:>9.0f} ms{rate:>10.0f}/s")


if __name__ == "__main__":
    main()
