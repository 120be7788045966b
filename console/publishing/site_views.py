"""The public site's settings (/settings, site.yaml): edited by administrators, then the site is published."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console.frame import errors, yaml_forms
from console.frame.requests import Console
from console.publishing import site
from console.store import audit


async def site_page(console: Console, request: Request) -> Response:
    console.admin(request)
    keys, text = site.site_file(console.settings)
    try:
        values = dict(yaml_forms.load(text))
    except yaml_forms.FormError as error:
        raise errors.ConsoleError(409, "broken_yaml", str(error)) from None
    return console.page(request, "site.html", keys=keys, values=values, shown=yaml_forms.shown, problems=[])


async def save_site(console: Console, request: Request) -> Response:
    visit = console.admin(request)
    form = await console.form(request, visit)
    keys, text = site.site_file(console.settings)
    try:
        new = yaml_forms.edit_mapping(text, {k: str(form.get(k) or "").strip() for k in keys})
    except yaml_forms.FormError as error:
        raise errors.ConsoleError(409, "broken_yaml", str(error)) from None
    problems = await run_in_threadpool(site.check_site, console.settings, new)
    if problems:
        values = dict(yaml_forms.load(new))
        return console.page(
            request, "site.html", 400, keys=keys, values=values, shown=yaml_forms.shown, problems=problems
        )
    if new == text:
        return console.redirect(request, "/settings")
    await run_in_threadpool(site.write_site, console.settings, new)
    job_id = console.jobs.submit(console.db, "site", "", visit.user.name, {})
    audit.log(console.db, visit.user.name, visit.address, "edit_site", detail=f"site.yaml，任务 {job_id}")
    return console.redirect(request, f"/jobs/{job_id}")
