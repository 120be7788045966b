"""The portal audited with axe-core in chromium: lookup found / not found / expired / malformed, embed, errors,
and the site it serves (under its content security policy), in both modes at phone and desktop widths.

Also the keyboard path a person without a mouse takes: the site's home page → the lookup box → the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import audit, chromium, open_in_mode, require_axe, summary

PAGES = {
    "lookup": "/lookup",
    "found": "/lookup?no=hy+0000",
    "not-found": "/lookup?no=NO-SUCH-1",
    "expired": "/lookup?no=EXP-2026-0001",
    "malformed": "/lookup?no=---",
    "embed": "/embed",
    "embed-found": "/embed?no=hy+0000",
    "embed-expired": "/embed?no=EXP-2026-0001",
    "error-404": "/portal-static/no-such-file",
    "site-home": "/index.html",
    "site-404": "/no-such-page.html",
}
MODES = {"normal": False, "large": True}


@pytest.fixture(scope="module")
def portal(request: pytest.FixtureRequest) -> str:
    """The portal serving the demo site and its index, with no rate limit."""
    require_axe()
    return str(request.getfixturevalue("served_site"))


@pytest.fixture(scope="module")
def browser(portal: str) -> Iterator[Any]:
    with chromium() as driver:
        yield driver


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("page", list(PAGES))
def test_no_serious_or_critical_axe_findings(
    portal: str, browser: Any, page: str, mode: str, width: int
) -> None:
    open_in_mode(browser, portal + PAGES[page], MODES[mode], width)
    found = audit(browser, f"portal-{page}-{mode}-{width}", enhanced_contrast=MODES[mode])
    assert found == [], f"{page}（{mode}，{width}px）：\n{summary(found)}"


def test_keyboard_only_from_the_home_page_to_a_result(portal: str, browser: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    open_in_mode(browser, portal + "/index.html", False, 1280)
    keys = ActionChains(browser)
    reached = []
    for _ in range(40):
        keys.send_keys(Keys.TAB).perform()
        reached.append(
            browser.execute_script("return document.activeElement.id || document.activeElement.classList[0]")
        )
        if reached[-1] == "jz-no":
            break
    assert reached[0] == "jz-large-toggle", reached
    assert reached[-1] == "jz-no", f"Tab 到不了查询框：{reached}"
    keys.send_keys("hy 0000").send_keys(Keys.ENTER).perform()
    WebDriverWait(browser, 10).until(lambda b: "/lookup?no=" in b.current_url)
    text = browser.find_element("tag name", "main").text
    assert "无锡华宇科技有限公司" in text and "续证要带的材料" in text
    keys.send_keys(Keys.TAB).perform()
    assert browser.execute_script("return document.activeElement.classList[0]") == "large-toggle"
    keys.send_keys(Keys.TAB).perform()
    skip = browser.switch_to.active_element
    assert skip.text == "跳到正文"
    skip.send_keys(Keys.ENTER)
    keys.send_keys(Keys.TAB).perform()
    assert browser.execute_script("return document.activeElement.id") == "no"


def test_an_error_is_tied_to_its_field(portal: str, browser: Any) -> None:
    open_in_mode(browser, portal + "/lookup?no=---", False, 375)
    box = browser.find_element("id", "no")
    assert box.get_attribute("aria-invalid") == "true"
    described = box.get_attribute("aria-describedby").split()
    messages = [browser.find_element("id", name).text for name in described]
    assert "请输入证照编号" in messages
    label = browser.find_element("css selector", "label[for='no']")
    assert label.text == "证照编号"


def test_large_mode_chosen_on_the_site_carries_to_the_portal(portal: str, browser: Any) -> None:
    open_in_mode(browser, portal + "/index.html", False, 1280)
    browser.find_element("css selector", ".jz-large-toggle").click()
    browser.get(portal + "/lookup?no=hy+0000")
    assert browser.execute_script("return document.documentElement.classList.contains('jz-large')")
    toggle = browser.find_element("css selector", ".large-toggle")
    assert toggle.get_attribute("aria-pressed") == "true"
    text = browser.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector('.lead')).fontSize)"
    )
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false"
    normal = browser.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector('.lead')).fontSize)"
    )
    assert text >= 1.5 * normal
    browser.get(portal + "/index.html")
    assert not browser.execute_script("return document.documentElement.classList.contains('jz-large')")


def test_the_portal_pages_run_no_inline_script() -> None:
    templates = Path(__file__).resolve().parents[2] / "portal" / "templates"
    for template in templates.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert text.count("<script") == text.count("<script src="), template.name
        assert re.search(r"\son[a-z]+=", text) is None, template.name  # no onclick= and the like


@pytest.mark.parametrize("width", [1280, 375])
def test_large_mode_targets_are_at_least_44px(portal: str, browser: Any, width: int) -> None:
    for page in ("/lookup?no=hy+0000", "/embed?no=EXP-2026-0001", "/lookup?no=---"):
        open_in_mode(browser, portal + page, True, width)
        small = browser.execute_script(_SMALL_TARGETS)
        assert small == [], f"{page}（{width}px）大字模式下不到 44px 的可点区域：{small}"


_SMALL_TARGETS = """
return [...document.querySelectorAll('button, input, .bar a:not(.skip), .links a, .powered a, .foot a, .error-page a')]
  .filter(e => e.getClientRects().length > 0)
  .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect()])
  .filter(([, box]) => box.width < 44 || box.height < 44)
  .map(([html, box]) => [html, Math.round(box.width), Math.round(box.height)]);
"""
