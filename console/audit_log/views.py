"""The audit log (/audit), paged and filtered, for administrators."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console.frame.paging import page_of
from console.frame.requests import Console
from console.state import inputs
from console.store import audit

AUDIT_PAGE = 200  # entries of the audit log on one page


async def audit_page(console: Console, request: Request) -> Response:
    console.admin(request)
    query = request.query_params
    f = {k: query.get(k, "")[:64] for k in ("user", "action", "department", "from", "to")}
    wrong = [k for k in ("from", "to") if f[k] and not _is_day(f[k])]
    for key in wrong:  # an unreadable day filters nothing and says so
        f[key] = ""
    picked = {"start": f["from"], "end": f["to"]}
    matched = await run_in_threadpool(
        audit.count, console.db, f["user"], f["action"], f["department"], **picked
    )
    page = page_of(query.get("page"), matched, AUDIT_PAGE)
    entries = await run_in_threadpool(
        audit.search, console.db, f["user"], f["action"], f["department"], AUDIT_PAGE,
        offset=page.offset, **picked,
    )  # fmt: skip
    return console.page(
        request, "audit.html", entries=entries, actions=audit.ACTIONS, f=f, who=f["user"], action=f["action"],
        department=f["department"], slugs=inputs.department_slugs(console.settings), matched=matched,
        page=page.number, pages=page.pages, query=urlencode({k: v for k, v in f.items() if v}), wrong_day=bool(wrong),
    )  # fmt: skip


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
