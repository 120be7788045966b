"""The built site audited with axe-core in chromium: every page type, in both modes, at phone and desktop widths.

Also what axe cannot see: 大字模式 (1.5× text, 44 px targets, kept across pages, applied before paint),
the keyboard order, the focus ring, the notices as blocks on a phone and their filter box.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import ARTIFACTS, audit, chromium, open_in_mode, require_axe, summary

PAGES = {
    "home": "index.html",
    "departments": "departments/index.html",
    "catalog": "departments/anshan/index.html",
    "guide": "departments/anshan/guides/1.html",
    "notices-index": "notices/index.html",
    "notices-30": "notices/anshan/30/index.html",
    "notices-60": "notices/anshan/60/index.html",
    "notices-90": "notices/anshan/90/index.html",
    "notices-90-page-2": "notices/anshan/90/2.html",
    "notices-empty": "notices/anyang/30/index.html",
    "print": "notices/anshan/print.html",
    "about": "about.html",
    "404": "404.html",
}
MODES = {"normal": False, "large": True}
NOTICES = "notices/anshan/90/index.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_axe()
    with chromium() as driver:
        yield driver


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("page", list(PAGES))
def test_no_serious_or_critical_axe_findings(
    site_url: str, browser: Any, page: str, mode: str, width: int
) -> None:
    open_in_mode(browser, site_url + PAGES[page], MODES[mode], width)
    found = audit(browser, f"site-{page}-{mode}-{width}", enhanced_contrast=MODES[mode])
    assert found == [], f"{page}（{mode}，{width}px）：\n{summary(found)}"


def test_every_page_is_chinese_with_ordered_headings_and_captioned_tables(
    site_url: str, browser: Any
) -> None:
    for page, path in PAGES.items():
        open_in_mode(browser, site_url + path, False, 1280)
        facts = browser.execute_script(_STRUCTURE)
        assert facts["lang"] == "zh-CN", page
        assert facts["h1"] == 1, page
        assert facts["skipped"] == [], f"{page} 的标题跳级：{facts['skipped']}"
        assert facts["bare_tables"] == 0, f"{page} 有表格缺少 <caption> 或表头"


_STRUCTURE = """
const levels = [...document.querySelectorAll('article h1, article h2, article h3, article h4')]
  .map(h => Number(h.tagName[1]));
const skipped = levels.filter((level, i) => i > 0 && level > levels[i - 1] + 1);
const tables = [...document.querySelectorAll('article table')];
return {
  lang: document.documentElement.lang,
  h1: document.querySelectorAll('h1').length,
  skipped: skipped,
  bare_tables: tables.filter(t => !t.caption || !t.caption.textContent.trim() || !t.querySelector('th')).length,
};
"""


def test_large_mode_is_one_and_a_half_times_with_44px_targets(site_url: str, browser: Any) -> None:
    for width in (1280, 375):
        sizes = {}
        for mode, large in MODES.items():
            open_in_mode(browser, site_url + NOTICES, large, width)
            sizes[mode] = browser.execute_script(_SIZES)
        normal, large = sizes["normal"], sizes["large"]
        assert large["text"] >= 1.5 * normal["text"] - 0.01, (width, sizes)
        assert large["line"] >= 1.5 * normal["line"] - 0.01, (width, sizes)
        small = [t for t in large["targets"] if t[1] < 44 or t[2] < 44]
        assert small == [], f"{width}px 大字模式下不到 44px 的可点区域：{small}"


_SIZES = """
const style = getComputedStyle(document.querySelector('.md-typeset p'));
const selectors = 'button, input:not([type=checkbox]):not([hidden]), .md-header label[tabindex], .md-nav__link, '
  + '.md-typeset td a, .jz-pager a';
const targets = [...document.querySelectorAll(selectors)].filter(e => {
  const box = e.getBoundingClientRect(), style = getComputedStyle(e);
  return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.opacity !== '0'
    && style.pointerEvents !== 'none';
}).map(e => {
  const box = e.getBoundingClientRect();
  return [e.outerHTML.slice(0, 80), Math.round(box.width), Math.round(box.height)];
});
return {text: parseFloat(style.fontSize), line: parseFloat(style.lineHeight), targets: targets};
"""


def test_large_mode_is_kept_across_pages_and_applied_from_the_head(site_url: str, browser: Any) -> None:
    open_in_mode(browser, site_url + "index.html", False, 1280)
    toggle = browser.find_element("css selector", ".jz-large-toggle")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    browser.get(site_url + "about.html")
    assert browser.execute_script("return document.documentElement.classList.contains('jz-large')")
    assert browser.find_element("css selector", ".jz-large-toggle").get_attribute("aria-pressed") == "true"
    # Set by a file in <head> (no inline script: the portal's content security policy allows none)
    assert browser.execute_script(
        "return [...document.head.querySelectorAll('script[src]')].some(s => s.src.endsWith('assets/jiaozao.js'))"
    )
    browser.find_element("css selector", ".jz-large-toggle").click()
    browser.get(site_url + "index.html")
    assert not browser.execute_script("return document.documentElement.classList.contains('jz-large')")


def test_keyboard_reaches_the_switch_first_then_skips_to_the_content(site_url: str, browser: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    open_in_mode(browser, site_url + "index.html", False, 1280)
    keys = ActionChains(browser)
    keys.send_keys(Keys.TAB).perform()
    first = browser.switch_to.active_element
    assert "jz-large-toggle" in first.get_attribute("class")
    ring = browser.execute_script(
        "const s = getComputedStyle(document.activeElement); return [s.outlineStyle, parseFloat(s.outlineWidth)]"
    )
    assert ring[0] != "none" and ring[1] >= 2, f"焦点框看不见：{ring}"
    keys.send_keys(Keys.TAB).perform()
    skip = browser.switch_to.active_element
    assert skip.text == "跳到正文" and skip.is_displayed()
    skip.send_keys(Keys.ENTER)
    keys.send_keys(Keys.TAB).perform()
    inside = browser.execute_script(
        "return document.getElementById('jz-main').contains(document.activeElement)"
    )
    assert inside, "跳到正文后，下一个 Tab 应在正文里"


def test_notices_on_a_phone_are_blocks_with_labels_in_both_modes(site_url: str, browser: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for mode, large in MODES.items():
        open_in_mode(browser, site_url + NOTICES, large, 375)
        layout = browser.execute_script(_LAYOUT)
        assert layout["overflow"] <= 0, f"{mode}：可以横向滚动 {layout['overflow']}px"
        assert layout["display"] == "block" and layout["labels"][:5] == [
            "持证单位", "证照", "编号", "期满日期", "剩余天数",
        ], layout  # fmt: skip
        assert layout["row_width"] <= 375
        height = browser.execute_script("return Math.min(document.documentElement.scrollHeight, 3000)")
        browser.set_window_size(375, height)
        path = ARTIFACTS / f"notices-phone-{mode}-375.png"
        browser.save_screenshot(str(path))
        assert path.stat().st_size > 5_000


_LAYOUT = """
const row = document.querySelector('.jz-notice-rows tbody tr');
const cells = [...row.cells];
return {
  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  display: getComputedStyle(cells[0]).display,
  labels: cells.map(c => getComputedStyle(c, '::before').content.replace(/"/g, '')),
  row_width: row.getBoundingClientRect().right,
};
"""


def test_the_filter_box_narrows_the_rows_as_one_types_across_the_windows_pages(
    site_url: str, browser: Any
) -> None:
    open_in_mode(browser, site_url + NOTICES.replace("index.html", "2.html"), False, 375)
    elsewhere = browser.execute_script(_VISIBLE)[3][1]
    open_in_mode(browser, site_url + NOTICES, False, 375)
    box = browser.find_element("css selector", "[data-jz-filter] input")
    label = browser.find_element("css selector", f"label[for='{box.get_attribute('id')}']")
    assert "筛选" in label.text and box.get_attribute("aria-describedby") == "jz-filter-status"
    here = browser.execute_script(_VISIBLE)
    assert len(here) == 100
    holder = here[5][0][:6]
    shown, status = _filter(browser, box, holder)
    assert shown and all(holder in h for h, _ in shown) and f"找到 {len(shown)} 张" in status
    shown, status = _filter(browser, box, elsewhere.lower().replace("-", " "))
    assert [n for _, n in shown] == [elsewhere] and "找到 1 张" in status
    assert browser.find_element("xpath", "//h2[text()='其他页中的证照']").is_displayed()
    found = audit(browser, "site-notices-filtered-normal-375")
    assert found == [], summary(found)
    shown, status = _filter(browser, box, "没有这样的单位")
    assert shown == [] and "没有" in status
    shown, status = _filter(browser, box, "")
    assert shown == here and "共 247 张" in status


_VISIBLE = """
return [...document.querySelectorAll('.jz-notice-rows tbody tr')].filter(r => r.getClientRects().length > 0)
  .map(r => [r.cells[0].textContent, r.cells[2].textContent]);
"""


def _filter(browser: Any, box: Any, text: str) -> tuple[list[list[str]], str]:
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    if text:
        box.send_keys(text)
    status = browser.find_element("id", "jz-filter-status")
    WebDriverWait(browser, 10).until(lambda _: "正在查找" not in status.text)
    return browser.execute_script(_VISIBLE), status.text


def test_without_javascript_the_full_list_shows_and_no_filter_box(site_url: str) -> None:
    require_axe()
    with chromium(width=375, javascript=False) as driver:
        browser: Any = driver
        browser.get(site_url + NOTICES)
        rows = browser.find_elements("css selector", ".jz-notice-rows tbody tr")
        assert len(rows) == 100 and all(r.is_displayed() for r in rows)
        assert not browser.find_element("css selector", "[data-jz-filter]").is_displayed()
        layout = browser.execute_script(_LAYOUT)
        assert layout["display"] == "block" and layout["labels"][0] == "持证单位" and layout["overflow"] <= 0


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("page", ["home", "notices-90"])
def test_every_tab_stop_is_on_screen_with_a_focus_ring(
    site_url: str, browser: Any, page: str, width: int
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    open_in_mode(browser, site_url + PAGES[page], False, width)
    for _ in range(30):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        stop = browser.execute_script(_FOCUSED)
        assert stop["on_screen"] and stop["ring"], (
            f"{page}（{width}px）：焦点落在看不见的地方或没有焦点框：{stop}"
        )


_FOCUSED = """
const e = document.activeElement, box = e.getBoundingClientRect(), style = getComputedStyle(e);
return {
  element: e.outerHTML.slice(0, 100),
  on_screen: box.width > 0 && box.height > 0 && box.left >= 0 && box.right <= innerWidth + 1
    && style.visibility === 'visible' && style.opacity !== '0',
  ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
};
"""


def test_the_menu_and_search_buttons_open_from_the_keyboard(site_url: str, browser: Any) -> None:
    from selenium.webdriver.common.keys import Keys

    for key in (Keys.ENTER, Keys.SPACE):
        for target, name in (("__drawer", "导航菜单"), ("__search", "站内搜索")):
            open_in_mode(browser, site_url + "index.html", False, 375)
            button = browser.find_element("css selector", f".md-header label[for={target}]")
            assert button.get_attribute("tabindex") == "0" and name in button.get_attribute("textContent")
            button.send_keys(key)
            assert browser.execute_script(f"return document.getElementById('{target}').checked"), name


def test_a_table_too_wide_for_a_phone_scrolls_from_the_keyboard(site_url: str, browser: Any) -> None:
    open_in_mode(browser, site_url + PAGES["catalog"], True, 375)
    wraps = browser.execute_script(
        "return [...document.querySelectorAll('.md-typeset__scrollwrap')].map(w => "
        "[w.scrollWidth > w.clientWidth + 1, w.tabIndex, w.getAttribute('aria-label')])"
    )
    wide = [w for w in wraps if w[0]]
    assert wide and all(w[1] == 0 and w[2] for w in wide), wraps
    assert "到期前提醒证照目录" in wide[0][2]


@pytest.mark.parametrize(("mode", "width"), [("normal", 1280), ("large", 375)])
def test_the_search_dialog_with_results_has_a_name_and_passes(
    site_url: str, browser: Any, mode: str, width: int
) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    open_in_mode(browser, site_url + "index.html", MODES[mode], width)
    dialog = browser.find_element("css selector", ".md-search[role=dialog]")
    assert dialog.get_attribute("aria-label") == "站内搜索"
    browser.execute_script("document.getElementById('__search').click()")
    box = WebDriverWait(browser, 10).until(lambda b: b.find_element("css selector", ".md-search__input"))
    WebDriverWait(browser, 10).until(lambda _: box.is_displayed())
    box.send_keys("排污许可")
    WebDriverWait(browser, 20).until(
        lambda b: b.execute_script("return document.querySelectorAll('.md-search-result__item').length") > 0
    )
    found = audit(browser, f"site-search-{mode}-{width}", enhanced_contrast=MODES[mode])
    assert found == [], summary(found)
