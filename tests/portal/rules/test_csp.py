"""The CSP of the portal's and the console's own pages: one policy, framing aside."""

from __future__ import annotations

from portal.rules.csp import page_csp


def test_the_portal_may_be_framed_by_its_allowlist_the_console_by_nothing():
    portal = page_csp(("https://zwfw.example.gov.cn",)).decode()
    console = page_csp(None).decode()
    assert portal.endswith("frame-ancestors 'self' https://zwfw.example.gov.cn")
    assert console.endswith("frame-ancestors 'none'")
    assert page_csp(()).decode().endswith("frame-ancestors 'self'")
    assert portal.rsplit(";", 1)[0] == console.rsplit(";", 1)[0]  # the rest is the same policy


def test_no_inline_script_or_style_and_nothing_from_elsewhere():
    policy = page_csp(None).decode()
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "form-action 'self'" in policy and "base-uri 'none'" in policy
