"""续证闭环 in 督促检查 (/supervision-loop): 闭环率, 联系不上 and 全部提醒后过期未续证 per department and for the
province, as `jiaozao report` writes them on its 闭环 sheet; each number links to the certificates it counts."""

from __future__ import annotations

from collections import Counter
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console.frame import errors
from console.frame.paging import page_of
from console.frame.requests import Console
from console.state import figures
from console.supervision.views import ALL, PAGE, _period
from generator.workflows.report import LOOP_FIGURES, closing_rate

LOOP_CODES = dict(zip(("due", "closed", "unreachable", "lapsed"), LOOP_FIGURES, strict=True))


async def loop_page(console: Console, request: Request) -> Response:
    visit = console.require(request)
    period, chosen = await _period(console, request, figures.supervision)
    _, loop = await run_in_threadpool(figures.loop, console.settings, period.start, period.end)
    shown = [f for f in loop if visit.user.can_read(f.department.slug)]
    total: Counter[str] = Counter()
    for f in shown:
        total.update(f.figures)
    return console.page(
        request, "supervision_loop.html", period=period, chosen=chosen, shown=shown, total=total,
        total_rate=closing_rate(total), **_common(period.start.isoformat(), period.end.isoformat()),
    )  # fmt: skip


async def loop_list(console: Console, request: Request) -> Response:
    slug, code = request.path_params["slug"], request.path_params["figure"]
    figure = LOOP_CODES.get(code)
    if figure is None:
        raise errors.not_found("这项数字")
    visit = console.require(request) if slug == ALL else console.readable(request, slug)
    period, chosen = await _period(console, request, figures.supervision)
    _, loop = await run_in_threadpool(figures.loop, console.settings, period.start, period.end)
    chosen_slugs = [
        f.department.slug
        for f in loop
        if visit.user.can_read(f.department.slug) and slug in (ALL, f.department.slug)
    ]
    if slug != ALL and not chosen_slugs:
        raise errors.not_found("这个部门的目录（部门没有目录时不统计）")
    # the lines behind the figures: each department counted again from its own day
    shown = await run_in_threadpool(
        figures.loop_lines, console.settings, period.start, period.end, chosen_slugs
    )
    lines = sorted(
        ((f.department.name, line) for f in shown for line in f.behind(figure)),
        key=lambda pair: (pair[1].expires, pair[0], pair[1].holder),
    )
    page = page_of(request.query_params.get("page"), len(lines), PAGE)
    title = shown[0].department.name if slug != ALL else "所列部门合计"
    return console.page(
        request, "supervision_loop_list.html", period=period, chosen=chosen, slug=slug, figure=figure,
        lines=lines[page.rows], count=len(lines), page=page.number, pages=page.pages, title=title,
        everyone=slug == ALL, **_common(period.start.isoformat(), period.end.isoformat()),
    )  # fmt: skip


def _common(start: str, end: str) -> dict[str, Any]:
    return {
        "figures": LOOP_FIGURES, "codes": {figure: code for code, figure in LOOP_CODES.items()}, "all": ALL,
        "span": f"from={start}&to={end}",
    }  # fmt: skip
