"""短信平台: a department's batch of the day with each message's state, and the platforms' receipt pushes."""

from __future__ import annotations

import hmac
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console.background import sms_auto, sms_early
from console.frame import errors, privacy
from console.frame.paging import page_of
from console.frame.requests import Console
from console.state import department_day
from console.state.inputs import today_of
from console.store import audit
from console.store.db import connect
from generator.workflows.sms import (
    ACKNOWLEDGEMENTS,
    DELIVERED,
    FAILED,
    NO_RECEIPT,
    SUBMITTED,
    SUBMITTING,
    WAITING,
    Message,
    PushUnreadable,
    day_batch,
    on_platform,
    read_push,
    segments,
    settle_pushed,
    sms_length,
)

STATES = (
    WAITING,
    SUBMITTED,
    DELIVERED,
    FAILED,
    NO_RECEIPT,
)  # the columns of the counts, in the order they come
PAGE = 200


@dataclass(frozen=True)
class Row:
    """One message of the day as the page shows it."""

    holder: str
    phone: str  # masked for anyone but the department's staff
    state: str  # 待发送, 已提交, 已送达, 失败（空号）, 未回执
    serial: str  # the platform's BizId / SerialNo
    length: int
    parts: int  # billed parts (70/67 characters)
    attempt: int


def _row(m: Message, shown: bool) -> Row:
    state = m.state
    if m.state == SUBMITTING:
        state = "已提交（待平台确认）"
    elif m.state == FAILED:
        state = f"失败（{m.failure}）"
    elif m.state == WAITING and m.failure:
        state = f"待发送（上次{m.failure}，重发一次）"
    phone = m.phone if shown else privacy.mask_phone(m.phone)
    return Row(m.holder, phone, state, m.serial, sms_length(m.text), segments(m.text), m.attempt)


def _day(console: Console, text: str) -> date:
    try:
        return date.fromisoformat(text) if text else today_of(console.settings)
    except ValueError:
        return today_of(console.settings)


async def sms_page(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.readable(request, slug)
    settings = console.settings
    department = await run_in_threadpool(
        department_day.usable_department, settings, slug
    )  # else a 409 that says why
    day = _day(console, request.query_params.get("day", "").strip()[:10])
    shown = privacy.sees_contacts(visit.user, slug)
    messages = await run_in_threadpool(day_batch, settings.inputs.registry, slug, day) if settings.sms else []
    counts = Counter(SUBMITTED if m.state == SUBMITTING else m.state for m in messages)
    page = page_of(request.query_params.get("page"), len(messages), PAGE)
    rows = [_row(m, shown) for m in messages[page.rows]]
    last = sms_auto.last_send(console.db)
    return console.page(
        request, "sms.html", slug=slug, day=day, rows=rows, states=STATES, counts=counts, total=len(messages),
        parts=sum(segments(m.text) for m in messages), page=page.number, pages=page.pages, sms=settings.sms, on_platform=on_platform(department),
        template_code=department.sms_template_code, send_at=settings.sms_send_at.strftime("%H:%M"),
        every=settings.sms_receipt_minutes, last=last if last and last.day == day.isoformat() else None,
        tab="today", sees=shown,
    )  # fmt: skip


async def receipts_push(console: Console, request: Request) -> Response:
    """A platform pushes receipts: no session, no CSRF; the secret in the address is the proof."""
    provider, given = request.path_params["provider"], request.path_params["secret"]
    sms, secret = console.settings.sms, console.settings.sms_push_secret
    right = hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))
    if sms is None or not secret or provider != sms.provider or provider not in ACKNOWLEDGEMENTS or not right:
        raise errors.not_found()  # written to the audit log as a refusal, like every 404
    try:
        receipts = read_push(provider, await request.body())
    except PushUnreadable as error:
        raise errors.bad_request(f"{sms.platform_name}推送的回执无法读取：{error}") from None
    day = today_of(console.settings)

    def settle() -> str:
        with console.settings.memory.turn("settling pushes"):  # pushes arrive together: one settles at a time
            settled, left = settle_pushed(console.settings.inputs, sms, day, receipts)
            with closing(connect(console.settings.database)) as db:
                sms_early.keep(db, provider, left, sms_auto.now_of(console.settings))
        done = settled.delivered + sum(settled.failed.values())
        return (
            f"{sms.platform_name}推送回执 {len(receipts)} 条：{sms_auto.settled_text(settled)}"
            if done
            else ""
        )

    summary = await run_in_threadpool(settle)
    if summary:
        audit.log(console.db, sms_auto.WHO, console.address(request), "sms_push", "", summary)
    body, media = ACKNOWLEDGEMENTS[provider]
    return Response(body, 200, media_type=media)
