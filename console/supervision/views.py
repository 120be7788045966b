"""督促检查 (/supervision): the figures of `jiaozao report` for a period, week by week, and the lines behind them.

科员 see their own departments, 督查 and 管理员 all. Every number links to the certificates it counts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console.frame import errors
from console.frame.downloads import download
from console.frame.paging import page_of
from console.frame.requests import Console, Visit
from console.settings import ConsoleSettings
from console.state import figures, inputs
from console.state.figures import Overview
from console.supervision import charts
from generator.problems import DepartmentUnusable
from generator.workflows.report import (
    FIGURES,
    REMINDER_FIGURES,
    WAYS,
    DepartmentFigures,
    Supervision,
    on_time_rate,
)

P = TypeVar("P", Overview, Supervision)

CODES = dict(
    zip(("due", "on-time", "late", "not-done", "renewed", "lapsed", "pending"), FIGURES, strict=True)
)
ALL = "_all"  # every department the user may read (no department folder starts with _)
PAGE = 100
_LONGEST = 732  # days: two years of weeks still fit a chart
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


async def supervision_page(console: Console, request: Request) -> Response:
    visit = console.require(request)
    period, chosen = await _period(console, request, figures.overview)
    shown = _readable(visit, period)
    total, weekly = _totals(shown, len(period.weeks))
    weeks = [w.start for w in period.weeks]
    small = [_chart(f"chart-{n}", d.department.name, weeks, d.weekly, True) for n, d in enumerate(shown)]
    names = inputs.department_names(console.settings)
    left_out = [
        (u.slug, names.get(u.slug, u.name), errors.clerk_text(u.reason))
        for u in period.unusable
        if visit.user.can_read(u.slug)
    ]
    return console.page(
        request, "supervision.html", period=period, shown=shown, total=total, chosen=chosen, left_out=left_out,
        total_chart=_chart("chart-total", "所列部门合计", weeks, weekly), total_weekly=weekly,
        total_rate=on_time_rate(total), small=small, ways=WAYS, **_common(period),
    )  # fmt: skip


async def department_page(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    console.readable(request, slug)
    period, chosen = await _period(console, request, figures.overview)
    found = _department(period, slug)
    weeks = [w.start for w in period.weeks]
    chart = _chart("chart-dept", found.department.name, weeks, found.weekly)
    return console.page(
        request, "supervision_department.html", period=period, found=found, chart=chart, chosen=chosen,
        **_common(period),
    )  # fmt: skip


async def list_page(console: Console, request: Request) -> Response:
    slug, code = request.path_params["slug"], request.path_params["figure"]
    figure = CODES.get(code)
    if figure is None:
        raise errors.not_found("这项数字")
    visit = console.require(request) if slug == ALL else console.readable(request, slug)
    period, chosen = await _period(console, request, figures.supervision)
    departments = _readable(visit, period) if slug == ALL else [_department(period, slug)]
    names = {d.slug: d.department.name for d in departments}
    lines = sorted(
        (c for d in departments for c in d.behind(figure)), key=lambda c: (c.day, c.department, c.holder)
    )
    page = page_of(request.query_params.get("page"), len(lines), PAGE)
    return console.page(
        request, "supervision_list.html", period=period, slug=slug, code=code, figure=figure, chosen=chosen,
        lines=lines[page.rows], count=len(lines), page=page.number, pages=page.pages,
        reminder=figure == "应提醒" or figure in REMINDER_FIGURES, everyone=slug == ALL, dept_names=names,
        title=names.get(slug, "所列部门合计"), **_common(period),
    )  # fmt: skip


async def report_file(console: Console, request: Request) -> Response:
    visit = console.require(request)
    period, _ = await _period(console, request, figures.supervision)
    _, loop = await run_in_threadpool(figures.loop, console.settings, period.start, period.end)
    shown = _readable(visit, period)
    slugs = [f.department.slug for f in loop if visit.user.can_read(f.department.slug)]
    readable = await run_in_threadpool(figures.loop_lines, console.settings, period.start, period.end, slugs)
    content = await run_in_threadpool(figures.report_xlsx, period, shown, readable)
    return download(content, f"督促检查-{period.start.isoformat()}-{period.end.isoformat()}.xlsx", "xlsx")


async def _period(
    console: Console, request: Request, count: Callable[[ConsoleSettings, date, date], P]
) -> tuple[P, bool]:
    """Return the figures of the period asked for (default: this quarter), and whether it was asked for.

    count is figures.overview for pages of figures, .supervision for pages listing what is behind them.
    """
    query = request.query_params
    given = query.get("from", "").strip(), query.get("to", "").strip()
    default = figures.default_period(inputs.today_of(console.settings))
    start, end = (_day(text, fallback) for text, fallback in zip(given, default, strict=True))
    if start > end:
        raise errors.bad_request(f"开始日期 {start} 晚于结束日期 {end}", "请把开始日期写在前面。")
    if (end - start).days > _LONGEST:
        raise errors.bad_request("统计期间最长两年", "请缩短期间，例如按季度或按年查看。")
    period = await run_in_threadpool(count, console.settings, start, end)  # errors: mapped in console.app
    return period, any(given)


def _day(text: str, fallback: date) -> date:
    if not text:
        return fallback
    try:
        if not _DAY.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise errors.bad_request(
            f"日期“{text[:20]}”无法识别", "请按 年-月-日 填写，例如 2026-10-01。"
        ) from None


def _chart(
    chart_id: str, name: str, weeks: list[date], weekly: dict[str, list[int]], small: bool = False
) -> Markup:
    return charts.week_chart(chart_id, f"{name}：各周应提醒的完成情况", weeks, weekly, small)


def _readable(visit: Visit, period: P) -> list[Any]:
    """Return the period's departments the user may read (with what is behind their figures in a Supervision)."""
    return [d for d in period.departments if visit.user.can_read(d.slug)]


def _department(period: P, slug: str) -> Any:
    found = next((d for d in period.departments if d.slug == slug), None)
    broken = next((u for u in period.unusable if u.slug == slug), None)
    if found is None and broken is not None:  # its 目录 or 台账 cannot be used: a 409 saying why
        raise DepartmentUnusable(broken)
    if found is None:
        raise errors.not_found("这个部门的目录（部门没有目录时不统计）")
    return found


def _totals(shown: list[DepartmentFigures], weeks: int) -> tuple[Counter[str], dict[str, list[int]]]:
    total: Counter[str] = Counter()
    weekly = {figure: [0] * weeks for figure in FIGURES}
    for d in shown:
        total.update(d.figures)
        for figure, counts in d.weekly.items():
            weekly[figure] = [a + b for a, b in zip(weekly[figure], counts, strict=True)]
    return total, weekly


def _common(period: Overview | Supervision) -> dict[str, Any]:
    return {
        "figures": FIGURES, "codes": {figure: code for code, figure in CODES.items()}, "all": ALL,
        "span": f"from={period.start.isoformat()}&to={period.end.isoformat()}", "stack": charts.STACK,
    }  # fmt: skip
