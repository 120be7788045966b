"""A publish job's progress, as a page that refreshes itself (no script) and as JSON."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from console.background import jobs
from console.frame import errors
from console.frame.requests import Console


def _job(console: Console, request: Request) -> jobs.Job:
    visit = console.require(request)
    raw = request.path_params["id"]
    job = jobs.find(console.db, int(raw)) if raw.isdigit() else None
    if job is None:
        raise errors.not_found("这个任务")
    if not visit.user.can_read(job.department):
        console.refuse(visit, request)
    return job


async def job_page(console: Console, request: Request) -> Response:
    return console.page(request, "job.html", job=_job(console, request))


async def job_json(console: Console, request: Request) -> Response:
    job = _job(console, request)
    return JSONResponse(
        {
            "id": job.id,
            "state": job.state,
            "stage": job.stage,
            "percent": job.percent,
            "position": job.position,
            "message": job.message,
            "link": job.link,
        }
    )
