"""The staff console as a Starlette app: routes, error pages, security headers.

Production: `jiaozao console` (uvicorn on 127.0.0.1 behind nginx with https; see README).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from console.accounts import people, sign_in
from console.audit_log import views as audit_views
from console.background import warmup
from console.background.jobs import JobQueue
from console.background.upload_retention import delete_old_uploads
from console.catalog import facts_views
from console.catalog import views as catalog_views
from console.frame import errors
from console.frame.errors import ConsoleError
from console.frame.requests import Console, SignIn
from console.frame.security import BodyLimit, SecurityHeaders
from console.holidays import views as holiday_views
from console.ledger import contact_views, hand
from console.ledger import views as ledger_views
from console.memory import inputs_looked_at_once
from console.publishing import job_views, site_views
from console.records import views as record_views
from console.settings import ConsoleSettings
from console.sms import views as sms_views
from console.state import inputs
from console.store.audit import now_text
from console.store.users import list_users
from console.supervision import loop
from console.supervision import views as supervision_views
from console.today import views as today_views
from generator.problems import DepartmentUnusable, JiaozaoError

log = logging.getLogger("jiaozao.console")
_STATIC = Path(__file__).with_name("static")
Handler = Callable[[Console, Request], Awaitable[Response]]


def create_app(settings: ConsoleSettings, start_jobs: bool = True) -> Starlette:
    """Return the console app; with start_jobs the publish worker runs in this process."""
    jobs = JobQueue(settings)
    console = Console(settings, jobs)
    delete_old_uploads(console.db, settings.upload_days, now_text())
    if start_jobs:
        jobs.start()
        warmup.start(settings)

    def route(path: str, handler: Handler, methods: tuple[str, ...] = ("GET",)) -> Route:
        return Route(path, partial(_guarded, console, handler), methods=list(methods))

    dept = "/departments/{slug}"
    routes = [
        route("/", sign_in.home),
        route("/login", sign_in.login_page),
        route("/login", sign_in.login, ("POST",)),
        route("/logout", sign_in.logout, ("POST",)),
        route(dept, _to_catalog),
        route(dept + "/catalog", catalog_views.catalog_page),
        route(dept + "/catalog", catalog_views.upload, ("POST",)),
        route(dept + "/catalog/file", catalog_views.current_file),
        route(dept + "/catalog/template", catalog_views.template),
        route(dept + "/catalog/uploads/{id}", catalog_views.upload_page),
        route(dept + "/catalog/uploads/{id}/problems.xlsx", catalog_views.catalog_problems),
        route(dept + "/catalog/uploads/{id}/publish", catalog_views.publish, ("POST",)),
        route(dept + "/catalog/versions/{id}/file", catalog_views.version_file),
        route(dept + "/catalog/versions/{id}/restore", catalog_views.restore, ("POST",)),
        route(dept + "/ledger", ledger_views.ledger_page),
        route(dept + "/ledger", ledger_views.upload, ("POST",)),
        route(dept + "/ledger/uploads/{id}", ledger_views.upload_page),
        route(dept + "/ledger/hand", hand.add, ("POST",)),
        route(dept + "/ledger/hand/{n}/remove", hand.remove, ("POST",)),
        route(dept + "/ledger/uploads/{id}/problems.xlsx", ledger_views.problems),
        route(dept + "/ledger/uploads/{id}/accept", ledger_views.accept, ("POST",)),
        route(dept + "/ledger/versions/{id}/file", ledger_views.version_file),
        route(dept + "/ledger/versions/{id}/restore", ledger_views.restore, ("POST",)),
        route(dept + "/facts", facts_views.facts_page),
        route(dept + "/facts", facts_views.save_facts, ("POST",)),
        *_day_routes(route, dept),
        route("/sms/receipts/{provider}/{secret}", sms_views.receipts_push, ("POST",)),
        route("/jobs/{id}.json", job_views.job_json),
        route("/jobs/{id}", job_views.job_page),
        route("/users", people.users_page),
        route("/users", people.add, ("POST",)),
        route("/users/{name}/disable", people.disable, ("POST",)),
        route("/users/{name}/password", people.password, ("POST",)),
        route("/audit", audit_views.audit_page),
        route("/settings", site_views.site_page),
        route("/settings", site_views.save_site, ("POST",)),
        route("/holidays", holiday_views.holidays_page),
        route("/holidays/preview", holiday_views.preview, ("POST",)),
        route("/holidays/previews/{id}", holiday_views.preview_page),
        route("/holidays/previews/{id}/import", holiday_views.import_notice, ("POST",)),
        route("/supervision", supervision_views.supervision_page),
        route("/supervision-loop", loop.loop_page),
        route("/supervision-loop/{slug}/{figure}", loop.loop_list),
        route("/supervision.xlsx", supervision_views.report_file),
        route("/supervision/{slug}", supervision_views.department_page),
        route("/supervision/{slug}/{figure}", supervision_views.list_page),
        Mount("/console-static", StaticFiles(directory=_STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders, https=settings.https),
            Middleware(BodyLimit, limit=settings.upload_limit + 1024 * 1024),
        ],
        exception_handlers={
            HTTPException: partial(_http_error, console),
            Exception: partial(_crash, console),
        },
        lifespan=partial(_lifespan, console),
    )
    app.state.console = console
    app.state.memory = settings.memory  # what the pages keep between requests; .forget() drops it all
    return app


def _day_routes(route: Callable[..., Route], dept: str) -> list[Route]:
    """今日提醒 and 登记簿 (issue 14)."""
    today, records = today_views, record_views
    return [
        route(dept + "/today", today.today_page),
        route(dept + "/today/record", today.record, ("POST",)),
        route(dept + "/today/contact", contact_views.correct_household, ("POST",)),
        route(dept + "/today/worklist", today.upload_worklist, ("POST",)),
        route(dept + "/today/sms", today.confirm_sms, ("POST",)),
        route(dept + "/today/files", today.make_files, ("POST",)),
        route(dept + "/today/email", today.send_email, ("POST",)),
        route(dept + "/today/worklist.xlsx", today.worklist_file),
        route(dept + "/today/sms.csv", today.sms_file),
        route(dept + "/today/letters", today.letters),
        route(dept + "/today/letters/{n}", today.letters),
        route(dept + "/unreachable", today.unreachable_page),
        route(dept + "/unreachable.xlsx", today.unreachable_file),
        route(dept + "/sms", sms_views.sms_page),
        route(dept + "/records", records.records_page),
        route(dept + "/records.xlsx", records.records_xlsx),
        route(dept + "/records/{id}/correct", today.correct, ("POST",)),
        route(dept + "/certificates/{number}", records.certificate_page),
        route(dept + "/certificates/{number}/contact", contact_views.correct, ("POST",)),
    ]


@asynccontextmanager
async def _lifespan(console: Console, app: Starlette) -> AsyncIterator[None]:
    yield
    console.close()


async def _to_catalog(console: Console, request: Request) -> Response:
    console.readable(request, request.path_params["slug"])
    return RedirectResponse(f"/departments/{request.path_params['slug']}/catalog", 303)


async def _guarded(console: Console, handler: Handler, request: Request) -> Response:
    """Run an endpoint; domain errors become the one error page (or JSON), sign-in needs a redirect."""
    try:
        if request.method in ("GET", "HEAD"):  # writes no input file: the folders' state is taken once
            with inputs_looked_at_once():
                return console.finish(request, await handler(console, request))
        try:
            response = await handler(console, request)
        finally:  # it may have written input files: the next page view walks them, not another's walk
            if not getattr(request.state, "writes_no_inputs", False):
                console.settings.memory.forget_looks()
        return console.finish(request, response)  # a session single sign-on started
    except SignIn as sign_in:
        return RedirectResponse(sign_in.to, 303)
    except ConsoleError as error:
        return _error(console, request, error)
    except JiaozaoError as error:  # staff data the generator cannot use: a 409 that says so, never a 500
        if isinstance(error, DepartmentUnusable):  # named as staff know it, even when its facts are broken
            named = inputs.department_names(console.settings).get(error.unusable.slug, error.unusable.name)
            error = DepartmentUnusable(replace(error.unusable, name=named))
        return _error(console, request, errors.from_domain(error, _fixers(console, error)))
    finally:
        form = getattr(request.state, "form", None)
        if form is not None:
            await form.close()


def _fixers(console: Console, error: JiaozaoError) -> tuple[list[str], list[str]]:
    """Return who can fix a department's broken inputs: its staff with change rights, and the administrators."""
    if not isinstance(error, DepartmentUnusable):
        return [], []
    people = [u for u in list_users(console.db) if not u.disabled]
    slug = error.unusable.slug
    return [u.name for u in people if u.can_change(slug) and not u.is_admin], [
        u.name for u in people if u.is_admin
    ]


REFUSALS = (400, 403, 404, 405, 413, 429)  # answers that refuse a request: each is written to the audit log


def _error(console: Console, request: Request, error: ConsoleError) -> Response:
    if error.status in REFUSALS:
        console.refused(request, error)
    if request.url.path.endswith(".json"):
        return console.finish(request, JSONResponse(error.as_json(), error.status))
    title = errors.TITLES.get(error.status, "出错了")
    return console.page(request, "error.html", error.status, error=error, title=title)


async def _http_error(console: Console, request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return _error(
            console,
            request,
            ConsoleError(405, "method_not_allowed", "不支持这种请求方式", "请从页面上的链接和按钮进入。"),
        )
    if exc.status_code == 404:
        return _error(console, request, errors.not_found())
    return _error(
        console, request, ConsoleError(exc.status_code, "http_error", "请求无法处理", "请回到上一页重试。")
    )


async def _crash(console: Console, request: Request, exc: Exception) -> Response:
    log.exception("工作台内部错误：%s %s", request.method, request.url.path)
    return _error(console, request, errors.internal())
