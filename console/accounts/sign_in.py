"""Signing in and out, and the home page listing the departments a user may see."""

from __future__ import annotations

import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console.frame import errors
from console.frame.requests import LOGIN_COOKIE, Console
from console.store import audit, sessions, users
from generator.problems import JiaozaoError

FAILED = "用户名或密码不正确，或因多次输错已暂时锁定（连续 5 次输错锁定 15 分钟）。"
UNKNOWN = "（未知用户）"  # the audit log's name for a failed sign-in with a name no one has


def _next(target: str) -> str:
    """Return a local path to go back to after signing in (never another site)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


def _landing(user: users.User, back: str) -> str:
    """Return where a sign-in lands: a clerk of one department goes straight to its 今日提醒."""
    if back == "/" and user.role is users.Role.CLERK and len(user.departments) == 1:
        return f"/departments/{user.departments[0]}/today"
    return back


async def login_page(console: Console, request: Request) -> Response:
    if console.visit(request) is not None:
        return console.redirect(request, "/")
    return _login_form(console, request, "", request.query_params.get("next", "/"))


def _login_form(console: Console, request: Request, message: str, back: str, status: int = 200) -> Response:
    pre_session = secrets.token_urlsafe(24)  # a new one for every form: its token is bound to it
    token = sessions.login_token(console.db, pre_session)
    response = console.page(request, "login.html", status, message=message, token=token, back=_next(back))
    name, path = _login_cookie(console)
    response.set_cookie(
        name, pre_session, httponly=True, samesite="strict", secure=console.settings.https, path=path
    )
    return response


def _login_cookie(console: Console) -> tuple[str, str]:
    """Return the sign-in form's cookie name and path; behind https a __Host- one, as the session's."""
    return ("__Host-" + LOGIN_COOKIE, "/") if console.settings.https else (LOGIN_COOKIE, "/login")


def _failed_name(console: Console, name: str) -> str:
    """Return the name a failed sign-in is logged under: only a known user's (never a password typed there)."""
    return name.strip() if name.strip() and users.find(console.db, name) is not None else UNKNOWN


async def login(console: Console, request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    request.state.form = form
    cookie, path = _login_cookie(console)
    pre_session, given = request.cookies.get(cookie, ""), form.get("token")
    if not isinstance(given, str) or not sessions.login_token_matches(console.db, pre_session, given):
        raise errors.bad_token()
    name, password = str(form.get("name") or "")[:80], str(form.get("password") or "")[:200]
    address = console.address(request)
    user = await users.authenticate(console.db, name, password, address)
    back = str(form.get("next") or "/")
    if user is None:
        audit.log(console.db, _failed_name(console, name), address, "login_failed")
        return _login_form(console, request, FAILED, back, 401)
    old = request.cookies.get(console.cookie)
    if old:
        sessions.end(console.db, old)  # a new id at every sign-in
    sessions.prune(console.db, console.settings.idle_seconds, console.settings.max_seconds)
    session = sessions.start(console.db, user)
    audit.log(console.db, user.name, address, "login")
    response = console.redirect(request, _landing(user, _next(back)))
    console.set_cookie(response, session)
    response.delete_cookie(cookie, path=path, secure=console.settings.https, httponly=True, samesite="strict")
    return response


async def logout(console: Console, request: Request) -> Response:
    visit = console.require(request)
    await console.form(request, visit)
    sessions.end(console.db, request.cookies.get(console.cookie, ""))
    audit.log(console.db, visit.user.name, visit.address, "logout")
    response = console.redirect(request, "/login")
    response.delete_cookie(console.cookie, path="/")
    return response


async def home(console: Console, request: Request) -> Response:
    visit = console.require(request)
    from console.state import inputs

    slugs = [s for s in inputs.department_slugs(console.settings) if visit.user.can_read(s)]
    due = await run_in_threadpool(_due_today, console, slugs)
    return console.page(request, "home.html", slugs=slugs, due=due)


def _due_today(console: Console, slugs: list[str]) -> dict[str, int | None]:
    """Return how many households are on each department's 今日提醒 whose plan is in memory (None: its data cannot
    be used today); a department not opened yet today is left out: the home page never waits for a 台账."""
    from console.state import department_day, plans

    due: dict[str, int | None] = {}
    # One walk of the input folders, cut once, for every department.
    stamp_of = department_day.stamps_of(console.settings)
    for slug in slugs:
        if not plans.plan_if_ready(console.settings, slug, stamp_of(slug)):
            continue
        try:
            department_day.usable_department(console.settings, slug)
            due[slug] = len(plans.due_groups(plans.day_plan(console.settings, slug), slug))
        except JiaozaoError:  # its 目录 or 台账 cannot be used: the department's own page says why
            due[slug] = None
    return due
