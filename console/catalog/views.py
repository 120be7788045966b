"""A department's 目录: as published, its versions, downloads, and upload → check → preview → publish."""

from __future__ import annotations

from dataclasses import asdict

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console.background import jobs
from console.catalog import checks
from console.frame import errors, stored_uploads, versions
from console.frame.downloads import download
from console.frame.problems import problem_row
from console.frame.requests import Console, Visit
from console.frame.stored_uploads import (
    claim,
    mark_published,
    problems_file,
    received,
    show_upload,
    store_upload,
    stored,
    to_its_job,
)
from console.state import inputs
from console.store import audit


async def catalog_page(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.readable(request, slug)
    return await _catalog(console, request, visit, slug)


async def _catalog(
    console: Console, request: Request, visit: Visit, slug: str, message: str = "", status: int = 200
) -> Response:
    department = await run_in_threadpool(inputs.department, console.settings, slug)
    _, problems = await run_in_threadpool(inputs.published, console.settings)
    mine = [problem_row(p) for p in problems if f"/{slug}/" in p.file.replace("\\", "/")]
    kept = versions.listed(console, "catalog", slug)
    return console.page(
        request, "catalog.html", status, slug=slug, department=department, problems=mine, versions=kept,
        jobs=jobs.recent(console.db, slug), can_change=visit.user.can_change(slug), message=message,
        current=inputs.catalog_file(console.settings, slug), limit_mb=console.settings.upload_limit // 1024 // 1024,
    )  # fmt: skip


async def current_file(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    console.readable(request, slug)
    path = inputs.catalog_file(console.settings, slug)
    if path is None:
        raise errors.not_found("目录文件")
    ext = path.suffix.lstrip(".")
    return download(path.read_bytes(), f"{slug}-目录.{ext}", ext)


async def template(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    console.readable(request, slug)
    content = await run_in_threadpool(checks.template_xlsx, console.settings, slug)
    return download(content, f"{slug}-目录模板.xlsx", "xlsx")


async def upload(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    with console.upload_slots.held(visit.user.name):
        got = await received(console, request, visit)
        check = await run_in_threadpool(
            checks.check_catalog, console.settings, slug, got.content, got.ext, got.client_name
        )
    report = {"rows": check.rows, "problems": [asdict(p) for p in check.problems], "changes": check.changes,
              "impact": check.impact}  # fmt: skip
    upload_id = store_upload(console, slug, "catalog", got, visit, report)
    return console.redirect(request, f"/departments/{slug}/catalog/uploads/{upload_id}")


async def upload_page(console: Console, request: Request) -> Response:
    return show_upload(console, request, "catalog")


async def catalog_problems(console: Console, request: Request) -> Response:
    return await problems_file(console, request, "catalog")


async def publish(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    form = await console.form(request, visit)
    found = stored(console, slug, "catalog", request.path_params["id"])
    if found["errors"]:
        raise errors.bad_request("这份目录有错误，不能发布", "请修改后重新上传。")
    if found["state"] != "checked":
        return await to_its_job(console, request, found["id"], "目录")
    if found["warnings"] and form.get("accept_warnings") != "1":
        raise errors.bad_request(
            "这份目录有警告，请先勾选“已看过警告，仍要发布”", "请回到上一页勾选后再发布。"
        )
    ext, sha, job_id = str(found["ext"]), str(found["sha256"]), 0
    with console.db.transaction():  # taking the upload, its version, its job: all or nothing
        if claim(console, found["id"]):
            row = console.db.execute("SELECT content FROM uploads WHERE id = ?", (found["id"],)).fetchone()
            note = f"上传“{found['client_name']}”"
            job_id = versions.queue_publish(console, visit, "catalog", slug, row["content"], ext, sha, note)
            mark_published(console, found["id"], job_id)
    if not job_id:  # the same upload published again at once: one of them goes on
        return await to_its_job(console, request, found["id"], "目录")
    console.jobs.queue(job_id)
    return console.redirect(request, f"/jobs/{job_id}")


async def restore(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    await console.form(request, visit)
    version = versions.found(console, "catalog", slug, request.path_params["id"])
    content, ext, sha = versions.content_of(version), str(version["ext"]), str(version["sha256"])
    job_id = versions.publish(
        console, visit, "catalog", slug, content, ext, sha, f"恢复第 {version['id']} 版"
    )
    audit.log(
        console.db,
        visit.user.name,
        visit.address,
        "restore",
        slug,
        f"恢复第 {version['id']} 版，任务 {job_id}",
    )
    return console.redirect(request, f"/jobs/{job_id}")


async def version_file(console: Console, request: Request) -> Response:
    """Return a published version of the department's 目录 as it was published."""
    return await stored_uploads.version_file(console, request, "catalog")
