"""放假安排 (/holidays, 管理员): each year's source, and a pasted State Council notice: preview → import → publish.

The preview is stored (as an upload of kind 'holidays') so that what is imported is exactly what was previewed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console.frame import errors
from console.frame.problems import ProblemRow, problem_row
from console.frame.requests import Console, Visit
from console.holidays import calls
from console.store import audit
from console.store.audit import now_text
from generator.problems import InputError

KIND = "holidays"


async def holidays_page(console: Console, request: Request) -> Response:
    console.admin(request)
    return await _page(console, request)


async def preview(console: Console, request: Request) -> Response:
    visit = console.admin(request)
    form = await console.form(request, visit)
    text = str(form.get("notice") or "")
    if not text.strip():
        return await _page(
            console, request, 400, text, message="请把通知全文（从标题到落款日期）粘贴进文本框。"
        )
    if len(text) > calls.LONGEST:
        return await _page(console, request, 400, "", message="粘贴的内容太长，不像一份放假安排通知。")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    digest = await run_in_threadpool(calls.holidays_digest, console.settings)
    try:
        shown = await run_in_threadpool(calls.preview, console.settings, text)
    except InputError as error:
        problems = [problem_row(p) for p in error.problems]
        detail = f"{len(problems)} 个问题，{len(text)} 字，SHA-256 {sha}"
        audit.log(console.db, visit.user.name, visit.address, "holidays_refused", detail=detail)
        message = f"发现 {len(problems)} 个问题，没有写入任何文件。请对照通知原文修改后重新预览。"
        return await _page(console, request, 400, text, problems, message)
    cursor = console.db.execute(
        "INSERT INTO uploads (department, kind, ext, sha256, content, client_name, user, created_at, report) "
        "VALUES ('', ?, 'txt', ?, ?, ?, ?, ?, ?)",
        (KIND, sha, text.encode("utf-8"), calls.PASTED, visit.user.name, now_text(),
         json.dumps({"preview": asdict(shown), "holidays_sha256": digest}, ensure_ascii=False)),
    )  # fmt: skip
    return console.redirect(request, f"/holidays/previews/{cursor.lastrowid}")


async def preview_page(console: Console, request: Request) -> Response:
    console.admin(request)
    found = _stored(console, request.path_params["id"])
    return console.page(request, "holidays_preview.html", found=found, shown=found.preview)


async def import_notice(console: Console, request: Request) -> Response:
    visit = console.admin(request)
    await console.form(request, visit)
    found = _stored(console, request.path_params["id"])
    if found.state != "checked":
        raise errors.bad_request("这份通知已经导入过", "如需再次导入，请重新粘贴并预览。")
    digest = await run_in_threadpool(calls.holidays_digest, console.settings)
    if digest != found.holidays_sha256:
        raise errors.ConsoleError(
            409, "changed", "预览之后 holidays.csv 已被改动，没有导入", "请重新粘贴通知并预览，核对后再导入。"
        )
    try:
        done = await run_in_threadpool(calls.import_text, console.settings, found.text)
    except InputError as error:  # the notice was fine at preview: only a changed calendar gets here
        raise errors.bad_request(f"没有导入：{error.problems[0]}", "请重新预览。") from None
    console.db.execute("UPDATE uploads SET state = 'published' WHERE id = ?", (found.id,))
    if not done.written:
        return await _page(console, request, message="这份通知已经导入过，holidays.csv 没有变化。")
    return console.redirect(request, f"/jobs/{_publish(console, visit, found, done)}")


def _publish(console: Console, visit: Visit, found: StoredNotice, done: calls.NoticePreview) -> int:
    job_id = console.jobs.submit(console.db, KIND, "", visit.user.name, {"upload": found.id})
    detail = f"{done.title}，{done.counts}SHA-256 {found.sha256}，预览编号 {found.id}，任务 {job_id}"
    audit.log(console.db, visit.user.name, visit.address, "holidays_import", detail=detail)
    return job_id


async def _page(
    console: Console, request: Request, status: int = 200, text: str = "",
    problems: list[ProblemRow] | None = None, message: str = "",
) -> Response:  # fmt: skip
    try:
        years, estimated = await run_in_threadpool(calls.year_sources, console.settings)
    except InputError as error:  # holidays.csv itself has errors: say so, and where
        years, estimated = [], None
        given = problems or []
        problems = [*given, *(row for p in error.problems if (row := problem_row(p)) not in given)]
        message = message or "holidays.csv 有错误，各年来源暂时无法列出。请按下表修正后再导入通知。"
        status = status if status >= 400 else 409
    return console.page(
        request, "holidays.html", status, years=list(reversed(years)), estimated=estimated, text=text,
        problems=problems or [], message=message, refused=bool(problems) or status == 400,
    )  # fmt: skip


@dataclass(frozen=True)
class StoredNotice:
    """A pasted notice as previewed: the text, who pasted it, what the preview said, holidays.csv then."""

    id: int
    sha256: str
    text: str
    user: str
    created_at: str
    state: str  # checked | published
    preview: calls.NoticePreview
    holidays_sha256: str


def _stored(console: Console, preview_id: str) -> StoredNotice:
    row = console.db.execute(
        "SELECT id, sha256, content, user, created_at, report, state FROM uploads WHERE id = ? AND kind = ?",
        (int(preview_id) if preview_id.isdigit() else -1, KIND),
    ).fetchone()
    if row is None:
        raise errors.not_found("这次预览")
    report = json.loads(row["report"])
    return StoredNotice(
        row["id"], row["sha256"], bytes(row["content"]).decode("utf-8", "replace"), row["user"],
        row["created_at"], row["state"], calls.NoticePreview(**report["preview"]),
        report["holidays_sha256"],
    )  # fmt: skip
