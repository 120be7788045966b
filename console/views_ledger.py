"""A department's 台账: the certificate table, and upload → check → accept (which schedules a publish)."""

from __future__ import annotations

from collections import Counter

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console import audit, certificates, errors, jobs, work
from console.problems_view import problem_report
from console.views_catalog import received, show_upload, store_upload, stored
from console.web import Console

PAGE = 50
SORTS = {
    "expires": "期满日期", "days_left": "剩余天数", "first": "首次提醒", "second": "二次提醒",
    "number": "证照编号", "holder": "持证单位", "status": "状态",
}  # fmt: skip
STATUSES = ("有效", "即将到期", "已过期", "已申请延续")


async def ledger_page(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.readable(request, slug)
    rows = await run_in_threadpool(certificates.certificates, console.settings, slug)
    query = request.query_params
    q, status = query.get("q", "").strip()[:64], query.get("status", "")
    sort = query.get("sort", "expires") if query.get("sort") in SORTS else "expires"
    descending = query.get("dir") == "desc"
    counts = Counter(r.status for r in rows)
    shown = [
        r for r in rows if (not status or r.status == status) and (not q or q in r.number or q in r.holder)
    ]
    shown.sort(key=lambda r: (getattr(r, sort) == "", getattr(r, sort)), reverse=descending)
    pages = max(1, -(-len(shown) // PAGE))
    page = min(max(int(query.get("page", "1")) if query.get("page", "1").isdigit() else 1, 1), pages)
    return console.page(
        request, "ledger.html", slug=slug, rows=shown[(page - 1) * PAGE : page * PAGE], total=len(rows),
        matched=len(shown), counts=counts, statuses=STATUSES, sorts=SORTS, q=q, chosen=status, sort=sort,
        descending=descending, page=page, pages=pages, can_change=visit.user.can_change(slug),
        jobs=jobs.recent(console.db, slug), limit_mb=console.settings.upload_limit // 1024 // 1024,
    )  # fmt: skip


async def upload(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    got = await received(console, request, visit)
    try:
        read, accepted, problems = await run_in_threadpool(
            work.check_ledger, console.settings, slug, got.content, got.ext, got.client_name
        )
    except work.WorkError as error:
        raise errors.bad_request(str(error)) from None
    report = {"rows_read": read, "accepted": accepted, **problem_report(problems)}
    upload_id = store_upload(console, slug, "ledger", got, visit, report)
    return console.redirect(request, f"/departments/{slug}/ledger/uploads/{upload_id}")


async def upload_page(console: Console, request: Request) -> Response:
    return show_upload(console, request, "ledger")


async def accept(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    await console.form(request, visit)
    found = stored(console, slug, "ledger", request.path_params["id"])
    if not found.get("accepted") or found["state"] != "checked":
        raise errors.bad_request("这份台账没有可用的行，或已经接受过", "请修改后重新上传。")
    row = console.db.execute("SELECT content FROM uploads WHERE id = ?", (found["id"],)).fetchone()
    try:
        await run_in_threadpool(work.accept_ledger, console.settings, slug, row["content"], str(found["ext"]))
    except work.WorkError as error:
        raise errors.bad_request(str(error)) from None
    console.db.execute("UPDATE uploads SET state = 'published' WHERE id = ?", (found["id"],))
    job_id = console.jobs.submit(console.db, "ledger", slug, visit.user.name, {"upload": found["id"]})
    detail = f"上传编号 {found['id']}，SHA-256 {found['sha256']}，{found['accepted']} 行，任务 {job_id}"
    audit.record(console.db, visit.user.name, visit.address, "accept_ledger", slug, detail)
    return console.redirect(request, f"/jobs/{job_id}")
