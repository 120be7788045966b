"""The Content-Security-Policy of the portal's and the console's own pages, and the headers both send with it.

Their pages carry no inline script or style and load only their own files: scripts, styles, images (data: too) from
the same origin, forms posted to it, no <base>. Only framing differs: the portal may be framed by the sites in
portal.yaml (允许嵌入的网站), the console by none.
"""

from __future__ import annotations

CSP_HEADER = b"content-security-policy"
# Sent with every page of either app: no MIME sniffing, no address leaked to other sites.
BASE_HEADERS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"))


def page_csp(frame_ancestors: tuple[str, ...] | None) -> bytes:
    """Return the CSP of an app's own pages: framed by itself and frame_ancestors, or by nothing at all (None)."""
    ancestors = "'none'" if frame_ancestors is None else " ".join(("'self'", *frame_ancestors))
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}"
    ).encode()
