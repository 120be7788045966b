"""The lookup portal: a certificate by its number, as a page, an embeddable box, JSON and a calendar file.

It reads only what `jiaozao build` wrote (the lookup index beside the site) and never imports pandas.
Production: `uvicorn --factory portal.app:app_from_environment --workers 4` behind nginx (see README).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from portal import errors, pages
from portal.certificate import CertificateView
from portal.config import PortalConfig
from portal.errors import PortalError
from portal.fastpath import FastLookup
from portal.format import MalformedInput, normalize_number
from portal.ics import calendar_file
from portal.openapi import openapi_document
from portal.ratelimit import RateLimited, RateLimiter
from portal.rules.china import china_today
from portal.rules.client import scope_address
from portal.security import SecurityHeaders
from portal.store import Generation, IndexStore, IndexUnavailable

log = logging.getLogger("jiaozao.portal")
_STATIC = Path(__file__).with_name("static")
SPENT = "jiaozao.spent"  # set in the scope once this request's lookup was counted against its client


class Portal:
    """The portal's state and endpoints: one index store, one rate limiter, one configuration."""

    def __init__(self, config: PortalConfig) -> None:
        self.config = config
        self.store = IndexStore(config.index_dir)
        self.limiter = RateLimiter(config.rate_limit)
        self.today: Callable[[], date] = china_today  # status and days left are computed per request

    # -- shared steps -------------------------------------------------------------------------------

    def generation(self) -> Generation:
        try:
            return self.store.current()
        except IndexUnavailable:
            raise errors.unavailable() from None

    def meta(self) -> dict[str, Any] | None:
        try:
            return self.store.current().meta
        except IndexUnavailable:
            return None

    def charge(self, scope: Scope) -> None:
        """Count one lookup against the client's address (behind the trusted proxy: the visitor's), once a request.

        Raises RateLimited when the client has used up its lookups for now.
        """
        if self.limiter.per_minute <= 0 or scope.get(SPENT):
            return
        self.limiter.check(scope_address(scope, self.config.trusted_proxy))
        scope[SPENT] = True

    def spend(self, request: Request) -> None:
        """charge() for an endpoint: a client over its limit gets the 429 error."""
        try:
            self.charge(request.scope)
        except RateLimited as limited:
            raise errors.rate_limited(limited.retry_after) from None

    def find(self, number: str) -> tuple[str, list[CertificateView], Generation]:
        """Return the lookup key and the certificates with that number, as of today (China time)."""
        try:
            key = normalize_number(number)
        except MalformedInput as error:
            raise errors.malformed(str(error)) from None
        generation = self.generation()
        today = self.today()
        return (
            key,
            [CertificateView.of(r, generation.items, today) for r in generation.lookup(key)],
            generation,
        )

    # -- pages -------------------------------------------------------------------------------------

    async def lookup(self, request: Request) -> Response:
        return self._page(request, "lookup.html")

    async def embed(self, request: Request) -> Response:
        return self._page(request, "embed.html")

    def _page(self, request: Request, template: str) -> Response:
        query = request.query_params.get("no", "")
        shown = "".join(ch for ch in query[:64] if ch.isprintable())
        if not query.strip():
            return pages.lookup_page(template, query="", found=[], meta=self.meta())
        self.spend(request)
        try:
            key, found, generation = self.find(query)
        except PortalError as error:
            if error.status != 422:
                raise
            return pages.lookup_page(
                template, query=shown, found=[], meta=self.meta(), message=error.message, status=422
            )
        return pages.lookup_page(
            template, query=shown, found=found, meta=generation.meta, status=200 if found else 404, key=key
        )

    # -- API -------------------------------------------------------------------------------------------

    async def certificate(self, request: Request) -> Response:
        self.spend(request)
        number = request.path_params["number"]
        _, found, _ = self.find(number)
        if not found:
            raise errors.certificate_not_found(number)
        if len(found) == 1:
            return Response(found[0].json_body(), media_type="application/json")
        body = found[0].as_json()
        body["other_matches"] = [c.as_summary() for c in found[1:]]
        return JSONResponse(body)

    async def search(self, request: Request) -> Response:
        self.spend(request)
        text = request.query_params.get("q", "")
        department = request.query_params.get("department") or None
        if len(text) > 64 or not text.strip():
            raise errors.malformed("请用 q 给出 2 到 64 个字的持证单位名称或证照名称")
        generation = self.generation()
        if department is not None and department not in generation.meta["departments"]:
            known = "、".join(generation.meta["departments"])
            raise PortalError(
                422, "unknown_department", f"没有代号为“{department}”的部门", f"可用的部门代号：{known}"
            )
        try:
            records, more = generation.search(text, department)
        except MalformedInput as error:
            raise PortalError(
                422, "malformed", str(error), "按持证单位名称或证照名称中的连续 2 个字以上查询。"
            ) from None
        today = self.today()
        results = [CertificateView.of(r, generation.items, today).as_summary() for r in records]
        return JSONResponse({"query": text, "department": department, "results": results, "more": more})

    async def calendar(self, request: Request) -> Response:
        name: str = request.path_params["name"]
        if not name.endswith(".ics"):
            raise errors.not_found_route()
        self.spend(request)
        number = name[: -len(".ics")]
        _, found, generation = self.find(number)
        department = request.query_params.get("department")
        if department:
            found = [c for c in found if c.department_code == department]
        if not found:
            raise errors.certificate_not_found(number)
        built_on = date.fromisoformat(generation.meta["built_on"])
        body = calendar_file(found[0], built_on)
        filename = "certificate.ics"
        return Response(
            body, media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
        )  # fmt: skip

    async def healthz(self, request: Request) -> Response:
        try:
            generation = self.store.current()
        except IndexUnavailable as error:
            return JSONResponse({"status": "unavailable", "problem": str(error)}, status_code=503)
        body = {
            "status": "ok" if self.store.healthy else "degraded",
            "generation": generation.name,
            "built_on": generation.meta["built_on"],
            "certificates": generation.meta["certificates"],
        }
        if not self.store.healthy:
            body["problem"] = self.store.problem or ""
        return JSONResponse(body, status_code=200 if self.store.healthy else 503)

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi_document())

    async def home(self, request: Request) -> Response:
        return RedirectResponse("/lookup", status_code=302)

    # -- errors ------------------------------------------------------------------------------------

    async def on_portal_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PortalError)
        return self.render_error(request, exc)

    async def on_http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            error = errors.not_found_route()
        elif exc.status_code == 405:
            error = errors.method_not_allowed()
        else:
            error = PortalError(exc.status_code, "bad_request", "请求有误", str(exc.detail))
        return self.render_error(request, error)

    async def on_crash(self, request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return self.render_error(request, errors.internal())

    def render_error(self, request: Request, error: PortalError) -> Response:
        if errors.wants_json(request.url.path):
            return JSONResponse(error.as_json(), status_code=error.status, headers=error.headers)
        return pages.error_page(error, self.meta())


def create_app(config: PortalConfig) -> Starlette:
    """Return the portal ASGI app for a configuration."""
    portal = Portal(config)
    routes: list[Route | Mount] = [
        Route("/api/v1/certificates/{number:path}", portal.certificate),  # first: the busiest route
        Route("/lookup", portal.lookup),
        Route("/embed", portal.embed),
        Route("/api/v1/search", portal.search),
        Route("/certificates/{name:path}", portal.calendar),
        Route("/healthz", portal.healthz),
        Route("/openapi.json", portal.openapi),
        Mount("/portal-static", StaticFiles(directory=_STATIC), name="portal-static"),
    ]
    if config.site_dir is not None:
        routes.append(Mount("/", StaticFiles(directory=config.site_dir, html=True, check_dir=False)))
    else:
        routes.append(Route("/", portal.home))
    app = Starlette(
        routes=routes,
        exception_handlers={
            PortalError: portal.on_portal_error,
            HTTPException: portal.on_http_error,
            Exception: portal.on_crash,
        },
    )
    app.state.portal = portal
    app.add_middleware(FastLookup, portal=portal)
    app.add_middleware(
        SecurityHeaders,
        frame_ancestors=config.frame_ancestors,
        cors_origins=config.cors_origins,
        serves_site=config.site_dir is not None,
    )
    return app


def app_from_environment() -> Starlette:
    """uvicorn factory: the configuration from JIAOZAO_INDEX, JIAOZAO_SITE and JIAOZAO_PORTAL_CONFIG."""
    app = create_app(PortalConfig.from_environment())
    gc.collect()
    gc.freeze()  # what start-up loaded lives as long as the process: keep it out of every later collection
    return app
