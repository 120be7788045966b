"""A department's facts (department.yaml) and renewal guides (renewal.yaml), edited in one form.

Checked as `jiaozao check` checks them before anything is written; comments in the files are kept.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from console.catalog import facts
from console.frame import errors, yaml_forms
from console.frame.problems import ProblemRow
from console.frame.requests import Console
from console.store import audit
from portal.rules.text import split_list


def _sections(renewal: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Return (key, title, values) for the default guide and each 证照 entry."""
    sections = [("默认", "默认（对所有证照生效）", dict(renewal.get("默认") or {}))]
    for index, entry in enumerate(renewal.get("证照") or [], start=1):
        if isinstance(entry, dict):
            title = f"证照第 {index} 项：{entry.get('证照名称', '')}"
            sections.append((str(index), title, dict(entry)))
    return sections


async def facts_page(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.readable(request, slug)
    department_text, renewal_text = facts.fact_files(console.settings, slug)
    try:
        department, renewal = yaml_forms.load(department_text), yaml_forms.load(renewal_text)
    except yaml_forms.FormError as error:
        raise errors.ConsoleError(409, "broken_yaml", str(error)) from None
    return _render(console, request, slug, visit.user.can_change(slug), dict(department), renewal, [])


def _render(
    console: Console, request: Request, slug: str, can_change: bool, department: dict[str, Any],
    renewal: dict[str, Any], problems: list[ProblemRow], status: int = 200,
) -> Response:  # fmt: skip
    keys, guide_keys = facts.fact_keys()
    return console.page(
        request, "facts.html", status, slug=slug, can_change=can_change, keys=keys, guide_keys=guide_keys,
        department=department, sections=_sections(renewal), shown=yaml_forms.shown, problems=problems,
    )  # fmt: skip


def _department_values(form: FormData, keys: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in keys:
        raw = str(form.get(f"d.{key}") or "").strip()
        if key == "提醒方式":
            values[key] = list(split_list(raw))
        elif key == "每月叫早":
            values[key] = form.get(f"d.{key}") == "1"
        else:
            values[key] = raw
    return values


def _guide_values(form: FormData, sections: list[str], keys: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    values: dict[str, dict[str, Any]] = {}
    for section in sections:
        fields: dict[str, Any] = {}
        for key in keys:
            raw = str(form.get(f"g.{section}.{key}") or "").strip()
            fields[key] = [m.strip() for m in raw.splitlines() if m.strip()] if key == "提交材料" else raw
        values[section] = fields
    return values


async def save_facts(console: Console, request: Request) -> Response:
    slug = request.path_params["slug"]
    visit = console.changeable(request, slug)
    form = await console.form(request, visit, max_fields=5000)
    keys, guide_keys = facts.fact_keys()
    department_text, renewal_text = facts.fact_files(console.settings, slug)
    try:
        sections = [key for key, _, _ in _sections(yaml_forms.load(renewal_text))]
        new_department = yaml_forms.edit_mapping(department_text, _department_values(form, keys))
        new_renewal = yaml_forms.edit_guides(renewal_text, _guide_values(form, sections, guide_keys))
    except yaml_forms.FormError as error:
        raise errors.ConsoleError(409, "broken_yaml", str(error)) from None
    problems = await run_in_threadpool(facts.check_facts, console.settings, slug, new_department, new_renewal)
    if any(p.is_error for p in problems):
        department, renewal = yaml_forms.load(new_department), yaml_forms.load(new_renewal)
        return _render(console, request, slug, True, dict(department), renewal, problems, 400)
    if (new_department, new_renewal) == (department_text, renewal_text):
        return console.redirect(request, f"/departments/{slug}/facts")
    before = facts.facts_now(console.settings, slug)
    await run_in_threadpool(facts.write_facts, console.settings, slug, new_department, new_renewal)
    job_id = console.jobs.submit(console.db, "facts", slug, visit.user.name, {}, before)
    audit.log(
        console.db,
        visit.user.name,
        visit.address,
        "edit_facts",
        slug,
        f"department.yaml、renewal.yaml，任务 {job_id}",
    )
    return console.redirect(request, f"/jobs/{job_id}")
