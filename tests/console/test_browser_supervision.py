"""督促检查 and 放假安排 for real: `jiaozao console` driven by headless chromium, screenshots and axe-core.

A 督查 opens the supervision page and follows a number to the certificates behind it; a 管理员 pastes a notice
with a mistake and sees it, pastes the right one, previews, imports, and the published site loses its 估算 marks.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from console.settings import ConsoleSettings
from tests.browser import chromium
from tests.console.test_browser import Browser, console_server  # noqa: F401 (a fixture)
from tests.console.test_holidays import NOTICE
from tests.console.test_supervision import registry_file  # noqa: F401 (a fixture)
from tests.generator.holidays.conftest import BAD

SPAN = "from=2026-10-01&to=2026-12-31"


def estimate_marks(site: Path) -> int:
    return sum(p.read_text(encoding="utf-8").count('class="jz-estimate"') for p in site.rglob("*.html"))


def paste(driver: object, text: str) -> None:
    box = driver.find_element("id", "notice")  # type: ignore[attr-defined]
    driver.execute_script("arguments[0].value = arguments[1]", box, text)  # type: ignore[attr-defined]
    driver.find_element("css selector", "form[action='/holidays/preview'] button").click()  # type: ignore[attr-defined]


def test_an_inspector_follows_a_number_and_an_administrator_imports_a_notice(
    console_server: tuple[str, str],  # noqa: F811
    settings: ConsoleSettings,
    workdir: Path,
    registry_file: Path,  # noqa: F811
) -> None:
    (workdir / "var").mkdir(exist_ok=True)
    shutil.copy(
        registry_file, workdir / "var" / "登记簿.sqlite"
    )  # where `jiaozao console` run there finds it
    base, _ = console_server
    with chromium(width=1280) as driver:
        browser = Browser(driver, base)
        browser.sign_in("inspector")
        browser.open(f"/supervision?{SPAN}")
        assert "督促检查" in browser.text() and "合计" in browser.text()
        browser.shoot("supervision")
        link = driver.find_element("css selector", "a[aria-label^='鞍山市行政审批局 未完成 ']")
        shown = int(link.text)
        browser.click_to_next_page(link)
        browser.wait_for(lambda: "/supervision/anshan/not-done" in driver.current_url)
        assert f"未完成 {shown} 个" in browser.text()
        rows = driver.find_elements("css selector", "main tbody tr")
        assert len(rows) == min(shown, 100) and all("未完成" in r.text for r in rows)
        browser.shoot("supervision-list")
        browser.click_to_next_page(driver.find_element("link text", "鞍山市行政审批局"))
        browser.wait_for(lambda: re.search(r"/supervision/anshan\?", driver.current_url) is not None)
        assert "各周情况" in browser.text()
        browser.shoot("supervision-department")
        browser.sign_out()

        browser.sign_in("admin")
        browser.open("/holidays")
        assert "2027 年的放假安排还是估算" in browser.text()
        browser.shoot("holidays")
        paste(driver, (BAD / "several-problems.txt").read_text(encoding="utf-8"))
        browser.wait_for(lambda: "发现" in browser.text())
        assert "发现 3 个问题，没有写入任何文件" in browser.text()
        browser.shoot("holidays-problems")
        before = estimate_marks(settings.site)
        paste(driver, NOTICE.read_text(encoding="utf-8"))
        browser.wait_for(lambda: "/holidays/previews/" in driver.current_url)
        assert "2027 年放假安排通知" in browser.text() and "2027 年不再是估算" in browser.text()
        browser.shoot("holidays-preview")
        browser.click_to_next_page(driver.find_element("css selector", "form[action$='/import'] button"))
        browser.wait_for(lambda: "/jobs/" in driver.current_url)
        deadline = time.monotonic() + 180
        while "已完成" not in browser.text() and "失败" not in browser.text():
            assert time.monotonic() < deadline, browser.text()
            time.sleep(0.5)
            driver.refresh()
        assert "已完成" in browser.text(), browser.text()
        browser.shoot("holidays-published")
        browser.open("/holidays")
        assert "国办发明电〔2026〕99号" in browser.text() and "还是估算" not in browser.text()
    assert "2027-02-05,休" in settings.inputs.holidays.read_text(encoding="utf-8-sig")
    assert estimate_marks(settings.site) < before
    assert not browser.findings, browser.findings
