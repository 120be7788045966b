"""Security headers and CORS for every response, as one pure ASGI middleware (cheap at 10,000+ requests/s)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.rules.csp import BASE_HEADERS, CSP_HEADER, page_csp

_PORTAL_PREFIXES = (
    "/lookup",
    "/embed",
    "/api/",
    "/certificates/",
    "/healthz",
    "/openapi.json",
    "/portal-static/",
)


class SecurityHeaders:
    """Adds CSP (frame-ancestors from the allowlist), nosniff and Referrer-Policy; CORS for /api/ (GET only)."""

    def __init__(
        self,
        app: ASGIApp,
        frame_ancestors: tuple[str, ...],
        cors_origins: tuple[str, ...],
        serves_site: bool = False,
    ) -> None:
        self.app = app
        self.serves_site = serves_site
        ancestors = " ".join(("'self'", *frame_ancestors))
        self.portal_csp = page_csp(frame_ancestors)
        # The static site (served here only in the demo; nginx serves it in production) carries mkdocs-material's
        # inline scripts and its search worker: same-origin everything, inline allowed, framing from the allowlist.
        self.site_csp = (
            "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors {ancestors}"
        ).encode()
        self.cors_origins = {o.encode() for o in cors_origins}
        self.common = [*BASE_HEADERS]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        origin = _header(scope, b"origin")
        api = path.startswith("/api/")
        allowed_origin = origin if (api and origin in self.cors_origins) else None
        if api and scope["method"] == "OPTIONS" and _header(scope, b"access-control-request-method"):
            await self._preflight(send, allowed_origin, _header(scope, b"access-control-request-method"))
            return
        site = self.serves_site and not path.startswith(_PORTAL_PREFIXES)
        csp = self.site_csp if site else self.portal_csp
        extra = [*self.common, (CSP_HEADER, csp)]
        if allowed_origin is not None:
            extra += [(b"access-control-allow-origin", allowed_origin), (b"vary", b"Origin")]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _preflight(self, send: Send, origin: bytes | None, method: bytes | None) -> None:
        headers = [*self.common, (b"content-length", b"0")]
        status = 403
        if origin is not None and method in (b"GET", b"HEAD"):
            status = 204
            headers += [
                (b"access-control-allow-origin", origin), (b"access-control-allow-methods", b"GET, HEAD"),
                (b"access-control-max-age", b"600"), (b"vary", b"Origin"),
            ]  # fmt: skip
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None
