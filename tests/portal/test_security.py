"""Security headers, CORS from an allowlist, the rate limit per client and the one trusted proxy."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from portal.config import PortalConfigError, read_settings
from portal.ratelimit import RateLimited, RateLimiter
from tests.portal.client import AppClient

GOV = "https://zwfw.example.gov.cn"


@pytest.mark.parametrize("path", ["/lookup?no=HY-0000", "/embed", "/api/v1/certificates/HY-0000", "/healthz",
                                  "/api/v1/certificates/NOPE", "/nothing"])  # fmt: skip
def test_every_response_has_the_security_headers(client_for: Callable[..., AppClient], path: str) -> None:
    response = client_for(frame_ancestors=(GOV,)).get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    csp = response.headers["content-security-policy"]
    assert f"frame-ancestors 'self' {GOV}" in csp
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_cors_only_for_listed_origins_and_only_get(client_for: Callable[..., AppClient]) -> None:
    client = client_for(cors_origins=(GOV,))
    allowed = client.get("/api/v1/certificates/HY-0000", headers={"Origin": GOV})
    assert allowed.headers["access-control-allow-origin"] == GOV
    other = client.get("/api/v1/certificates/HY-0000", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    preflight = {"Origin": GOV, "Access-Control-Request-Method": "GET"}
    ok = client.options("/api/v1/search", headers=preflight)
    assert ok.status_code == 204 and ok.headers["access-control-allow-methods"] == "GET, HEAD"
    post = client.options("/api/v1/search", headers={**preflight, "Access-Control-Request-Method": "POST"})
    assert post.status_code == 403 and "access-control-allow-origin" not in post.headers
    evil = client.options("/api/v1/search", headers={**preflight, "Origin": "https://evil.example"})
    assert evil.status_code == 403


def test_the_rate_limit_answers_429_with_retry_after(client_for: Callable[..., AppClient]) -> None:
    client = client_for(rate_limit=5)
    codes = [client.get("/api/v1/certificates/HY-0000").status_code for _ in range(5)]
    assert codes == [200] * 5
    limited = client.get("/api/v1/certificates/HY-0000")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert limited.json()["error"]["code"] == "rate_limited"
    page = client.get("/lookup?no=HY-0000")
    assert page.status_code == 429 and "查询太频繁" in page.text and page.headers["retry-after"]
    assert client.get("/healthz").status_code == 200  # not a lookup
    assert client.get("/lookup").status_code == 200  # the empty form is not a lookup


def test_the_limit_is_per_visitor_behind_the_trusted_proxy(client_for: Callable[..., AppClient]) -> None:
    from portal.config import PortalConfig
    from tests.portal.conftest import make_app

    base: AppClient = client_for()
    config = PortalConfig(base.app.state.portal.config.index_dir, rate_limit=2, trusted_proxy="10.0.0.1")
    with AppClient(make_app(config), client_address="10.0.0.1") as proxied:
        for visitor in ("198.51.100.1", "198.51.100.2"):
            headers = {"X-Forwarded-For": f"1.2.3.4, {visitor}"}
            codes = [
                proxied.get("/api/v1/certificates/HY-0000", headers=headers).status_code for _ in range(3)
            ]
            assert codes == [200, 200, 429], visitor
    with AppClient(make_app(config), client_address="203.0.113.5") as direct:  # not the proxy: XFF ignored
        codes = [
            direct.get("/api/v1/certificates/HY-0000", headers={"X-Forwarded-For": f"9.9.9.{n}"}).status_code
            for n in range(3)
        ]
        assert codes == [200, 200, 429]


def test_rate_limiter_refills_over_time() -> None:
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])
    for _ in range(60):
        limiter.check("a")
    with pytest.raises(RateLimited) as limited:
        limiter.check("a")
    assert limited.value.retry_after == 1
    limiter.check("b")  # another visitor is not affected
    now[0] = 1.0
    limiter.check("a")
    RateLimiter(0).check("a")  # 0: no limit


def test_portal_settings_are_read_and_checked(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    good = folder / "good.yaml"
    good.write_text(f"每分钟查询次数: 30\n可信代理: 10.0.0.1\n允许嵌入的网站: [{GOV}/]\n", encoding="utf-8")
    assert read_settings(good) == {"rate_limit": 30, "trusted_proxy": "10.0.0.1", "frame_ancestors": (GOV,)}
    assert read_settings(folder / "missing.yaml") == {}
    bad = folder / "bad.yaml"
    bad.write_text(
        "每分钟查询次数: 很多\n允许嵌入的网站: [zwfw.example.gov.cn/path]\n颜色: 红\n", encoding="utf-8"
    )
    with pytest.raises(PortalConfigError) as error:
        read_settings(bad)
    message = str(error.value)
    assert "很多" in message and "zwfw.example.gov.cn/path" in message and "不认识的项目“颜色”" in message
