"""An uploaded 目录 or 台账 from receipt to publishing: received and checked by content, kept with its report,
taken once for publishing, its problem list and its versions as files."""

from __future__ import annotations

import asyncio
import json

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from console.frame import errors, privacy, versions
from console.frame.downloads import download
from console.frame.problems import ProblemRow, problems_xlsx, summary
from console.frame.requests import Console, Visit
from console.frame.uploads import Upload, UploadRefused, check_upload
from console.store import audit
from console.store.audit import now_text


async def received(console: Console, request: Request, visit: Visit) -> Upload:
    """Return the uploaded file of a form, checked by content; refusals raise a 400 page."""
    form = await console.form(request, visit)
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise errors.bad_request("没有收到文件", "请选择要上传的 .xlsx 或 .csv 文件。")
    content = await file.read(console.settings.upload_limit + 1)
    settings = console.settings
    try:
        return await run_in_threadpool(
            check_upload, content, file.filename or "", settings.upload_limit, settings.unzip_limit,
            settings.upload_rows,
        )  # fmt: skip
    except UploadRefused as refused:
        raise errors.bad_request(str(refused), "没有做任何修改。") from None


def store_upload(
    console: Console, slug: str, kind: str, upload: Upload, visit: Visit, report: dict[str, object]
) -> int:
    cursor = console.db.execute(
        "INSERT INTO uploads (department, kind, ext, sha256, content, client_name, user, created_at, report) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (slug, kind, upload.ext, upload.sha256, upload.content, upload.client_name, visit.user.name, now_text(),
         json.dumps(report, ensure_ascii=False)),
    )  # fmt: skip
    upload_id = int(cursor.lastrowid or 0)
    detail = f"文件“{upload.client_name}”，{len(upload.content)} 字节，SHA-256 {upload.sha256}，上传编号 {upload_id}"
    audit.log(console.db, visit.user.name, visit.address, f"upload_{kind}", slug, detail)
    return upload_id


def stored(console: Console, slug: str, kind: str, upload_id: str) -> dict[str, object]:
    row = console.db.execute(
        "SELECT id, ext, sha256, client_name, user, created_at, report, state FROM uploads "
        "WHERE id = ? AND department = ? AND kind = ?",
        (int(upload_id) if upload_id.isdigit() else -1, slug, kind),
    ).fetchone()
    if row is None:
        raise errors.not_found("这次上传")
    report = json.loads(row["report"])
    problems = [ProblemRow(**p) for p in report.get("problems", [])]
    return {**dict(row), **report, "problems": problems, "errors": sum(p.is_error for p in problems),
            "warnings": sum(not p.is_error for p in problems), **summary(problems)}  # fmt: skip


def claim(console: Console, upload_id: object) -> bool:
    """Take a checked upload for publishing; of many requests at once exactly one gets it (one UPDATE)."""
    taken = console.db.execute(
        "UPDATE uploads SET state = 'accepting' WHERE id = ? AND state = 'checked'", (upload_id,)
    )
    return taken.rowcount == 1


def release(console: Console, upload_id: object) -> None:
    """Give back an upload taken for publishing when the publish was refused before anything was written."""
    console.db.execute(
        "UPDATE uploads SET state = 'checked' WHERE id = ? AND state = 'accepting'", (upload_id,)
    )


def mark_published(console: Console, upload_id: object, job_id: int) -> None:
    console.db.execute("UPDATE uploads SET state = 'published', job_id = ? WHERE id = ?", (job_id, upload_id))


async def to_its_job(console: Console, request: Request, upload_id: object, what: str) -> Response:
    """Answer a second publish of one upload: the job the first one made (waiting for it, a minute at most)."""
    for _ in range(600):
        row = console.db.execute("SELECT state, job_id FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        if row["job_id"]:
            return console.redirect(request, f"/jobs/{row['job_id']}")
        if row["state"] != "accepting":
            break
        await asyncio.sleep(0.1)
    raise errors.bad_request(
        f"这份{what}已经提交过，不能再次提交", "请在本部门页面的“发布任务”中查看它的发布。"
    )


async def problems_file(console: Console, request: Request, kind: str) -> Response:
    """Download an upload's full problem list as .xlsx (contacts masked as on its page)."""
    slug = request.path_params["slug"]
    visit = console.readable(request, slug)
    found = stored(console, slug, kind, request.path_params["id"])
    sees = privacy.sees_contacts(visit.user, slug)
    rows = [privacy.problem_for(p, sees) for p in found["problems"]]  # type: ignore[attr-defined]
    content = await run_in_threadpool(problems_xlsx, rows)
    return download(content, f"{slug}-上传{found['id']}-问题清单.xlsx", "xlsx")


def show_upload(console: Console, request: Request, kind: str) -> Response:
    """Show a checked upload of the department's 目录 or 台账 (kind): its problems, and the next step."""
    slug = request.path_params["slug"]
    visit = console.readable(request, slug)
    found = stored(console, slug, kind, request.path_params["id"])
    return console.page(
        request, f"{kind}_upload.html", slug=slug, up=found, can_change=visit.user.can_change(slug)
    )


async def version_file(console: Console, request: Request, kind: str = "catalog") -> Response:
    """Return a published version of the department's 目录 (or, by kind, 台账) as it was published."""
    slug = request.path_params["slug"]
    console.readable(request, slug)
    version = versions.found(console, kind, slug, request.path_params["id"])
    name = versions.file_name(slug, kind, version)
    return download(versions.content_of(version), name, str(version["ext"]))
