"""Administrators: accounts (/users) and the audit log (/audit)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console import audit, errors, users, work, work_facts, yamlforms
from console.paging import page_of
from console.passwords import WeakPassword
from console.upload_retention import database_size
from console.web import Console

AUDIT_PAGE = 200  # entries of the audit log on one page


async def users_page(console: Console, request: Request, message: str = "", status: int = 200) -> Response:
    console.admin(request)
    return console.page(
        request, "users.html", status, people=users.list_users(console.db), roles=[r.value for r in users.Role],
        slugs=work.department_slugs(console.settings), message=message,
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
            work.department_slugs(console.settings),
        )
    except (users.UserError, WeakPassword) as error:
        return await users_page(console, request, f"没有新增：{error}", 400)
    detail = f"{user.name}（{user.role.value}，部门：{'、'.join(user.departments) or '全部'}）"
    audit.record(console.db, visit.user.name, visit.address, "user_add", detail=detail)
    return console.redirect(request, "/users")


async def disable(console: Console, request: Request) -> Response:
    visit = console.admin(request)
    await console.form(request, visit)
    name = request.path_params["name"]
    try:
        users.disable_user(console.db, name)
    except users.UserError as error:
        return await users_page(console, request, str(error), 404)
    audit.record(console.db, visit.user.name, visit.address, "user_disable", detail=name)
    return console.redirect(request, "/users")


async def password(console: Console, request: Request) -> Response:
    visit = console.admin(request)
    form = await console.form(request, visit)
    name = request.path_params["name"]
    try:
        await run_in_threadpool(users.set_password, console.db, name, str(form.get("password") or ""))
    except (users.UserError, WeakPassword) as error:
        return await users_page(console, request, f"密码没有修改：{error}", 400)
    audit.record(console.db, visit.user.name, visit.address, "user_passwd", detail=name)
    return console.redirect(request, "/users")


async def audit_page(console: Console, request: Request) -> Response:
    console.admin(request)
    query = request.query_params
    f = {k: query.get(k, "")[:64] for k in ("user", "action", "department", "from", "to")}
    wrong = [k for k in ("from", "to") if f[k] and not _is_day(f[k])]
    for key in wrong:  # an unreadable day filters nothing and says so
        f[key] = ""
    picked = {"start": f["from"], "end": f["to"]}
    matched = await run_in_threadpool(
        audit.count, console.db, f["user"], f["action"], f["department"], **picked
    )
    page = page_of(query.get("page"), matched, AUDIT_PAGE)
    entries = await run_in_threadpool(
        audit.search, console.db, f["user"], f["action"], f["department"], AUDIT_PAGE,
        offset=page.offset, **picked,
    )  # fmt: skip
    return console.page(
        request, "audit.html", entries=entries, actions=audit.ACTIONS, f=f, who=f["user"], action=f["action"],
        department=f["department"], slugs=work.department_slugs(console.settings), matched=matched,
        page=page.number, pages=page.pages, query=urlencode({k: v for k, v in f.items() if v}), wrong_day=bool(wrong),
    )  # fmt: skip


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


async def site_page(console: Console, request: Request) -> Response:
    console.admin(request)
    keys, text = work_facts.site_file(console.settings)
    try:
        values = dict(yamlforms.load(text))
    except yamlforms.FormError as error:
        raise errors.ConsoleError(409, "broken_yaml", str(error)) from None
    return console.page(request, "site.html", keys=keys, values=values, shown=yamlforms.shown, problems=[])


async def save_site(console: Console, request: Request) -> Response:
    visit = console.admin(request)
    form = await console.form(request, visit)
    keys, text = work_facts.site_file(console.settings)
    try:
        new = yamlforms.edit_mapping(text, {k: str(form.get(k) or "").strip() for k in keys})
    except yamlforms.FormError as error:
        raise errors.ConsoleError(409, "broken_yaml", str(error)) from None
    problems = await run_in_threadpool(work_facts.check_site, console.settings, new)
    if problems:
        values = dict(yamlforms.load(new))
        return console.page(
            request, "site.html", 400, keys=keys, values=values, shown=yamlforms.shown, problems=problems
        )
    if new == text:
        return console.redirect(request, "/settings")
    await run_in_threadpool(work_facts.write_site, console.settings, new)
    job_id = console.jobs.submit(console.db, "site", "", visit.user.name, {})
    audit.record(console.db, visit.user.name, visit.address, "edit_site", detail=f"site.yaml，任务 {job_id}")
    return console.redirect(request, f"/jobs/{job_id}")
