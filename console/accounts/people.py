"""Administrators: accounts (/users) and the audit log (/audit)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console.background.upload_retention import database_size
from console.frame.requests import Console
from console.state import inputs
from console.store import audit, users
from console.store.passwords import WeakPassword

AUDIT_PAGE = 200  # entries of the audit log on one page


async def users_page(console: Console, request: Request, message: str = "", status: int = 200) -> Response:
    console.admin(request)
    return console.page(
        request, "users.html", status, people=users.list_users(console.db), roles=[r.value for r in users.Role],
        slugs=inputs.department_slugs(console.settings), message=message,
        db_size=database_size(console.settings.db), upload_days=console.settings.upload_days,
    )  # fmt: skip


async def add(console: Console, request: Request) -> Response:
    visit = console.admin(request)
    form = await console.form(request, visit)
    name, password = str(form.get("name") or ""), str(form.get("password") or "")
    departments = [str(d) for d in form.getlist("department")]
    try:
        role = users.parse_role(str(form.get("role") or ""))
        if password != str(form.get("password2") or ""):
            raise users.UserError("两次输入的密码不一致")
        user = await run_in_threadpool(
            users.add_user,
            console.db,
            name,
            role,
            departments,
            password,
            inputs.department_slugs(console.settings),
        )
    except (users.UserError, WeakPassword) as error:
        return await users_page(console, request, f"没有新增：{error}", 400)
    detail = f"{user.name}（{user.role.value}，部门：{'、'.join(user.departments) or '全部'}）"
    audit.log(console.db, visit.user.name, visit.address, "user_add", detail=detail)
    return console.redirect(request, "/users")


async def disable(console: Console, request: Request) -> Response:
    visit = console.admin(request)
    await console.form(request, visit)
    name = request.path_params["name"]
    try:
        users.disable_user(console.db, name)
    except users.UserError as error:
        return await users_page(console, request, str(error), 404)
    audit.log(console.db, visit.user.name, visit.address, "user_disable", detail=name)
    return console.redirect(request, "/users")


async def password(console: Console, request: Request) -> Response:
    visit = console.admin(request)
    form = await console.form(request, visit)
    name = request.path_params["name"]
    try:
        await run_in_threadpool(users.set_password, console.db, name, str(form.get("password") or ""))
    except (users.UserError, WeakPassword) as error:
        return await users_page(console, request, f"密码没有修改：{error}", 400)
    audit.log(console.db, visit.user.name, visit.address, "user_passwd", detail=name)
    return console.redirect(request, "/users")
