"""The demo site served by `jiaozao serve`: its own CSP lets mkdocs-material's search run; the portal keeps its own."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from generator.config import Settings
from generator.workflows.build import build_site
from tests.browser import ARTIFACTS, chromium, require_browser
from tests.portal.conftest import TODAY, PortalData
from tests.portal.test_server import running_portal


@pytest.fixture(scope="module")
def served_site(portal_data: PortalData, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    root = tmp_path_factory.mktemp("site-search")
    catalogs = root / "catalogs"
    shutil.copytree(portal_data.catalogs_dir, catalogs)
    (catalogs / "portal.yaml").write_text("每分钟查询次数: 0\n", encoding="utf-8")
    settings = Settings.read(str(catalogs), site=str(root / "site"), src=str(root / "src"))
    build_site(settings, TODAY, with_index=True)
    with running_portal(catalogs, settings.index, "--site", str(settings.site)) as base:
        yield base


def test_site_pages_get_the_site_policy_and_portal_pages_the_strict_one(served_site: str) -> None:
    site = httpx.get(served_site + "/index.html").headers["content-security-policy"]
    portal = httpx.get(served_site + "/lookup").headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline'" in site and "frame-ancestors" in site
    assert "script-src 'self';" in portal and "unsafe-inline" not in portal


def test_the_sites_search_finds_a_department_under_serve(served_site: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as driver:
        browser: Any = driver
        browser.get(served_site + "/index.html")
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
