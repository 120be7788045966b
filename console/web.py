"""What every console endpoint shares: the state, the signed-in user, CSRF-checked forms and page rendering."""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from console import audit, errors, sessions, users, work
from console.db import connect
from console.jobs import JobQueue
from console.security import BodyTooLarge
from console.settings import ConsoleSettings
from console.uploads import too_large
from console.users import User
from portal.rules.china import chinese_date

TEMPLATES = Path(__file__).with_name("templates")
LOGIN_COOKIE = "jiaozao_login"


@dataclass(frozen=True)
class Visit:
    """The signed-in user of a request and their session's CSRF token."""

    user: User
    csrf: str
    address: str


class Console:
    """The console's state: one settings object, one database connection, one job queue, the templates."""

    def __init__(self, settings: ConsoleSettings, jobs: JobQueue | None = None) -> None:
        self.settings = settings
        self.db: sqlite3.Connection = connect(settings.db)
        self.jobs = jobs or JobQueue(settings)
        self.templates = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        # A fixed day (jiaozao console --today, for training or checking a past or future day) is shown
        # on every page for as long as it is set, so nobody mistakes it for the real day's work.
        self.templates.globals["fixed_day"] = chinese_date(settings.today) if settings.today else ""
        self.cookie = "__Host-jiaozao" if settings.https else "jiaozao_session"

    def close(self) -> None:
        self.jobs.stop()
        self.db.close()

    # -- who is asking ---------------------------------------------------------------------------

    def address(self, request: Request) -> str:
        """Return the client's address; behind the trusted proxy, the one it forwarded."""
        host = request.client.host if request.client else ""
        forwarded = request.headers.get("x-forwarded-for", "")
        if self.settings.trusted_proxy and host == self.settings.trusted_proxy and forwarded:
            return forwarded.split(",")[-1].strip()[:64]
        return host

    def visit(self, request: Request) -> Visit | None:
        """Return the signed-in user: by session cookie, else by the SSO header from the trusted proxy."""
        cookie = request.cookies.get(self.cookie, "")
        found = sessions.resume(self.db, cookie, self.settings.idle_seconds, self.settings.max_seconds)
        if found is not None:
            return Visit(found.user, found.csrf, self.address(request))
        return self._single_sign_on(request)

    def _single_sign_on(self, request: Request) -> Visit | None:
        header, proxy = self.settings.sso_header, self.settings.trusted_proxy
        host = request.client.host if request.client else ""
        if not header or not proxy or host != proxy or not request.headers.get(header):
            return None  # from anyone but the trusted proxy the header means nothing
        user = users.find(self.db, request.headers[header])
        if user is None or user.disabled:
            return None
        cookie = sessions.start(self.db, user)
        request.state.new_cookie = cookie
        audit.record(self.db, user.name, self.address(request), "login", detail="统一身份认证")
        found = sessions.resume(self.db, cookie, self.settings.idle_seconds, self.settings.max_seconds)
        assert found is not None
        return Visit(user, found.csrf, self.address(request))

    def require(self, request: Request) -> Visit:
        """Return the signed-in user, or send them to the sign-in page (GET) / refuse (POST)."""
        visit = self.visit(request)
        if visit is None:
            if request.method == "GET":
                raise SignIn(request.url.path)
            raise errors.ConsoleError(
                403, "signed_out", "请先登录，再提交", "登录可能已超时（30 分钟无操作）。"
            )
        request.state.visit = visit
        return visit

    def readable(self, request: Request, slug: str) -> Visit:
        visit = self.require(request)
        if slug not in work.department_slugs(self.settings):
            raise errors.not_found("这个部门")
        if not visit.user.can_read(slug):
            self.refuse(visit, request)
        return visit

    def changeable(self, request: Request, slug: str) -> Visit:
        visit = self.readable(request, slug)
        if not visit.user.can_change(slug):
            self.refuse(visit, request)
        return visit

    def admin(self, request: Request) -> Visit:
        visit = self.require(request)
        if not visit.user.is_admin:
            self.refuse(visit, request)
        return visit

    def refuse(self, visit: Visit, request: Request) -> None:
        audit.record(
            self.db,
            visit.user.name,
            visit.address,
            "forbidden",
            detail=f"{request.method} {request.url.path}",
        )
        raise errors.forbidden()

    async def form(self, request: Request, visit: Visit, max_fields: int = 50) -> FormData:
        """Return the posted form once its CSRF token matches the session's; uploads stay within the limit."""
        if request.scope.get("jiaozao.too_large"):
            raise errors.too_large(too_large(self.settings.upload_limit))
        try:
            form = await request.form(max_files=1, max_fields=max_fields)
        except BodyTooLarge:
            raise errors.too_large(too_large(self.settings.upload_limit)) from None
        except Exception:  # a malformed multipart body
            raise errors.bad_request("表单内容无法读取", "请回到上一页重新提交。") from None
        request.state.form = form  # closed (spooled upload files removed) once the response is made
        given = form.get("csrf")
        if not isinstance(given, str) or not sessions.same_token(visit.csrf, given):
            raise errors.bad_token()
        return form

    # -- answering -------------------------------------------------------------------------------

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> Response:
        visit = getattr(request.state, "visit", None)
        html = self.templates.get_template(template).render(
            visit=visit, names=work.department_names(self.settings), **context
        )
        return self.finish(request, HTMLResponse(html, status))

    def finish(self, request: Request, response: Response) -> Response:
        cookie = getattr(request.state, "new_cookie", None)
        if cookie:
            self.set_cookie(response, cookie)
        return response

    def set_cookie(self, response: Response, cookie: str) -> None:
        response.set_cookie(
            self.cookie, cookie, httponly=True, samesite="strict", secure=self.settings.https, path="/"
        )

    def redirect(self, request: Request, to: str) -> Response:
        return self.finish(request, RedirectResponse(to, 303))

    def login_token(self, request: Request) -> str:
        return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)


class SignIn(Exception):
    """A signed-out visitor asked for a page: send them to /login and back."""

    def __init__(self, back: str) -> None:
        self.to = "/login?next=" + quote(back)
