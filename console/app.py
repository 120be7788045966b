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

from console import (
    errors,
    views_admin,
    views_auth,
    views_catalog,
    views_closing,
    views_contacts,
    views_facts,
    views_hand,
    views_holidays,
    views_jobs,
    views_ledger,
    views_records,
    views_sms,
    views_supervision,
    views_today,
    warmup,
    work,
)
from console.audit import now_text
from console.errors import ConsoleError
from console.jobs import JobQueue
from console.security import BodyLimit, SecurityHeaders
from console.settings import ConsoleSettings
from console.upload_retention import delete_old_uploads
from console.users import list_users
from console.web import Console, SignIn
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
        route("/", views_auth.home),
        route("/login", views_auth.login_page),
        route("/login", views_auth.login, ("POST",)),
        route("/logout", views_auth.logout, ("POST",)),
        route(dept, _to_catalog),
        route(dept + "/catalog", views_catalog.catalog_page),
        route(dept + "/catalog", views_catalog.upload, ("POST",)),
        route(dept + "/catalog/file", views_catalog.current_file),
        route(dept + "/catalog/template", views_catalog.template),
        route(dept + "/catalog/uploads/{id}", views_catalog.upload_page),
        route(dept + "/catalog/uploads/{id}/problems.xlsx", views_catalog.catalog_problems),
        route(dept + "/catalog/uploads/{id}/publish", views_catalog.publish, ("POST",)),
        route(dept + "/catalog/versions/{id}/file", views_catalog.version_file),
        route(dept + "/catalog/versions/{id}/restore", views_catalog.restore, ("POST",)),
        route(dept + "/ledger", views_ledger.ledger_page),
        route(dept + "/ledger", views_ledger.upload, ("POST",)),
        route(dept + "/ledger/uploads/{id}", views_ledger.upload_page),
        route(dept + "/ledger/hand", views_hand.add, ("POST",)),
        route(dept + "/ledger/hand/{n}/remove", views_hand.remove, ("POST",)),
        route(dept + "/ledger/uploads/{id}/problems.xlsx", views_ledger.problems),
        route(dept + "/ledger/uploads/{id}/accept", views_ledger.accept, ("POST",)),
        route(dept + "/ledger/versions/{id}/file", views_ledger.version_file),
        route(dept + "/ledger/versions/{id}/restore", views_ledger.restore, ("POST",)),
        route(dept + "/facts", views_facts.facts_page),
        route(dept + "/facts", views_facts.save_facts, ("POST",)),
        *_day_routes(route, dept),
        route("/sms/receipts/{provider}/{secret}", views_sms.receipts_push, ("POST",)),
        route("/jobs/{id}.json", views_jobs.job_json),
        route("/jobs/{id}", views_jobs.job_page),
        route("/users", views_admin.users_page),
        route("/users", views_admin.add, ("POST",)),
        route("/users/{name}/disable", views_admin.disable, ("POST",)),
        route("/users/{name}/password", views_admin.password, ("POST",)),
        route("/audit", views_admin.audit_page),
        route("/settings", views_admin.site_page),
        route("/settings", views_admin.save_site, ("POST",)),
        route("/holidays", views_holidays.holidays_page),
        route("/holidays/preview", views_holidays.preview, ("POST",)),
        route("/holidays/previews/{id}", views_holidays.preview_page),
        route("/holidays/previews/{id}/import", views_holidays.import_notice, ("POST",)),
        route("/supervision", views_supervision.supervision_page),
        route("/supervision-loop", views_closing.loop_page),
        route("/supervision-loop/{slug}/{figure}", views_closing.loop_list),
        route("/supervision.xlsx", views_supervision.report_file),
        route("/supervision/{slug}", views_supervision.department_page),
        route("/supervision/{slug}/{figure}", views_supervision.list_page),
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
    return app


def _day_routes(route: Callable[..., Route], dept: str) -> list[Route]:
    """今日提醒 and 登记簿 (issue 14)."""
    today, records = views_today, views_records
    return [
        route(dept + "/today", today.today_page),
        route(dept + "/today/record", today.record, ("POST",)),
        route(dept + "/today/contact", views_contacts.correct_household, ("POST",)),
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
        route(dept + "/sms", views_sms.sms_page),
        route(dept + "/records", records.records_page),
        route(dept + "/records.xlsx", records.records_xlsx),
        route(dept + "/records/{id}/correct", today.correct, ("POST",)),
        route(dept + "/certificates/{number}", records.certificate_page),
        route(dept + "/certificates/{number}/contact", views_contacts.correct, ("POST",)),
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
        return console.finish(request, await handler(console, request))  # a session single sign-on started
    except SignIn as sign_in:
        return RedirectResponse(sign_in.to, 303)
    except ConsoleError as error:
        return _error(console, request, error)
    except JiaozaoError as error:  # staff data the generator cannot use: a 409 that says so, never a 500
        if isinstance(error, DepartmentUnusable):  # named as staff know it, even when its facts are broken
            named = work.department_names(console.settings).get(error.unusable.slug, error.unusable.name)
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
