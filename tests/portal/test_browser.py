"""The portal in a real browser: the site's lookup box reaches a result; /embed frames only on allowed hosts."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.config import Settings, default_index_dir
from generator.workflows.build import build_site
from tests.browser import ARTIFACTS, chromium, require_browser, serve
from tests.portal.conftest import TODAY, PortalData
from tests.portal.test_server import running_portal


@pytest.fixture(scope="module")
def framing_pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """Two parent pages on other local origins (one allowed to frame the portal, one not)."""
    root = tmp_path_factory.mktemp("frames")
    with serve(root) as allowed, serve(root) as denied:
        yield allowed, denied, root


@pytest.fixture(scope="module")
def portal(
    portal_data: PortalData, framing_pages: tuple[str, str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    require_browser()
    root = tmp_path_factory.mktemp("portal-browser")
    catalogs = root / "catalogs"
    shutil.copytree(portal_data.catalogs_dir, catalogs)
    allowed = framing_pages[0].rstrip("/")
    (catalogs / "portal.yaml").write_text(
        f"每分钟查询次数: 0\n允许嵌入的网站: [{allowed}]\n", encoding="utf-8"
    )
    site = root / "site"
    build_site(Settings.read(str(catalogs)), TODAY, site, root / "src", index_dir=default_index_dir(site))
    with running_portal(catalogs, default_index_dir(site), "--site", str(site)) as base:
        yield base


def test_the_sites_lookup_box_reaches_a_result(portal: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium(width=375) as driver:
        browser: Any = driver
        browser.get(portal + "/index.html")
        box = browser.find_element("name", "no")
        box.send_keys("hy 0000")
        box.submit()
        assert "/lookup?no=" in browser.current_url
        text = browser.find_element("tag name", "main").text
        assert "无锡华宇科技有限公司" in text and "续证要带的材料" in text
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        browser.set_window_size(375, min(browser.execute_script("return document.body.scrollHeight"), 3000))
        browser.save_screenshot(str(ARTIFACTS / "portal-lookup-375.png"))
        assert overflow <= 0


def _parent(folder: Path, name: str, portal: str) -> str:
    (folder / name).write_text(
        f'<!doctype html><meta charset="utf-8"><title>政务服务网</title><h1>政务服务网</h1>'
        f'<iframe id="jz" src="{portal}/embed" width="420" height="700" title="证照到期查询"></iframe>',
        encoding="utf-8",
    )
    return name


def test_embed_works_inside_an_allowed_hosts_iframe(
    portal: str, framing_pages: tuple[str, str, Path]
) -> None:
    allowed, _, folder = framing_pages
    page = _parent(folder, "allowed.html", portal)
    with chromium() as driver:
        browser: Any = driver
        browser.get(allowed + page)
        browser.switch_to.frame(browser.find_element("id", "jz"))
        box = browser.find_element("name", "no")
        box.send_keys("EXP-2026-0001")
        box.submit()
        text = browser.find_element("tag name", "main").text
        assert "鞍山市立山区老地方饭店" in text and "已过期" in text
        browser.switch_to.default_content()
        browser.save_screenshot(str(ARTIFACTS / "portal-embed-allowed.png"))


def test_a_host_not_in_the_allowlist_cannot_frame_it(
    portal: str, framing_pages: tuple[str, str, Path]
) -> None:
    _, denied, folder = framing_pages
    page = _parent(folder, "denied.html", portal)
    with chromium() as driver:
        browser: Any = driver
        browser.get(denied + page)
        browser.switch_to.frame(browser.find_element("id", "jz"))
        assert browser.find_elements("name", "no") == []
        assert "证照到期查询" not in browser.page_source
