"""The built site in a real browser: screenshots at phone and desktop widths, no sideways scrolling."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import ARTIFACTS, chromium

PAGES = {
    "home": "index.html",
    "catalog": "departments/anshan/index.html",
    "notices": "notices/anshan/90/index.html",
}


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_fits_the_width_and_is_captured(site_url: str, page: str, width: int) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium(width=width) as driver:
        browser: Any = driver
        browser.get(site_url + PAGES[page])
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        height = browser.execute_script("return Math.min(document.documentElement.scrollHeight, 4000)")
        browser.set_window_size(width, height)
        path = ARTIFACTS / f"{page}-{width}.png"
        browser.save_screenshot(str(path))
        assert overflow <= 0, f"{page} 在 {width}px 宽度下可以横向滚动 {overflow}px"
        assert path.stat().st_size > 5_000
        assert "证照" in browser.page_source


def test_lookup_box_submits_the_number_to_the_portal(site_url: str) -> None:
    with chromium() as driver:
        browser: Any = driver
        browser.get(site_url + "index.html")
        box = browser.find_element("name", "no")
        box.send_keys("AS-01-2023-000001")
        box.submit()
        assert "no=AS-01-2023-000001" in browser.current_url
        assert "/lookup" in browser.current_url


def test_the_large_text_toggle_is_keyboard_reachable(site_url: str) -> None:
    with chromium() as driver:
        browser: Any = driver
        browser.get(site_url + "index.html")
        toggle = browser.find_element("css selector", "[aria-pressed]")
        before = browser.execute_script("return getComputedStyle(document.body).fontSize")
        toggle.send_keys("\n")
        after = browser.execute_script("return getComputedStyle(document.body).fontSize")
        assert toggle.get_attribute("aria-pressed") == "true" and after != before
