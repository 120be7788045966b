"""Who is asking: the client's address, the one rule the portal and the console both follow.

Behind the one trusted reverse proxy (nginx with `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`)
only the right-most X-Forwarded-For entry is believed: it is the hop nginx itself added, the address that
connected to it. Everything left of it came from the caller and may be anything. An entry that is not an IP
address (markup, a host name, garbage) is never used: the socket's address is, as for a caller that did not
come through the proxy at all.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

UNKNOWN = "unknown"


def client_address(peer: str | None, forwarded_for: str | Iterable[str] | None, trusted_proxy: str) -> str:
    """Return the client's address: the proxy's own X-Forwarded-For hop when peer is the trusted proxy, else peer.

    forwarded_for: the X-Forwarded-For header, or every one of them in order when a request carries several.
    """
    if from_proxy(peer, trusted_proxy) and forwarded_for:
        values = [forwarded_for] if isinstance(forwarded_for, str) else list(forwarded_for)
        last = ",".join(values).split(",")[-1].strip()
        address = _ip(last)
        if address:
            return address
    return peer or UNKNOWN


def scope_address(scope: Mapping[str, Any], trusted_proxy: str) -> str:
    """Return client_address() of an ASGI request scope (its socket peer and X-Forwarded-For headers)."""
    client = scope.get("client")
    forwarded = [v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"x-forwarded-for"]
    return client_address(client[0] if client else None, forwarded, trusted_proxy)


def _ip(text: str) -> str:
    """Return text as a normalised IP address, or "" when it is not one."""
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return ""


def from_proxy(peer: str | None, trusted_proxy: str) -> bool:
    """Return whether the socket peer is the trusted proxy (the same address, however it is written)."""
    if not trusted_proxy or not peer:
        return False
    return peer == trusted_proxy or (_ip(peer) != "" and _ip(peer) == _ip(trusted_proxy))
