"""The demo site served by `jiaozao serve`: its own CSP lets mkdocs-material's search run; the portal keeps its own."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.browser import ARTIFACTS, chromium, require_browser


@pytest.fixture(scope="module")
def base(request: pytest.FixtureRequest) -> str:
    require_browser()
    return str(request.getfixturevalue("served_site"))


def test_site_pages_get_the_site_policy_and_portal_pages_the_strict_one(base: str) -> None:
    site = httpx.get(base + "/index.html").headers["content-security-policy"]
    portal = httpx.get(base + "/lookup").headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline'" in site and "frame-ancestors" in site
    assert "script-src 'self';" in portal and "unsafe-inline" not in portal


def test_the_sites_search_finds_a_department_under_serve(base: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as driver:
        browser: Any = driver
        browser.get(base + "/index.html")
        browser.execute_script("document.querySelector('label[for=__search]').click()")
        query = browser.find_element("css selector", "input[data-md-component=search-query]")
        query.send_keys("办事指南")
        deadline, results = time.monotonic() + 30, []
        while time.monotonic() < deadline and not results:
            time.sleep(0.3)
            results = browser.find_elements("css selector", ".md-search-result__item")
        browser.save_screenshot(str(ARTIFACTS / "site-search-under-serve.png"))
        errors = [e for e in browser.get_log("browser") if "Content Security Policy" in e.get("message", "")]
        assert results, "the site search showed no results under jiaozao serve"
        assert errors == []
