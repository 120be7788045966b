"""Security headers on every response, and a cap on request bodies, as pure ASGI middleware."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.rules.csp import BASE_HEADERS, CSP_HEADER, page_csp

_HEADERS = [(CSP_HEADER, page_csp(None)), *BASE_HEADERS, (b"x-frame-options", b"DENY")]  # never framed


class BodyTooLarge(Exception):
    """A request body went over the console's upload limit while being read."""


class SecurityHeaders:
    """Adds CSP (no inline script, no framing), nosniff, Referrer-Policy; no-store on everything but static files."""

    def __init__(self, app: ASGIApp, https: bool) -> None:
        self.app = app
        self.extra = [*_HEADERS]
        if https:
            self.extra.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/console-static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    h for h in message.get("headers", []) if static or h[0].lower() != b"cache-control"
                ]
                if not static:  # every page is behind sign-in, and most show personal data
                    headers.append((b"cache-control", b"no-store"))
                own = any(
                    h[0].lower() == CSP_HEADER for h in headers
                )  # a page with its own (the printable letters)
                message["headers"] = [*headers, *(h for h in self.extra if not (own and h[0] == CSP_HEADER))]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses bodies over the limit: by Content-Length at once, or while reading a chunked one."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        length = next((v for k, v in scope["headers"] if k == b"content-length"), b"")
        if length.isdigit() and int(length) > self.limit:
            scope["jiaozao.too_large"] = True
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return message

        await self.app(scope, counting_receive, send)
