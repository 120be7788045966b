"""Contacts only for the department's own staff, on every page and download; GET and HEAD never write (issue 18)."""

from __future__ import annotations

import hashlib
import html
import io
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import httpx
import openpyxl
from starlette.applications import Starlette
from starlette.routing import Route

from console.settings import ConsoleSettings
from console.state.inputs import today_of
from generator.database import open_database
from generator.reminders.registry import Registry
from generator.workflows.remind import load_day
from tests.console.conftest import PEOPLE, Clients, Staff, text_of
from tests.console.today_helpers import holder_forms

D = "/departments/anshan"
NEW_CONTACT, NEW_PHONE = "欧阳娜娜", "13912345678"  # what the uploaded 台账 changes row 4's contact to
OLD_CONTACT, OLD_PHONE = "诸葛涛", "15285952273"  # row 4's contact in the demo 台账


def _dept_urls(upload: int, catalog_upload: int, number: str) -> dict[str, str]:
    """Every GET address of a department in console/app.py, with values that exist after _day_of_work."""
    return {
        "/departments/{slug}": D,
        "/departments/{slug}/catalog": f"{D}/catalog",
        "/departments/{slug}/catalog/file": f"{D}/catalog/file",
        "/departments/{slug}/catalog/template": f"{D}/catalog/template",
        "/departments/{slug}/catalog/uploads/{id}": f"{D}/catalog/uploads/{catalog_upload}",
        "/departments/{slug}/catalog/uploads/{id}/problems.xlsx": f"{D}/catalog/uploads/{catalog_upload}/problems.xlsx",
        "/departments/{slug}/catalog/versions/{id}/file": f"{D}/catalog/versions/1/file",
        "/departments/{slug}/ledger": f"{D}/ledger",
        "/departments/{slug}/ledger/uploads/{id}": f"{D}/ledger/uploads/{upload}",
        "/departments/{slug}/ledger/uploads/{id}/problems.xlsx": f"{D}/ledger/uploads/{upload}/problems.xlsx",
        "/departments/{slug}/ledger/versions/{id}/file": f"{D}/ledger/versions/1/file",
        "/departments/{slug}/facts": f"{D}/facts",
        "/departments/{slug}/today": f"{D}/today",
        "/departments/{slug}/today/worklist.xlsx": f"{D}/today/worklist.xlsx",
        "/departments/{slug}/today/sms.csv": f"{D}/today/sms.csv",
        "/departments/{slug}/today/letters": f"{D}/today/letters",
        "/departments/{slug}/today/letters/{n}": f"{D}/today/letters/1",
        "/departments/{slug}/unreachable": f"{D}/unreachable",
        "/departments/{slug}/unreachable.xlsx": f"{D}/unreachable.xlsx",
        "/departments/{slug}/sms": f"{D}/sms",
        "/departments/{slug}/records": f"{D}/records",
        "/departments/{slug}/records.xlsx": f"{D}/records.xlsx",
        "/departments/{slug}/certificates/{number}": f"{D}/certificates/{number}",
        "/supervision/{slug}": "/supervision/anshan",
        "/supervision/{slug}/{figure}": "/supervision/anshan/due",
        "/supervision-loop/{slug}/{figure}": "/supervision-loop/anshan/closed",
    }


def _get_paths(app: Starlette) -> set[str]:
    return {r.path for r in app.routes if isinstance(r, Route) and r.methods and "GET" in r.methods}


def _day_of_work(app: Starlette, settings: ConsoleSettings, clients: Clients) -> tuple[Staff, int, int, str]:
    """The department's clerk makes the day's files, records one holder, uploads and accepts a 台账 changing a
    contact, uploads a 目录; return her client, the two upload ids and a certificate number with a record."""
    clerk = clients(app, "clerk_a")
    assert clerk.submit(f"{D}/today/files").status_code == 303
    picks = holder_forms(clerk.get(f"{D}/today").text)[0]
    answer = clerk.submit(f"{D}/today/record", {"c": picks, "result": "已告知", "channel": "电话"})
    assert answer.status_code == 303
    number = picks[0].split("\t")[0]
    book = openpyxl.load_workbook(settings.inputs.ledgers / "anshan.xlsx")
    sheet = book.active
    assert (sheet.cell(4, 8).value, sheet.cell(4, 9).value) == (OLD_CONTACT, OLD_PHONE)
    sheet.cell(4, 8).value, sheet.cell(4, 9).value = NEW_CONTACT, NEW_PHONE
    out = io.BytesIO()
    book.save(out)
    location = clerk.submit(f"{D}/ledger", files={"file": ("导出.xlsx", out.getvalue())}).headers["location"]
    upload = int(location.rsplit("/", 1)[1])
    assert clerk.submit(location + "/accept").status_code == 303
    catalog = (settings.inputs.catalogs / "anshan" / "catalog.xlsx").read_bytes()
    where = clerk.submit(f"{D}/catalog", files={"file": ("目录.xlsx", catalog)}).headers["location"]
    return clerk, upload, int(where.rsplit("/", 1)[1]), number


def _text(response: httpx.Response) -> str:
    """Return what a person reads in a page or a download (every cell of a workbook)."""
    kind = response.headers.get("content-type", "")
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        return "\n".join(
            str(v)
            for s in book.worksheets
            for row in s.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
    if "text/csv" in kind:
        return response.content.decode("utf-8-sig")
    if "text/" in kind or "json" in kind:
        return html.unescape(text_of(response.text)) + response.text
    return response.content.decode("latin-1")  # a file as it came: any contact in it shows as its bytes


def _contacts(settings: ConsoleSettings) -> dict[str, set[str]]:
    """Return the department's contacts in its 台账, by field: names never part of a holder's name shown."""
    inputs = load_day(settings.inputs, today_of(settings)).inputs
    ledger, items = inputs.ledger, inputs.catalogs.items
    rows = [i for i in range(len(ledger)) if items[int(ledger.item[i])].department == "anshan"]
    holders = " ".join(ledger.holder[i] for i in rows)
    found = {
        "联系人": {ledger.contact[i] for i in rows if len(ledger.contact[i]) >= 2},
        "电话": {ledger.phone[i] for i in rows if len(ledger.phone[i]) >= 7},
        "邮箱": {ledger.email[i] for i in rows if ledger.email[i]},
        "身份证号": {ledger.id_number[i] for i in rows if ledger.id_number[i]},
    }
    found["联系人"] = {c for c in found["联系人"] if c not in holders}
    return found


def test_only_the_departments_own_clerk_sees_its_contacts_on_every_page_and_download(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk, upload, catalog_upload, number = _day_of_work(quiet_app, settings, clients)
    urls = _dept_urls(upload, catalog_upload, number)
    assert {p for p in _get_paths(quiet_app) if "{slug}" in p} == set(urls)  # a new page must be listed here
    secret = _contacts(settings)
    assert NEW_CONTACT in secret["联系人"] and NEW_PHONE in secret["电话"] and len(secret["电话"]) > 100
    secret["联系人"].add(OLD_CONTACT)  # still named in the upload's preview (修改: 联系人 诸葛涛→欧阳娜娜)
    secret["电话"].add(OLD_PHONE)
    for name in ("inspector", "admin"):
        reader = clients(quiet_app, name)
        for url in urls.values():
            response = reader.get(url)
            assert response.status_code in (200, 303, 403, 404), (name, url, response.status_code)
            text = _text(response)
            for field, values in secret.items():
                leaked = sorted(v for v in values if v in text)
                assert not leaked, (name, url, field, leaked[:5])
    seen = {url: _text(clerk.get(url)) for url in (f"{D}/ledger?q=AS-14-2012-000085", f"{D}/today",
                                                  f"{D}/today/worklist.xlsx", f"{D}/today/sms.csv",
                                                  f"{D}/certificates/{number}")}  # fmt: skip
    for url, text in seen.items():
        assert any(p in text for p in secret["电话"]), url  # her own department's phones, unmasked
    assert NEW_CONTACT in seen[f"{D}/ledger?q=AS-14-2012-000085"]
    upload_page = clerk.get(f"{D}/ledger/uploads/{upload}").text
    assert f"联系人 {OLD_CONTACT}→{NEW_CONTACT}" in upload_page
    assert "联系人 诸葛*→欧阳**" in clients(quiet_app, "inspector").get(f"{D}/ledger/uploads/{upload}").text
    assert clerk.get(f"{D}/ledger/versions/1/file").status_code == 200
    other = clients(quiet_app, "clerk_b")  # another department's clerk does not read the page at all
    assert other.get(f"{D}/ledger").status_code == 403


def _out_files(settings: ConsoleSettings) -> dict[str, str]:
    root = settings.inputs.out
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder"
        for p in sorted(root.rglob("*"))
    }


def _registry(db: Path | str) -> object:
    """Return the 登记簿's content (every row of every table), its file's digest and its files (-wal, -shm); on
    PostgreSQL, every row of its tables."""
    if isinstance(db, str):
        with closing(open_database(db)) as connection:
            return [
                sorted(map(tuple, connection.execute(f"SELECT * FROM {table}").fetchall()))
                for table in (
                    "reminders",
                    "planned",
                    "sms_files",
                    "sms_out",
                    "sms_out_items",
                    "sms_pending",
                    "sms_calls",
                )
            ]
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        content = list(connection.iterdump())
    beside = sorted(p.name for p in db.parent.iterdir() if p.name.startswith(db.name))
    return content, hashlib.sha256(db.read_bytes()).hexdigest(), beside


def test_get_and_head_of_every_page_and_download_by_every_role_write_nothing(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk, upload, catalog_upload, number = _day_of_work(quiet_app, settings, clients)
    urls = {p: p for p in _get_paths(quiet_app) if "{" not in p} | _dept_urls(upload, catalog_upload, number)
    urls.update(
        {
            "/jobs/{id}.json": "/jobs/1.json",
            "/jobs/{id}": "/jobs/1",
            "/holidays/previews/{id}": "/holidays/previews/1",
        }
    )
    assert set(urls) == _get_paths(quiet_app)  # a new page must be listed here
    extra = [f"{D}/today/worklist.xlsx?monthly=1", f"{D}/today/sms.csv?monthly=1", "/departments/dongli/today/worklist.xlsx",
             "/departments/dongli/today/sms.csv", "/departments/lvliang/today/worklist.xlsx"]  # fmt: skip
    visitors = [clients(quiet_app, name) for name in PEOPLE] + [clients(quiet_app)]
    out, registry = _out_files(settings), _registry(settings.inputs.registry)
    assert out and any(name.endswith("短信.csv") for name in out)  # the clerk's POST made the day's files
    for visitor in visitors:
        for url in [*urls.values(), *extra]:
            for method in ("GET", "HEAD"):
                response = visitor.request(method, url)
                assert response.status_code < 500, (method, url, response.status_code)
    assert _out_files(settings) == out
    assert _registry(settings.inputs.registry) == registry
    with Registry(
        settings.inputs.registry
    ) as kept:  # the SMS file the clerk made is still the one to confirm
        assert kept.last_sms_file("anshan", settings.today, False) is not None  # type: ignore[arg-type]
    confirm = clerk.submit(f"{D}/today/sms")
    assert confirm.status_code == 200 and re.search(r'name="file" value="\d+"', confirm.text)
