"""A department's 台账: the certificate table, the rows refused for errors, its versions, and upload → check →
preview → accept (a new version; publishing the site is queued)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict, replace

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console.background import jobs
from console.frame import errors, privacy, versions
from console.frame.paging import page_of
from console.frame.problems import problem_report, problem_row, summary
from console.frame.requests import Console, Visit
from console.frame.stored_uploads import (
    claim,
    mark_published,
    problems_file,
    received,
    release,
    store_upload,
    stored,
    to_its_job,
)
from console.frame.stored_uploads import version_file as _version_file
from console.ledger import calls, hand
from console.state import certificates, inputs
from console.store import audit
from console.store.audit import now_text
from generator.workflows.ledger import Change, LedgerCheck
from portal.rules.status import STAFF_LABELS

PAGE = 50
SHOWN_CHANGES = 200  # per kind of change, kept with the upload and listed on the preview
SORTS = {
    "expires": "期满日期", "days_left": "剩余天数", "first": "首次提醒", "second": "二次提醒",
    "number": "证照编号", "holder": "持证单位", "status": "状态",
}  # fmt: skip


async def ledger_page(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.readable(request, slug)
    rows = await run_in_threadpool(certificates.certificates, console.settings, slug)
    refused = await run_in_threadpool(calls.refused, console.settings, slug)
    query = request.query_params
    q, status = query.get("q", "").strip()[:64], query.get("status", "")
    sort = query.get("sort", "expires") if query.get("sort") in SORTS else "expires"
    descending = query.get("dir") == "desc"
    counts = Counter(r.status for r in rows)
    sees = privacy.sees_contacts(visit.user, slug)
    shown = [
        r for r in rows if (not status or r.status == status) and (not q or q in r.number or q in r.holder)
    ]
    shown.sort(key=lambda r: (getattr(r, sort) == "", getattr(r, sort)), reverse=descending)
    page = page_of(query.get("page"), len(shown), PAGE)
    return console.page(
        request, "ledger.html", slug=slug, total=len(rows),
        rows=[privacy.row_for(r, sees) for r in shown[page.rows]],
        matched=len(shown), counts=counts, statuses=STAFF_LABELS, sorts=SORTS, q=q, chosen=status, sort=sort,
        descending=descending, page=page.number, pages=page.pages, can_change=visit.user.can_change(slug),
        jobs=jobs.recent(console.db, slug), limit_mb=console.settings.upload_limit // 1024 // 1024,
        refused=replace(refused, problems=[privacy.problem_for(p, sees) for p in refused.problems]),
        versions=versions.listed(console, "ledger", slug),
        hand=await run_in_threadpool(hand.shown_rows, console.settings, slug, sees),
    )  # fmt: skip


async def upload(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    with console.upload_slots.held(visit.user.name):
        got = await received(console, request, visit)
        report = await _checked(console, slug, got.content, got.ext, got.client_name)
    upload_id = store_upload(console, slug, "ledger", got, visit, report)
    return console.redirect(request, f"/departments/{slug}/ledger/uploads/{upload_id}")


async def _checked(console: Console, slug: str, content: bytes, ext: str, shown: str) -> dict[str, object]:
    """Return an upload's report: rows, problems, the preview, and the 台账 it was compared with."""
    try:
        check = await run_in_threadpool(calls.check, console.settings, slug, content, ext, shown)
        base = await run_in_threadpool(calls.fingerprint, console.settings, slug)
    except inputs.WorkError as error:
        raise errors.bad_request(str(error)) from None
    problems = [problem_row(p) for p in check.problems]
    return {"rows_read": check.rows_read, "accepted": check.accepted, **problem_report(problems),
            "preview": _preview(check), "base": base, "overrides": list(check.overrides)}  # fmt: skip


def _preview(check: LedgerCheck) -> dict[str, object]:
    p = check.preview

    def listed(kind: str, changes: tuple[Change, ...]) -> dict[str, object]:
        return {"kind": kind, "count": len(changes), "rows": [asdict(c) for c in changes[:SHOWN_CHANGES]]}

    return {
        "rows_before": p.rows_before, "rows_after": p.rows_after, "before": p.certificates_before,
        "after": p.certificates_after, "added": len(p.added), "dropped": len(p.dropped),
        "changed": len(p.changed), "due_soon": p.due_soon, "needs_consent": p.needs_consent,
        "consent_label": p.consent_label,
        "foreign": [{"department": f.department, "count": f.count, "numbers": list(f.numbers), "text": f.text}
                    for f in p.foreign],
        "lists": [listed("不再提醒", p.dropped), listed("新增", p.added), listed("修改", p.changed)],
    }  # fmt: skip


async def problems(console: Console, request: Request) -> Response:
    return await problems_file(console, request, "ledger")


async def upload_page(console: Console, request: Request) -> Response:
    """Show a checked 台账 upload: its problems and preview, contacts masked for all but the department's staff."""
    slug = request.path_params["slug"]
    visit = console.readable(request, slug)
    found = _as_seen(stored(console, slug, "ledger", request.path_params["id"]), visit, slug)
    return console.page(
        request, "ledger_upload.html", slug=slug, up=found, can_change=visit.user.can_change(slug)
    )


def _as_seen(found: dict[str, object], visit: Visit, slug: str) -> dict[str, object]:
    sees = privacy.sees_contacts(visit.user, slug)
    problems: list[dict[str, object]] = found.get("problems") or []  # type: ignore[assignment]
    preview: dict[str, object] = found.get("preview") or {}  # type: ignore[assignment]
    lists: list[dict[str, object]] = preview.get("lists") or []  # type: ignore[assignment]
    seen_lists = [
        {**group, "rows": [{**c, "detail": privacy.change_for(str(c.get("detail", "")), sees)}
                           for c in group["rows"]]}  # type: ignore[attr-defined]
        for group in lists
    ]  # fmt: skip
    seen_preview = {**preview, "lists": seen_lists} if preview else preview
    overrides = (
        found.get("overrides") or [] if sees else []
    )  # they hold the corrected numbers: own staff only
    seen = [privacy.problem_for(p, sees) for p in problems]
    return {**found, "problems": seen, **summary(seen), "preview": seen_preview, "overrides": overrides}


async def accept(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    form = await console.form(request, visit)
    found = stored(console, slug, "ledger", request.path_params["id"])
    if not found.get("accepted"):
        raise errors.bad_request("这份台账没有可用的行", "请修改后重新上传。")
    if found["state"] != "checked":
        return await to_its_job(console, request, found["id"], "台账")
    preview: dict[str, object] = found.get("preview") or {}  # type: ignore[assignment]
    if preview.get("needs_consent") and form.get("consent") != "1":
        raise errors.bad_request(
            f"没有勾选“{preview['consent_label']}”，台账没有接受，没有任何改动",
            "请回到上一页，看过将不再提醒的证照；确实如此再勾选后接受，否则请修改台账后重新上传。",
        )
    if not claim(console, found["id"]):  # the same upload accepted again at once: one of them goes on
        return await to_its_job(console, request, found["id"], "台账")
    try:
        content, ext, sha, before = await _write(console, slug, found)
    except BaseException:
        release(console, found["id"])
        raise
    restored = found.get("restored")
    note = (f"恢复第 {restored} 版" if restored else f"上传“{found['client_name']}”") + (
        f"，{found['rows_read']} 行，{found['accepted']} 张排期"
    )
    closed = await run_in_threadpool(  # renewals this 台账 shows end their reminders (idempotent)
        calls.close, console.settings, slug, f"工作台上传编号 {found['id']}"
    )
    with console.db.transaction():  # the version, its job, the mark and the audit row
        job_id = versions.queue_publish(console, visit, "ledger", slug, content, ext, sha, note, before)
        mark_published(console, found["id"], job_id)
        consent = f"，已勾选“{preview['consent_label']}”" if preview.get("needs_consent") else ""
        detail = (
            f"{note}；新增 {preview.get('added', 0)} 张，不再提醒 {preview.get('dropped', 0)} 张，"
            f"修改 {preview.get('changed', 0)} 张{consent}；上传编号 {found['id']}，SHA-256 {sha}，任务 {job_id}；"
            f"台账显示已续证 {closed.renewed} 张、已申请延续 {closed.applied} 张，提醒自动结束，"
            f"取消待发送短信 {closed.sms_cancelled} 条"
        )
        audit.log(console.db, visit.user.name, visit.address, "accept_ledger", slug, detail)
    console.jobs.queue(job_id)
    return console.redirect(request, f"/jobs/{job_id}")


async def _write(
    console: Console, slug: str, found: dict[str, object]
) -> tuple[bytes, str, str, inputs.Files]:
    """Make the upload the department's 台账 if its preview still holds; return it and the files it replaced."""
    if await run_in_threadpool(calls.fingerprint, console.settings, slug) != found.get("base"):
        raise errors.bad_request(
            "预览之后本部门的台账已经更改过（可能是同事刚接受了另一份），这份预览已不准确，没有接受",
            "请重新上传这份台账，看过新的预览后再接受。",
        )
    row = console.db.execute("SELECT content FROM uploads WHERE id = ?", (found["id"],)).fetchone()
    content, ext, sha = bytes(row["content"]), str(found["ext"]), str(found["sha256"])
    await _keep_the_first(console, slug)
    before = await run_in_threadpool(calls.files_now, console.settings, slug, ext)
    try:
        await run_in_threadpool(calls.replace, console.settings, slug, content, ext)
    except inputs.WorkError as error:
        raise errors.bad_request(str(error), "没有做任何修改。") from None
    return content, ext, sha, before


async def _keep_the_first(console: Console, slug: str) -> None:
    """Keep the 台账 the console found on the server as a version before it is first replaced."""
    if versions.listed(console, "ledger", slug, limit=1):
        return
    current = await run_in_threadpool(calls.current_content, console.settings, slug)
    if current is not None:
        content, ext = current
        sha = hashlib.sha256(content).hexdigest()
        versions.keep(
            console, "工作台", "ledger", slug, content, ext, sha, "工作台第一次接受台账前已有的台账"
        )


async def version_file(console: Console, request: Request) -> Response:
    """A 台账 as published: the file as it came, contacts and all, so for the department's own staff only."""
    slug = request.path_params["slug"]
    visit = console.readable(request, slug)
    if not privacy.sees_contacts(visit.user, slug):
        audit.log(
            console.db,
            visit.user.name,
            visit.address,
            "forbidden",
            detail=f"{request.method} {request.url.path}",
        )
        raise errors.forbidden(
            "台账原件中有联系人、电话和邮箱，只有本部门工作人员可以下载；需要时请联系他们。"
        )
    return await _version_file(console, request, "ledger")


async def restore(console: Console, request: Request) -> Response:
    """Check an earlier version against the current 台账 and show its preview: accepting it makes a new version."""
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    await console.form(request, visit)
    version = versions.found(console, "ledger", slug, request.path_params["id"])
    content, ext, number = versions.content_of(version), str(version["ext"]), version["id"]
    report = await _checked(console, slug, content, ext, f"第 {number} 版")
    upload_id = _store_restore(console, visit, slug, version, {**report, "restored": number})
    detail = f"台账第 {number} 版已与当前台账核对，待确认接受（上传编号 {upload_id}）"
    audit.log(console.db, visit.user.name, visit.address, "restore", slug, detail)
    return console.redirect(request, f"/departments/{slug}/ledger/uploads/{upload_id}")


def _store_restore(
    console: Console, visit: Visit, slug: str, version: dict[str, object], report: dict[str, object]
) -> int:
    cursor = console.db.execute(
        "INSERT INTO uploads (department, kind, ext, sha256, content, client_name, user, created_at, report) "
        "VALUES (?, 'ledger', ?, ?, ?, ?, ?, ?, ?)",
        (slug, version["ext"], version["sha256"], versions.content_of(version), f"台账第 {version['id']} 版",
         visit.user.name, now_text(), json.dumps(report, ensure_ascii=False)),
    )  # fmt: skip
    return int(cursor.lastrowid or 0)
