"""Signing in and out, and the home page listing the departments a user may see."""

from __future__ import annotations

import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console import audit, errors, sessions, users
from console.web import LOGIN_COOKIE, Console

FAILED = "用户名或密码不正确，或因多次输错已暂时锁定（连续 5 次输错锁定 15 分钟）。"


def _next(target: str) -> str:
    """Return a local path to go back to after signing in (never another site)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


async def login_page(console: Console, request: Request) -> Response:
    if console.visit(request) is not None:
        return console.redirect(request, "/")
    return _login_form(console, request, "", request.query_params.get("next", "/"))


def _login_form(console: Console, request: Request, message: str, back: str, status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = console.page(request, "login.html", status, message=message, token=token, back=_next(back))
    response.set_cookie(
        LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=console.settings.https, path="/login"
    )
    return response


async def login(console: Console, request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    request.state.form = form
    expected, given = request.cookies.get(LOGIN_COOKIE, ""), form.get("token")
    if not isinstance(given, str) or not sessions.same_token(expected, given):
        raise errors.bad_token()
    name, password = str(form.get("name") or "")[:80], str(form.get("password") or "")[:200]
    address = console.address(request)
    user = await run_in_threadpool(users.authenticate, console.db, name, password, address)
    back = str(form.get("next") or "/")
    if user is None:
        audit.record(console.db, name.strip()[:40] or "（空）", address, "login_failed")
        return _login_form(console, request, FAILED, back, 401)
    old = request.cookies.get(console.cookie)
    if old:
        sessions.end(console.db, old)  # a new id at every sign-in
    sessions.prune(console.db, console.settings.idle_seconds, console.settings.max_seconds)
    cookie = sessions.start(console.db, user)
    audit.record(console.db, user.name, address, "login")
    response = console.redirect(request, _next(back))
    console.set_cookie(response, cookie)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


async def logout(console: Console, request: Request) -> Response:
    visit = console.require(request)
    await console.form(request, visit)
    sessions.end(console.db, request.cookies.get(console.cookie, ""))
    audit.record(console.db, visit.user.name, visit.address, "logout")
    response = console.redirect(request, "/login")
    response.delete_cookie(console.cookie, path="/")
    return response


async def home(console: Console, request: Request) -> Response:
    visit = console.require(request)
    from console import work

    slugs = [s for s in work.department_slugs(console.settings) if visit.user.can_read(s)]
    return console.page(request, "home.html", slugs=slugs)
