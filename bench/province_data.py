"""The inputs of bench/province_bench.py: a province's 目录 and CSV 台账, its 登记簿 rows and its clerks.

Written fast, not through the workflows: the 台账 as CSV by generator.demo (departments in parallel processes),
the 登记簿 rows straight into the registry's `reminders` table (one executemany on SQLite, COPY on PostgreSQL).
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

from console.store import users
from console.store.db import connect
from generator.catalog.load import load_catalogs, load_catalogs_apart
from generator.config import DEMO_CATALOGS, Settings
from generator.demo import LAYOUTS, DemoItem, demo_rows, write_ledger
from generator.pipeline import Inputs, load_inputs
from generator.reminders.due import due_reminders
from generator.reminders.registry import Registry, certificate_key
from generator.schedule import compute_schedule
from generator.workdays import WorkdayCalendar, load_holiday_supplement
from generator.workflows.demo import DEMO_ANCHOR, demo_item

TODAY = date(2026, 11, 23)  # a Monday; the demo's certificates expire from 90 days before 2026-12-01 on
PASSWORD = "Bench-lantern-harbor-7"
ITEMS_EACH = 20  # 目录 rows per department
COLUMNS = (
    "department", "certificate_key", "expires", "number", "certificate", "holder", "kind", "channel",
    "reminded_on", "by_whom", "result", "done", "remark", "source", "recorded_at",
)  # fmt: skip  # the registry's reminders table, as generator/reminders/registry.py declares it
_HEADER = ("序号", "审批事项名称", "证照名称", "审批科室", "证照法定有效期", "首次提醒时限", "二次提醒时限")


def slug(n: int) -> str:
    return f"dept{n:03d}"


def write_inputs(root: Path, certificates: int, departments: int) -> Settings:
    """Write departments 目录 (ITEMS_EACH rows each) and their CSV 台账 (certificates in all) under root."""
    catalogs = root / "catalogs"
    catalogs.mkdir(parents=True)
    demo, _ = load_catalogs(DEMO_CATALOGS)
    pool = [i for i in demo.items if i.department == "anshan"] + [
        i for i in demo.items if i.department != "anshan"
    ]
    shutil.copy(DEMO_CATALOGS / "holidays.csv", catalogs / "holidays.csv")
    shutil.copy(DEMO_CATALOGS / "site.yaml", catalogs / "site.yaml")
    yaml = (DEMO_CATALOGS / "anshan" / "department.yaml").read_text(encoding="utf-8")
    for n in range(1, departments + 1):
        folder = catalogs / slug(n)
        folder.mkdir()
        with (folder / "catalog.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([f"第{n}部门到期前提醒证照目录"])
            writer.writerow(_HEADER)
            for k in range(1, ITEMS_EACH + 1):
                item = pool[(n * 7 + k) % len(pool)]
                second = item.second.text if item.second else "到期前10个工作日"
                writer.writerow([k, f"{item.matter}（{k}）", f"{item.certificate}（{k}）", item.office or "审批科",
                                 item.validity.text, item.first.text, second])  # fmt: skip
        (folder / "department.yaml").write_text(
            yaml.replace("名称: 鞍山市行政审批局", f"名称: 第{n}审批局"), "utf-8"
        )
    loaded, _ = load_catalogs(catalogs)
    jobs = [
        (catalogs / "_ledgers" / f"{slug(n)}.csv", [demo_item(i) for i in loaded.department(slug(n)).items],
         certificates // departments + (1 if n <= certificates % departments else 0), n)
        for n in range(1, departments + 1)
    ]  # fmt: skip
    with ProcessPoolExecutor(2) as pool_:
        list(pool_.map(_write_ledger, jobs))
    return Settings(catalogs, catalogs / "_ledgers", db=root / "var" / "登记簿.sqlite", out=root / "out")


def _write_ledger(job: tuple[Path, list[DemoItem], int, int]) -> None:
    path, items, rows, n = job
    ledger = demo_rows(items, rows, seed=n, anchor=DEMO_ANCHOR, prefix=f"P{n:03d}")
    write_ledger(path, LAYOUTS["anshan"], ledger, varied_dates=False)


def registry_rows(settings: Settings, records: int, departments: int) -> Iterator[tuple[object, ...]]:
    """Yield records rows of the 登记簿, department by department (an equal share each, one department's 台账 in
    memory at a time): its reminders worked up to yesterday (3 in 7 of those due, some late, some 未接通), then
    its earlier certificates' reminders (首次 and 二次, years back) until it has its share."""
    day = TODAY - timedelta(1)
    apart = load_catalogs_apart(settings.catalogs)
    calendar = WorkdayCalendar.build(load_holiday_supplement(settings.holidays)[0])
    now = f"{day.isoformat()} 18:00:00"
    for n in range(1, departments + 1):
        share = records // departments + (1 if n <= records % departments else 0)
        inputs = load_inputs(settings, day, only=slug(n), apart=apart, calendar=calendar)
        yield from _department_rows(inputs, day, share, now)


def _department_rows(inputs: Inputs, day: date, share: int, now: str) -> Iterator[tuple[object, ...]]:
    schedule = compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, day)
    due = due_reminders(inputs.ledger, schedule, inputs.catalogs, set())
    made = 0
    for k, reminder in enumerate(due):
        if k % 7 >= 3 or made >= share:
            continue
        c, on = reminder.certificate, min(reminder.due_on + timedelta(k % 3 * 3), day)
        result = "未接通" if k % 10 == 0 else "已告知"
        yield (*c.key, c.number, c.certificate, c.holder, reminder.kind, "电话", on.isoformat(), "基准",
               result, int(result == "已告知"), "", "bench", now)  # fmt: skip
        made += 1
    del due, schedule
    ledger, items = inputs.ledger, inputs.catalogs.items
    years_back = 0
    while made < share and len(ledger):
        years_back += 1
        for i in range(len(ledger)):
            item = items[ledger.item[i]]
            expires = date.fromordinal(int(ledger.expires[i]) - 3 * 365 * years_back)
            for kind, before in (("首次", 90), ("二次", 20)):
                if made >= share:
                    return
                on = expires - timedelta(before)
                result = "未接通" if (i + before) % 10 == 0 else "已告知"
                key = certificate_key(ledger.number[i], ledger.holder[i], item.certificate)
                yield (item.department, key, expires.isoformat(), ledger.number[i], item.certificate,
                       ledger.holder[i], kind, "电话", on.isoformat(), "基准", result, int(result == "已告知"), "",
                       "bench", now)  # fmt: skip
                made += 1


def fill_sqlite(path: Path, rows: Iterable[tuple[object, ...]]) -> None:
    """Make the 登记簿 file (its tables as the registry makes them) and insert rows in one transaction."""
    Registry(path).close()
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("BEGIN")
        db.executemany(f"INSERT INTO reminders ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * 15)})", rows)
        db.execute("COMMIT")


def fill_postgres(url: str, rows: Iterable[tuple[object, ...]]) -> None:
    """COPY rows into the reminders table of an upgraded PostgreSQL database, in one transaction; ANALYZE it."""
    import psycopg

    with (
        psycopg.connect(url) as db,
        db.cursor().copy(f"COPY reminders ({', '.join(COLUMNS)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("ANALYZE reminders")  # planner statistics, as jiaozao db copy leaves them


def add_people(database: Path | str, clerks: int, departments: int) -> list[tuple[str, str]]:
    """Add clerk01… (each of its own department) and an inspector; return (name, department) of the clerks."""
    known = tuple(slug(n) for n in range(1, departments + 1))
    people = [(f"clerk{n:02d}", slug(n)) for n in range(1, clerks + 1)]
    with closing(connect(database)) as db:
        for name, department in people:
            users.add_user(db, name, users.Role.CLERK, [department], PASSWORD, known)
        users.add_user(db, "inspector", users.Role.INSPECTOR, [], PASSWORD, known)
    return people
