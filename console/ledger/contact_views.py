"""联系方式更正 from a certificate page: the department's clerk corrects its 联系方式, 电子邮箱 or 联系人."""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console.frame import errors
from console.frame.requests import Console
from console.ledger import contacts
from console.store import audit
from generator.problems import JiaozaoError
from generator.workflows.contacts import FIELDS


async def correct(console: Console, request: Request) -> Response:
    slug, number = request.path_params["slug"], request.path_params["number"].strip()
    visit = console.changeable(request, slug)
    form = await console.form(request, visit)
    field, value = str(form.get("field", "")), str(form.get("value", ""))
    try:
        done = await run_in_threadpool(
            contacts.correct, console.settings, slug, number, field, value, visit.user.name
        )
    except JiaozaoError as error:
        raise errors.bad_request(str(error), "没有做任何修改，请回到证照页重新填写。") from None
    # The values stay in the department's corrections file: the audit log names the act, not the number.
    detail = f"更正证照 {number} 的{FIELDS[done.field]}（更正记录 {done.at}）"
    audit.log(console.db, visit.user.name, visit.address, "correct_contact", slug, detail)
    return console.redirect(request, f"/departments/{slug}/certificates/{quote(number)}")


async def correct_household(console: Console, request: Request) -> Response:
    """Correct the contact of every certificate (with a 证照编号) on a household's card of 今日提醒."""
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    form = await console.form(request, visit, max_fields=200)
    numbers = [str(n).strip() for n in form.getlist("n") if str(n).strip()][:100]
    field, value, card = str(form.get("field", "")), str(form.get("value", "")), str(form.get("card", ""))
    if not numbers:
        raise errors.bad_request("这一户的证照都没有证照编号，无法在这里更正", "请在台账中补上证照编号。")
    try:
        for number in numbers:
            done = await run_in_threadpool(
                contacts.correct, console.settings, slug, number, field, value, visit.user.name
            )
            detail = f"在今日提醒更正证照 {number} 的{FIELDS[done.field]}（更正记录 {done.at}）"
            audit.log(console.db, visit.user.name, visit.address, "correct_contact", slug, detail)
    except JiaozaoError as error:
        raise errors.bad_request(str(error), "请回到今日提醒重新填写。") from None
    anchor = f"#h{card}" if card.isdigit() else ""
    return console.redirect(request, f"/departments/{slug}/today{anchor}")
