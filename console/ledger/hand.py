"""手工补录 on the 台账 page: the department's clerk adds one certificate with the 台账 columns, or removes one."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console.frame import errors
from console.frame.requests import Console
from console.ledger import calls
from console.settings import ConsoleSettings
from console.store import audit
from generator.problems import JiaozaoError, Level
from generator.workflows import hand_ledger

FIELDS = ("holder", "certificate", "number", "expires", "contact", "phone", "email", "status")


def shown_rows(settings: ConsoleSettings, slug: str, sees: bool) -> list[list[str]]:
    """Return the hand-entered rows for the 台账 page: for the department's own staff only (they hold contacts)."""
    if not sees:
        return []
    try:
        return hand_ledger.hand_rows(settings.inputs.ledgers, slug)
    except JiaozaoError:
        return []


async def add(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    form = await console.form(request, visit)
    values = [str(form.get(name, ""))[:200] for name in FIELDS]

    def _add() -> list[str]:
        catalogs = calls.catalogs_of(console.settings, slug)
        problems = hand_ledger.add_hand_row(console.settings.inputs.ledgers, catalogs, slug, values)
        return [f"{p.column or ''} {p.message}：{p.fix}".strip() for p in problems if p.level is Level.ERROR]

    try:
        refused = await run_in_threadpool(_add)
    except JiaozaoError as error:
        raise errors.bad_request(str(error), "没有补录，请回到台账页重新填写。") from None
    if refused:
        raise errors.bad_request(
            "补录的证照有错误，没有补录：" + "；".join(refused), "请回到台账页改正后重新填写。"
        )
    detail = f"手工补录证照 {values[2] or '（无编号）'}：{values[1]}，期满日期 {values[3]}"
    audit.log(console.db, visit.user.name, visit.address, "add_certificate", slug, detail)
    return console.redirect(request, f"/departments/{slug}/ledger#hand")


async def remove(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    await console.form(request, visit)
    try:
        position = int(request.path_params["n"])
        removed = await run_in_threadpool(
            hand_ledger.remove_hand_row, console.settings.inputs.ledgers, slug, position
        )
    except (ValueError, JiaozaoError) as error:
        raise errors.bad_request(str(error), "没有删除任何补录。") from None
    detail = f"删除手工补录的证照 {removed[2] or '（无编号）'}：{removed[1]}，期满日期 {removed[3]}"
    audit.log(console.db, visit.user.name, visit.address, "remove_certificate", slug, detail)
    return console.redirect(request, f"/departments/{slug}/ledger#hand")
