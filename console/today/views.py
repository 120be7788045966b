"""今日提醒: the department's due list by holder, results recorded as they come, the day's files, SMS and email."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from console.frame import errors, privacy
from console.frame.downloads import download
from console.frame.paging import page_of
from console.frame.problems import ProblemRow, problem_row
from console.frame.requests import Console, Visit
from console.frame.stored_uploads import received
from console.memory import inputs_looked_at_once
from console.state import department_day, inputs, plans
from console.state.holders import REACH, day_list, holder, shown
from console.state.refused import refused_count
from console.store import audit
from console.today import calls
from generator.workflows.today import CHANNELS, MACHINE_RESULTS, RESULTS

PAGE = 50
KINDS = ("临期", "首次", "二次")
# what a clerk picks from on each holder's record form (a machine's results are not a person's to pick): the
# same for every holder, so made once, not 50 times a page
RESULT_OPTIONS = Markup("").join(
    Markup("<option>{}</option>").format(r) for r in RESULTS if r not in MACHINE_RESULTS
)
CHANNEL_OPTIONS = Markup("").join(Markup("<option>{}</option>").format(c) for c in CHANNELS)
# The letters' own page style is inline (print layout); nothing in them runs, and they cannot be framed.
LETTER_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'"
)


def _filters(request: Request) -> dict[str, str]:
    q = request.query_params
    return {
        "kind": q.get("kind", "") if q.get("kind") in KINDS else "",
        "reach": q.get("reach", "") if q.get("reach") in REACH else "",
        "mobile": q.get("mobile", "") if q.get("mobile") in ("有", "无") else "",
        "monthly": "1" if q.get("monthly") == "1" else "",
    }


def _plan(
    console: Console, slug: str, monthly: bool
) -> tuple[calls.DayWork, dict[str, list[str]], list[calls.Entry]]:
    work_ = plans.day_plan(console.settings, slug, monthly)
    entries = calls.today_entries(console.settings, slug)
    tried: dict[str, list[str]] = {}
    for e in entries:
        if e.superseded_by is None:
            r = e.record
            tried.setdefault(f"{r.certificate.key[1]}\t{r.certificate.key[2]}\t{r.kind}", []).append(
                f"{r.result}（{r.channel}，{r.by_whom}，{e.recorded_at[11:16]}）"
            )
    return work_, tried, entries


async def today_page(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.readable(request, slug)
    return await _today(console, request, visit, slug)


async def _today(
    console: Console, request: Request, visit: Visit, slug: str, message: str = "",
    problems: list[ProblemRow] | None = None,
    status: int = 200, sent: calls.EmailReport | None = None,
) -> Response:  # fmt: skip
    f = _filters(request)
    department = await run_in_threadpool(
        department_day.usable_department, console.settings, slug
    )  # else a 409
    plan, tried, entries = await run_in_threadpool(_plan, console, slug, f["monthly"] == "1")
    listed = await run_in_threadpool(day_list, console.settings, plan, slug, f["monthly"] == "1")
    rows = shown(listed, f)
    query = request.query_params
    done = _done_message(entries, query.get("done", ""))
    page = page_of(query.get("page"), len(rows), PAGE)
    batch = await run_in_threadpool(calls.batch_of, console.settings, department)
    counts = {**listed.counts, "recorded": len(entries)}
    counts["ledger_refused"] = await run_in_threadpool(refused_count, console.settings, slug)  # 台账错误
    sees = privacy.sees_contacts(visit.user, slug)
    on_page = [  # the text to read out is made for the holders shown only, their contacts as the user may see
        holder(
            row, seen := privacy.group_for(row[1], sees), calls.script_of(plan, slug, seen),
            [t for p in row[2].picks for t in tried.get(p, [])],
        )
        for row in rows[page.rows]
    ]  # fmt: skip
    made = (
        await run_in_threadpool(calls.kept_sms, console.settings, slug, f["monthly"] == "1") if sees else None
    )
    done_at = next((h.number for h in on_page if done and query.get("next", "") in h.picks), None)
    return console.page(
        request, "today.html", status, slug=slug, department=department, today=plan.today, holders=on_page,
        matched=len(rows), counts=counts, f=f, kinds=KINDS, reach=REACH, page=page.number, pages=page.pages,
        query=urlencode({k: v for k, v in f.items() if v}), results=tuple(RESULTS), channels=CHANNELS,
        result_options=RESULT_OPTIONS, channel_options=CHANNEL_OPTIONS,
        can_change=visit.user.can_change(slug), batch=batch, message=message,
        problems=[privacy.problem_for(p, sees) for p in problems or []],
        entries=[privacy.entry_for(e, sees) for e in entries[-50:][::-1]], sent=sent, smtp=console.settings.smtp is not None,
        limit_mb=console.settings.upload_limit // 1024 // 1024, tab="today", done=done, done_at=done_at,
        failed=status >= 400, sees=sees, made=made, just_made=query.get("made") == "1",
        sent_failed=[privacy.outcome_for(o, sees) for o in sent.failed] if sent else [],
    )  # fmt: skip


def _done_message(entries: list[calls.Entry], done: str) -> str:
    """Return what the last 登记 wrote (only this department's records of today can be named)."""
    wanted = {int(i) for i in done.split(",") if i.isdigit()}
    written = [e.record for e in entries if e.id in wanted]
    if not written:
        return ""
    first = written[0]
    return (
        f"已登记：{first.certificate.holder}，{len(written)} 张证照，{first.result}（{first.channel}，"
        f"{first.by_whom}）。"
    )


def _back(slug: str, form_query: str) -> str:
    """Return the today page with the filters the form came from (only known filters with known values)."""
    given = dict(parse_qsl(form_query))
    clean = {
        "kind": given.get("kind") if given.get("kind") in KINDS else None,
        "reach": given.get("reach") if given.get("reach") in REACH else None,
        "mobile": given.get("mobile") if given.get("mobile") in ("有", "无") else None,
        "monthly": "1" if given.get("monthly") == "1" else None,
        "page": given.get("page") if given.get("page", "").isdigit() else None,
    }
    query = urlencode({k: v for k, v in clean.items() if v})
    return f"/departments/{slug}/today" + (f"?{query}" if query else "")


async def record(console: Console, request: Request) -> Response:
    request.state.writes_no_inputs = True  # recording writes the 登记簿 only, no input file
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    form = await console.form(request, visit, max_fields=1000)
    picks = [str(p) for p in form.getlist("c")]
    result, channel, remark = (str(form.get(k, "")).strip() for k in ("result", "channel", "remark"))
    monthly = form.get("monthly") == "1"
    if not result:  # a record says what happened: no result chosen, nothing is written
        raise errors.bad_request(
            "没有选择联系结果，这次没有登记任何记录",
            "请在“联系结果”中选出这次联系的实际结果（如已告知、未接通、号码有误），再点“登记”。",
        )
    try:
        with inputs_looked_at_once():
            records, ids = await run_in_threadpool(
                calls.record, console.settings, slug, monthly, picks, result, channel, remark, visit.user.name
            )
    except calls.JiaozaoError as error:
        raise errors.bad_request(str(error), "请回到今日提醒页面，刷新后重试。") from None
    holder = records[0].certificate.holder
    numbers = "、".join(r.certificate.number or r.certificate.certificate for r in records)
    made = ", ".join(f"第 {i} 条" for i in ids if i is not None) or "与已有记录相同，未重复登记"
    detail = f"{holder}：{result}（{channel}）{len(records)} 张证照 {numbers}；登记簿 {made}"
    audit.log(console.db, visit.user.name, visit.address, "record_reminder", slug, detail)
    return console.redirect(
        request, _after_record(slug, str(form.get("back", "")), ids, str(form.get("next", "")))
    )


def _after_record(slug: str, back: str, ids: list[int | None], following: str) -> str:
    """Return the today page at the household after the one just recorded, saying what was written."""
    url = _back(slug, back)
    extra = {"done": ",".join(str(i) for i in ids if i is not None), "next": following[:200]}
    query = urlencode({k: v for k, v in extra.items() if v})
    if not query:
        return url
    return f"{url}{'&' if '?' in url else '?'}{query}#done"


async def correct(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    form = await console.form(request, visit)
    raw = request.path_params["id"]
    if not raw.isdigit():
        raise errors.not_found("这条记录")
    result, channel, remark = (str(form.get(k, "")).strip() for k in ("result", "channel", "remark"))
    if not result:
        raise errors.bad_request(
            "没有选择更正后的联系结果，这次没有登记任何更正", "请在“改为”中选出实际的联系结果，再点“更正”。"
        )
    try:
        old, new = await run_in_threadpool(
            calls.correct, console.settings, slug, int(raw), result, channel, remark, visit.user.name
        )
    except calls.JiaozaoError as error:
        raise errors.bad_request(str(error), "请回到上一页，刷新后重试。") from None
    r = old.record
    detail = (
        f"更正登记簿第 {old.id} 条（{r.certificate.holder} {r.certificate.number} {r.kind}：{r.result}，{r.channel}）"
        + (
            f"→ 第 {new} 条：{result}（{channel}）"
            if new
            else f"→ {result}（{channel}）与已有记录相同，未登记"
        )
    )
    audit.log(console.db, visit.user.name, visit.address, "correct_reminder", slug, detail)
    back = str(form.get("back", ""))
    to = back if back in ("records", "today") else "today"
    if to == "records" and r.certificate.number:
        from urllib.parse import quote

        return console.redirect(
            request, f"/departments/{slug}/certificates/{quote(r.certificate.number, safe='')}"
        )
    return console.redirect(request, f"/departments/{slug}/{to}")


async def unreachable_page(console: Console, request: Request) -> Response:
    """联系不上: the department's holders every channel failed for, each attempt listed, for a letter or a visit."""
    slug = request.path_params["slug"]
    visit = console.readable(request, slug)
    department = await run_in_threadpool(department_day.usable_department, console.settings, slug)
    groups = await run_in_threadpool(calls.unreachable_groups, console.settings, slug)
    sees = privacy.sees_contacts(visit.user, slug)
    return console.page(
        request, "unreachable.html", slug=slug, department=department, today=inputs.today_of(console.settings),
        groups=[privacy.group_for(g, sees) for g in groups], sees=sees, tab="today",
    )  # fmt: skip


async def unreachable_file(console: Console, request: Request) -> Response:
    """联系不上.xlsx, made in memory (contacts masked for all but the department's own staff)."""
    slug = request.path_params["slug"]
    visit = console.readable(request, slug)
    await run_in_threadpool(department_day.usable_department, console.settings, slug)
    shown = privacy.sees_contacts(visit.user, slug)
    content = await run_in_threadpool(calls.unreachable_bytes, console.settings, slug, shown)
    return download(content, f"{slug}-联系不上.xlsx", "xlsx")


async def upload_worklist(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    got = await received(console, request, visit)
    if got.ext != "xlsx":
        raise errors.bad_request("请上传本页下载的电话提醒清单（.xlsx），填好后原样上传")
    try:
        result = await run_in_threadpool(
            calls.import_worklist, console.settings, slug, got.content, got.client_name
        )
    except calls.InputError as error:
        rows = [problem_row(p) for p in error.problems]
        audit.log(
            console.db, visit.user.name, visit.address, "import_worklist", slug,
            f"“{got.client_name}” SHA-256 {got.sha256}：有 {len(rows) - 1} 处问题，整个文件未登记",
        )  # fmt: skip
        return await _today(console, request, visit, slug, "清单有问题，整个文件未登记：", rows, 400)
    except calls.JiaozaoError as error:
        raise errors.bad_request(str(error)) from None
    detail = (
        f"“{got.client_name}” SHA-256 {got.sha256}：登记 {result.added} 条，此前已登记 {result.repeated} 条，"
        f"未填 {result.blank} 行" + "".join(f"；警告：{p.location()} {p.message}" for p in result.warnings)
    )
    audit.log(console.db, visit.user.name, visit.address, "import_worklist", slug, detail)
    message = (
        f"清单已登记：{result.added} 条新记录"
        + (f"，{result.repeated} 条此前已登记（未重复登记）" if result.repeated else "")
        + (f"；另有 {result.blank} 行未填，视为尚未提醒" if result.blank else "")
        + (f"；{len(result.warnings)} 行已不在台账中，仍按清单登记，见下表" if result.warnings else "")
        + "。"
    )
    rows = [problem_row(p) for p in result.warnings]
    return await _today(console, request, visit, slug, message, rows)


async def confirm_sms(console: Console, request: Request) -> Response:
    """确认短信已上传: first a page naming the file and what will and will not be recorded, then a second click."""
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    form = await console.form(request, visit)
    monthly, chosen = form.get("monthly") == "1", str(form.get("file", ""))
    try:
        if not chosen.isdigit():
            check = await run_in_threadpool(calls.sms_check, console.settings, slug, monthly, visit.user.name)
            return console.page(
                request, "sms_confirm.html", slug=slug, check=check, monthly=monthly, tab="today",
                warnings=[problem_row(p) for p in check.warnings],
            )  # fmt: skip
        check, result = await run_in_threadpool(
            calls.confirm_sms, console.settings, slug, int(chosen), visit.user.name
        )
    except calls.InputError as error:
        rows = [problem_row(p) for p in error.problems]
        return await _today(console, request, visit, slug, "短信文件有问题，未登记：", rows, 400)
    except calls.JiaozaoError as error:
        raise errors.bad_request(str(error)) from None
    detail = (
        f"短信已上传短信平台（短信.csv，{check.made_at} 生成，{check.messages} 条）：登记 {result.added} 条，"
        f"此前已登记 {result.repeated} 条，未登记 {len(check.left_out)} 项"
    )
    audit.log(console.db, visit.user.name, visit.address, "confirm_sms", slug, detail)
    message = (
        f"已登记短信发送（已发送，未核实送达）：{result.added} 条新记录（{result.records} 张证照）"
        + (f"；{len(check.left_out)} 项未登记，原因见确认页" if check.left_out else "")
        + (f"；{len(result.warnings)} 行有警告，见下表" if result.warnings else "")
        + "。"
    )
    rows = [problem_row(p) for p in result.warnings]
    return await _today(console, request, visit, slug, message, rows)


async def send_email(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    await console.form(request, visit)
    try:
        report = await run_in_threadpool(calls.emails, console.settings, slug)
    except calls.JiaozaoError as error:
        raise errors.bad_request(str(error)) from None
    detail = (
        f"发送邮件：成功 {report.sent} 封，失败 {len(report.failed)} 封，未设置服务器未发 {report.unsent} 封"
    )
    audit.log(console.db, visit.user.name, visit.address, "send_email", slug, detail)
    return await _today(console, request, visit, slug, "", sent=report)


def _monthly(request: Request) -> bool:
    return request.query_params.get("monthly") == "1"


async def make_files(console: Console, request: Request) -> Response:
    """生成今天的文件: the department's own clerk writes the day's worklist, letters and SMS batch (as remind) and
    keeps the SMS file to confirm later; the only way, besides the day's schedule, that the files are written."""
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    if not privacy.sees_contacts(visit.user, slug):
        console.refuse(visit, request)
    form = await console.form(request, visit)
    monthly = form.get("monthly") == "1"
    kept = await run_in_threadpool(calls.make_files, console.settings, slug, monthly)
    made = f"短信 {kept.messages} 条（{kept.made_at[11:16]} 生成）" if kept else "今天没有短信"
    audit.log(console.db, visit.user.name, visit.address, "make_files", slug, f"生成今天的文件：{made}")
    return console.redirect(request, f"/departments/{slug}/today?made=1" + ("&monthly=1" if monthly else ""))


async def worklist_file(console: Console, request: Request) -> Response:
    """The day's worklist, made in memory: a download writes nothing (contacts masked for all but the staff)."""
    slug = request.path_params["slug"]
    visit = console.readable(request, slug)
    shown = privacy.sees_contacts(visit.user, slug)
    content = await run_in_threadpool(calls.worklist_bytes, console.settings, slug, _monthly(request), shown)
    return download(content, f"{slug}-电话提醒清单.xlsx", "xlsx")


async def sms_file(console: Console, request: Request) -> Response:
    """The staff's SMS file as made (生成今天的文件) and kept to confirm; others see a masked look, made in memory."""
    slug = request.path_params["slug"]
    visit = console.readable(request, slug)
    if privacy.sees_contacts(visit.user, slug):
        kept = await run_in_threadpool(calls.kept_sms, console.settings, slug, _monthly(request))
        if kept is None:
            raise errors.ConsoleError(
                404, "not_found", "今天还没有生成本部门的短信文件",
                "请在今日提醒页面点“生成今天的文件”，再下载短信.csv。",
            )  # fmt: skip
        content: bytes | None = kept.content
    else:
        content = await run_in_threadpool(calls.sms_preview, console.settings, slug, _monthly(request))
    if content is None:
        raise errors.not_found("今天的短信（没有可发短信的持证人）")
    return download(content, f"{slug}-短信.csv", "csv")


async def letters(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    console.readable(request, slug)
    raw = request.path_params.get("n", "")
    if raw and not raw.isdigit():
        raise errors.not_found("这封函告")
    html = await run_in_threadpool(
        calls.letters, console.settings, slug, _monthly(request), int(raw) if raw else None
    )
    if html is None:
        raise errors.not_found("这封函告")
    return console.finish(request, HTMLResponse(html, headers={"content-security-policy": LETTER_CSP}))
