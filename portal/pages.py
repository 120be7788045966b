"""HTML pages of the portal: Jinja2 templates with autoescape on, so every value is shown as text."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import HTMLResponse

from portal.certificate import CertificateView
from portal.errors import TITLES, PortalError
from portal.rules.china import chinese_date
from portal.rules.status import Status
from portal.rules.text import is_http_url, is_local_path

_TEMPLATES = Path(__file__).with_name("templates")
DEFAULT_SITE = {"name": "证照到期提醒", "base_url": "/", "host": "", "site_code": "", "icp": "", "icp_url": "",
                "police": "", "police_url": ""}  # fmt: skip


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(_TEMPLATES), autoescape=True, undefined=StrictUndefined, auto_reload=False
    )
    env.filters["day"] = chinese_date
    env.tests["http_url"] = is_http_url  # links from configuration are links only when http(s)
    env.tests["site_url"] = lambda url: is_http_url(url) or is_local_path(url)
    return env


_ENV = _environment()


def days_text(c: CertificateView) -> str:
    if c.days_left > 0:
        return f"还有 {c.days_left} 天到期"
    if c.days_left == 0:
        return "今天是最后有效日"
    return f"已过期 {-c.days_left} 天"


def _site(meta: dict[str, Any] | None) -> dict[str, Any]:
    """Return the site settings for the header and footer: a link that is not http(s) is dropped (text stays)."""
    site = dict((meta or {}).get("site", DEFAULT_SITE))
    for key in ("icp_url", "police_url"):
        if not is_http_url(str(site.get(key) or "")):
            site[key] = ""
    base = str(site.get("base_url") or "/")
    site["base_url"] = base if is_http_url(base) or is_local_path(base) else "/"
    return site


def _card(c: CertificateView, key: str) -> dict[str, Any]:
    """Return one result's view; its calendar link uses the number as typed (a person's is shown masked)."""
    status_class = {Status.DUE_SOON.label: "soon", Status.EXPIRED.label: "expired"}.get(c.status, "ok")
    ics_url = f"/certificates/{quote(key, safe='')}.ics?department={c.department_code}" if key else ""
    return {"view": c, "days_text": days_text(c), "status_class": status_class, "ics_url": ics_url}


def lookup_page(
    template: str, *, query: str, found: list[CertificateView], meta: dict[str, Any] | None, message: str = "",
    status: int = 200, key: str = "",
) -> HTMLResponse:  # fmt: skip
    """Render the lookup (or embed) page: the form, then the certificates found, or what to check."""
    departments = list((meta or {}).get("departments", {}).values())
    context = {
        "site": _site(meta),
        "built_on": (meta or {}).get("built_on", ""),
        "query": query,
        "found": [_card(c, key) for c in found],
        "departments": departments,
        "message": message,
    }
    return HTMLResponse(_ENV.get_template(template).render(context), status_code=status)


def error_page(error: PortalError, meta: dict[str, Any] | None) -> HTMLResponse:
    """Render an error for a person: what happened and what to do, never a traceback."""
    context = {
        "site": _site(meta),
        "built_on": (meta or {}).get("built_on", ""),
        "title": TITLES.get(error.status, "出错了"),
        "message": error.message,
        "hint": error.hint,
    }
    return HTMLResponse(_ENV.get_template("error.html").render(context), error.status, error.headers)
