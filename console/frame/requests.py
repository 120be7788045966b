"""What every console endpoint shares: the state, the signed-in user, CSRF-checked forms and page rendering."""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from console.background import sms_auto
from console.background.jobs import JobQueue
from console.frame import errors
from console.frame.refusals import SIGNED_OUT, RefusalLog
from console.frame.security import BodyTooLarge
from console.frame.upload_slots import UploadSlots
from console.frame.uploads import too_large
from console.settings import PROXY_SECRET_HEADER, ConsoleSettings
from console.state import figures, inputs
from console.store import audit, sessions, users
from console.store.db import SharedConnection, connect
from console.store.users import User
from portal.rules.china import chinese_date
from portal.rules.client import from_proxy, scope_address

TEMPLATES = Path(__file__).parent.parent / "templates"  # console/templates
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
        self.db: SharedConnection = connect(settings.database, settings.inputs.database_pool_size)
        self.refusals = RefusalLog(self.db)
        self._by_header: dict[int, str] = {}  # user id → the cookie of the session single sign-on started
        self.jobs = jobs or JobQueue(settings)
        self.upload_slots = UploadSlots(settings.upload_checks)  # upload checks at a time: one per user
        self.templates = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        # A fixed day (jiaozao console --today, for training or checking a past or future day) is shown
        # on every page for as long as it is set, so nobody mistakes it for the real day's work.
        self.templates.globals["fixed_day"] = chinese_date(settings.today) if settings.today else ""
        self.templates.globals["standard_periods"] = figures.standard_periods  # 督促检查's one-click periods
        self.cookie = "__Host-jiaozao" if settings.https else "jiaozao_session"

    def close(self) -> None:
        self.jobs.stop()
        self.refusals.close()
        self.db.close()

    # -- who is asking ---------------------------------------------------------------------------

    def through_proxy(self, request: Request) -> bool:
        """Return whether a request proves it came through nginx: from the trusted proxy's address and, when a
        proxy secret is set, carrying it (compared in constant time). Any local program shares the address."""
        if not from_proxy(request.client.host if request.client else None, self.settings.trusted_proxy):
            return False
        secret = self.settings.proxy_secret
        if not secret:
            return True
        given = request.headers.get(PROXY_SECRET_HEADER, "").encode("latin-1")
        return hmac.compare_digest(given, secret.encode("utf-8"))

    def address(self, request: Request) -> str:
        """Return the client's address; through the trusted proxy, the hop it added to X-Forwarded-For."""
        return scope_address(
            request.scope, self.settings.trusted_proxy if self.through_proxy(request) else ""
        )

    def visit(self, request: Request) -> Visit | None:
        """Return the signed-in user: by session cookie, else by the SSO header proven to come through nginx.

        A session cookie stands unless the proxy now names someone else (another person at the same browser)."""
        cookie = getattr(request.state, "new_cookie", None) or request.cookies.get(self.cookie, "")
        found = sessions.resume(self.db, cookie, self.settings.idle_seconds, self.settings.max_seconds)
        named = self._sso_name(request)
        if found is not None and named in ("", found.user.name):
            return Visit(found.user, found.csrf, self.address(request))
        if not named:
            return None
        if found is not None:
            sessions.end(self.db, cookie)
        return self._single_sign_on(request, named)

    def _sso_name(self, request: Request) -> str:
        """Return the user name in the SSO header, when SSO is on and the request proves it came via nginx."""
        header = self.settings.sso_header
        name = request.headers.get(header, "").strip() if header else ""
        if not name:
            return ""
        if not self.settings.proxy_secret or not self.through_proxy(request):
            self.refusals.note(
                SIGNED_OUT, self.address(request), "login_failed",
                f"统一身份认证请求头（{name[:40]}）不是经 nginx 转发来的，不予采信：{request.method} {request.url.path[:200]}",
            )  # fmt: skip
            return ""
        return name

    def _single_sign_on(self, request: Request, name: str) -> Visit | None:
        """Start one session for the user the proxy named (its cookie is set on the response); never a locked,
        disabled or unknown account."""
        user = users.find(self.db, name)
        address = self.address(request)
        if user is None or user.disabled or user.locked_until > time.time():
            self.refusals.note(
                name[:40], address, "login_failed", "统一身份认证：用户不存在、已停用或已锁定，没有登录"
            )
            return None
        cookie = self._by_header.get(user.id, "")  # a caller that keeps no cookies still has one session
        found = sessions.resume(self.db, cookie, self.settings.idle_seconds, self.settings.max_seconds)
        if found is None or found.user.id != user.id:
            cookie = sessions.start(self.db, user)
            self._by_header[user.id] = cookie
            audit.log(self.db, user.name, address, "login", detail="统一身份认证")
            found = sessions.resume(self.db, cookie, self.settings.idle_seconds, self.settings.max_seconds)
            assert found is not None
        request.state.new_cookie = cookie
        return Visit(user, found.csrf, address)

    def who(self, request: Request) -> str:
        """Return the name of the user a request was made by (by its session), or 未登录."""
        visit = getattr(request.state, "visit", None)
        if isinstance(visit, Visit):
            return visit.user.name
        cookie = getattr(request.state, "new_cookie", None) or request.cookies.get(self.cookie, "")
        found = sessions.resume(self.db, cookie, self.settings.idle_seconds, self.settings.max_seconds)
        return found.user.name if found else SIGNED_OUT

    def refused(self, request: Request, error: errors.ConsoleError) -> None:
        """Write a refused request to the audit log (within the per-address limits): who, from where, what, why."""
        action = "forbidden" if error.code == "forbidden" else "refused"
        detail = f"{error.message}：{request.method} {request.url.path[:200]}"
        self.refusals.note(self.who(request), self.address(request), action, detail)

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
        if slug not in inputs.department_slugs(self.settings):
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
        raise errors.forbidden()  # written to the audit log with every other refusal, by refused()

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
        banner = sms_auto.alert(self.db) if visit is not None and visit.user.is_admin else ""
        html = self.templates.get_template(template).render(
            visit=visit, names=inputs.department_names(self.settings), sms_alert=banner, **context
        )
        return self.finish(request, HTMLResponse(html, status))

    def finish(self, request: Request, response: Response) -> Response:
        cookie = getattr(request.state, "new_cookie", None)
        if cookie:
            self.set_cookie(response, cookie)
            request.state.new_cookie = None  # once: finish() may see the response again on its way out
        return response

    def set_cookie(self, response: Response, cookie: str) -> None:
        response.set_cookie(
            self.cookie, cookie, httponly=True, samesite="strict", secure=self.settings.https, path="/"
        )

    def redirect(self, request: Request, to: str) -> Response:
        return self.finish(request, RedirectResponse(to, 303))


class SignIn(Exception):
    """A signed-out visitor asked for a page: send them to /login and back."""

    def __init__(self, back: str) -> None:
        self.to = "/login?next=" + quote(back)
