"""Benchmark: what large 台账 uploads cost a real console (issue 18, item 6).

Run: .venv/bin/python -m bench.upload_cost_bench [--mb 23] [--parallel 4]

Starts `jiaozao console` (uvicorn on 127.0.0.1) over a copy of the demo data with one clerk per department,
writes for each department a 台账 .csv of about --mb megabytes (its demo rows repeated under new numbers), then
has --parallel clerks upload theirs at the same moment, and one clerk a .xlsx of the same rows alone.
Prints: each upload's answer and time, the console's peak memory (VmHWM) before and after, the size of the
console database, and the size of the result page.
Targets (issue 18): uploads bounded — no more checks at once than allowed (the others answered at once), the
result page small, memory within a few uploads' worth.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from contextlib import closing
from datetime import date
from pathlib import Path

import httpx
import openpyxl

from bench.login_flood import built_demo, console_pid, peak_mb
from console.store import users
from console.store.db import connect
from portal.rules.text import decode_text
from tests.browser import running_jiaozao

TODAY = date(2026, 11, 23)
PASSWORD = "Bench-lantern-harbor-7"
DEPARTMENTS = ("anshan", "dongli", "lvliang", "anshan-weijian")


def demo_rows(ledgers: Path, slug: str) -> list[list[str]]:
    """Return a department's demo 台账 rows (header first) as text."""
    found = sorted(ledgers.glob(f"{slug}.*"))
    if found[0].suffix == ".csv":
        text = decode_text(found[0].read_bytes())  # the demo's 东丽 file is GBK, as staff's often are
        assert text is not None
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    sheet = openpyxl.load_workbook(found[0], read_only=True).active
    assert sheet is not None
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    return [r for r in rows if any(r)]


def big_csv(rows: list[list[str]], megabytes: float) -> bytes:
    """The rows repeated (each copy's 证照编号 made unique) until the file holds about megabytes."""
    numbered = ("编号", "证号")  # 证照编号, 许可证编号, 证号: each department names it its own way
    header_at = next(i for i, r in enumerate(rows) if any(n in c for c in r for n in numbered))
    header, body = rows[header_at], rows[header_at + 1 :]
    number = next(i for i, c in enumerate(header) if any(n in c for n in numbered))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    copy = 0
    while out.tell() < megabytes * 1_000_000:
        for row in body:
            changed = list(row)
            changed[number] = f"{row[number]}-B{copy}"
            writer.writerow(changed)
        copy += 1
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(content: bytes) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def signed_in(base: str, name: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=600)
    token = re.search(r'name="token" value="([^"]+)"', client.get("/login").text)
    assert token
    assert (
        client.post("/login", data={"token": token.group(1), "name": name, "password": PASSWORD}).status_code
        == 303
    )
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get(f"/departments/{name[6:]}/ledger").text)
    assert csrf
    return client, csrf.group(1)


def upload(base: str, slug: str, name: str, content: bytes, results: dict[str, str]) -> None:
    client, csrf = signed_in(base, f"clerk_{slug}")
    started = time.perf_counter()
    answer = client.post(f"/departments/{slug}/ledger", data={"csrf": csrf}, files={"file": (name, content)})
    seconds = time.perf_counter() - started
    page = ""
    if answer.status_code == 303:
        shown = client.get(answer.headers["location"])
        page = f"，结果页 {len(shown.content) / 1000:.0f} KB"
    results[slug] = f"{answer.status_code}，{seconds:.1f} s{page}"
    client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=23)
    parser.add_argument("--parallel", type=int, default=4)
    options = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="jiaozao-uploads-"))
    try:
        db_path, args = built_demo(root)
        catalogs = root / "catalogs"
        slugs = DEPARTMENTS[: options.parallel]
        with closing(connect(db_path)) as db:
            for slug in slugs:
                users.add_user(db, f"clerk_{slug}", users.Role.CLERK, [slug], PASSWORD, DEPARTMENTS)
        files = {slug: big_csv(demo_rows(catalogs / "_ledgers", slug), options.mb) for slug in slugs}
        xlsx = as_xlsx(files[slugs[0]])
        with running_jiaozao(
            args, "/login", env={"PYTHONPATH": os.getcwd()}, cwd=root, stop_seconds=60
        ) as base:
            pid = console_pid(int(base.rsplit(":", 1)[1]))
            before = peak_mb(pid)
            results: dict[str, str] = {}
            started = time.perf_counter()
            threads = [
                threading.Thread(target=upload, args=(base, slug, "导出.csv", files[slug], results))
                for slug in slugs
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            sizes = "、".join(f"{len(files[s]) / 1e6:.0f} MB" for s in slugs)
            print(f"{len(slugs)} 份 .csv 台账（{sizes}）同时上传，共 {time.perf_counter() - started:.1f} s：")
            for slug in slugs:
                print(f"  {slug}：{results.get(slug, '没有答复')}")
            print(f"  工作台内存峰值（VmHWM）：之前 {before:.0f} MB，之后 {peak_mb(pid):.0f} MB")
            one: dict[str, str] = {}
            upload(base, slugs[0], "导出.xlsx", xlsx, one)
            print(f"1 份 .xlsx 台账（{len(xlsx) / 1e6:.0f} MB）单独上传：{one[slugs[0]]}")
            print(f"  工作台内存峰值（VmHWM）：{peak_mb(pid):.0f} MB")
        size = sum(p.stat().st_size for p in db_path.parent.glob("console.sqlite*"))
        print(f"工作台数据库（含 -wal）：{size / 1e6:.0f} MB")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
