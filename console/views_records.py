"""登记簿: a department's reminder records searched and exported, and one certificate's dates and reminders."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console import certificates, daywork, errors, privacy
from console.paging import page_of
from console.views_catalog import download
from console.web import Console

PAGE = 100
HEADERS = (
    "记录编号", "证照编号", "持证单位（个人）", "证照名称", "期满日期", "提醒类别", "提醒方式", "提醒日期",
    "提醒人", "联系结果", "备注", "来源", "登记时间", "更正", "已被更正",
)  # fmt: skip


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return ""


def _filters(request: Request) -> dict[str, str]:
    q = request.query_params
    result = q.get("result", "")
    return {
        "number": q.get("number", "").strip()[:64],
        "holder": q.get("holder", "").strip()[:64],
        "start": _day(q.get("start", "")),
        "end": _day(q.get("end", "")),
        "result": result if result in daywork.RESULTS else "",
    }


def _where(f: dict[str, str]) -> tuple[str, tuple[object, ...]]:
    """Return the SQL condition and values for the filters: values are bound, never written into the SQL."""
    clauses, values = [], list[object]()
    for key, op in (
        ("number", "instr(number, ?) > 0"), ("holder", "instr(holder, ?) > 0"), ("start", "reminded_on >= ?"),
        ("end", "reminded_on <= ?"), ("result", "result = ?"),
    ):  # fmt: skip
        if f[key]:
            clauses.append(op)
            values.append(f[key])
    return " AND ".join(clauses), tuple(values)


def _search(console: Console, slug: str, f: dict[str, str]) -> list[daywork.Entry]:
    where, values = _where(f)
    return daywork.entries(console.settings, slug, where, values)


async def records_page(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.readable(request, slug)
    f = _filters(request)
    where, values = _where(f)
    matched = await run_in_threadpool(daywork.count, console.settings, slug, where, values)
    page = page_of(request.query_params.get("page"), matched, PAGE)
    found = await run_in_threadpool(
        lambda: daywork.entries(
            console.settings, slug, where, values, newest_first=True, limit=PAGE, offset=page.offset
        )
    )
    sees = privacy.sees_contacts(visit.user, slug)
    return console.page(
        request, "records.html", slug=slug, f=f, entries=[privacy.entry_for(e, sees) for e in found],
        matched=matched, page=page.number, pages=page.pages, results=tuple(daywork.RESULTS),
        query=urlencode({k: v for k, v in f.items() if v}), can_change=visit.user.can_change(slug),
        tab="records",
    )  # fmt: skip


def row_of(e: daywork.Entry) -> list[object]:
    r, c = e.record, e.record.certificate
    return [
        e.id, c.number, c.holder, c.certificate, c.expires, r.kind, r.channel, r.reminded_on, r.by_whom,
        r.result, r.remark, r.source, e.recorded_at, e.supersedes, e.superseded_by,
    ]  # fmt: skip


def _xlsx(entries: list[daywork.Entry]) -> bytes:
    from openpyxl import Workbook

    from generator.workflows.files import append_row

    book = Workbook(write_only=True)
    sheet = book.create_sheet("登记簿")
    append_row(sheet, HEADERS)
    for e in entries:
        append_row(sheet, row_of(e))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def records_xlsx(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.readable(request, slug)
    sees = privacy.sees_contacts(visit.user, slug)
    found = [
        privacy.entry_for(e, sees) for e in await run_in_threadpool(_search, console, slug, _filters(request))
    ]
    content = await run_in_threadpool(_xlsx, found)
    return download(content, f"{slug}-登记簿.xlsx", "xlsx")


async def certificate_page(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.readable(request, slug)
    number = request.path_params["number"].strip()
    rows = await run_in_threadpool(certificates.with_number, console.settings, slug, number)
    entries = await run_in_threadpool(
        daywork.entries, console.settings, slug, "certificate_key = ?", (number,)
    )
    if not rows and not entries:
        raise errors.not_found("这张证照")
    sees = privacy.sees_contacts(visit.user, slug)
    return console.page(
        request, "certificate.html", slug=slug, number=number,
        entries=[privacy.entry_for(e, sees) for e in entries[::-1]], rows=[privacy.row_for(r, sees) for r in rows],
        results=tuple(daywork.RESULTS), channels=daywork.CHANNELS, can_change=visit.user.can_change(slug),
        tab="records",
    )  # fmt: skip
