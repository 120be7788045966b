"""The console for real: `jiaozao console` (uvicorn on 127.0.0.1) driven by headless chromium.

A clerk signs in, uploads a 目录 with a bad row and sees it, fixes it, publishes, and the public page changes;
a clerk of another department is refused. Screenshots at 1280 and 375 px go to tests/artifacts/; every page
is audited with axe-core (when .ci/install-axe has installed it) for serious and critical violations.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console.settings import ConsoleSettings
from tests.browser import ARTIFACTS, AXE, audit, chromium, require_browser, running_jiaozao, serve
from tests.console.conftest import PASSWORD, edited_catalog


@pytest.fixture
def console_server(settings: ConsoleSettings, workdir: Path) -> Iterator[tuple[str, str]]:
    """Run `jiaozao console` on a free port and a static server for the public site; yield both base URLs."""
    require_browser()
    args = [
        "console", "--catalogs", str(settings.inputs.catalogs), "--site", str(settings.site), "--src",
        str(settings.src), "--index", str(settings.index), "--console-db", str(settings.db),
        "--today", str(settings.today),
    ]  # fmt: skip
    with serve(settings.site) as public:
        environment = {"JIAOZAO_CONSOLE_PUBLIC_URL": public}
        with running_jiaozao(args, "/login", env=environment, cwd=workdir, stop_seconds=20) as base:
            yield base, public


class Browser:
    """A chromium window on the console: sign in, take screenshots at both widths, audit with axe-core."""

    def __init__(self, driver: Any, base: str) -> None:
        self.driver, self.base = driver, base
        self.findings: list[str] = []

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def text(self) -> str:
        """Return the main text; a page that reloads itself (the job page) may swap it out mid-read, and a page
        being left after a click may have no <main> for a moment."""
        from selenium.common.exceptions import WebDriverException

        for _ in range(50):
            try:
                return str(self.driver.find_element("tag name", "main").text)
            except WebDriverException:  # stale, not there yet, or a node of the document being left
                time.sleep(0.1)
        raise AssertionError("页面一直在刷新")

    def sign_in(self, name: str) -> None:
        if "/login" not in self.driver.current_url:
            self.open("/login")
        self.driver.find_element("id", "name").send_keys(name)
        self.driver.find_element("id", "password").send_keys(PASSWORD)
        self.driver.find_element("css selector", "form button[type=submit]").click()
        self.wait_for(lambda: "/login" not in self.driver.current_url)

    def sign_out(self) -> None:
        self.driver.find_element("css selector", "form.who button").click()
        self.wait_for(lambda: "/login" in self.driver.current_url)

    def wait_for(self, condition: Any, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            assert time.monotonic() < deadline, self.driver.current_url
            time.sleep(0.1)

    def click_to_next_page(self, button: Any, seconds: float = 30) -> None:
        """Click a button that loads a new page, and wait for that page, not the one clicked on.

        The old page is marked in its window; the new one has no mark. While chromium swaps documents, any
        question to it may fail (a stale element, or "Node with given id does not belong to the document"):
        that only means "not yet"."""
        from selenium.common.exceptions import WebDriverException

        self.driver.execute_script("window.__jiaozaoLeaving = true")
        button.click()

        def arrived() -> bool:
            try:
                return bool(
                    self.driver.execute_script(
                        "return !window.__jiaozaoLeaving && document.readyState === 'complete'"
                        " && !!document.querySelector('main')"
                    )
                )
            except WebDriverException:
                return False

        self.wait_for(arrived, seconds)

    def upload(self, path: Path) -> None:
        self.driver.find_element("id", "file").send_keys(str(path))
        self.driver.find_element("css selector", "section.box button[type=submit]").click()
        self.wait_for(lambda: "/uploads/" in self.driver.current_url)

    def shoot(self, name: str) -> None:
        """Screenshot the whole page at 1280 and at 375 px, and audit it with axe-core at both widths."""
        ARTIFACTS.mkdir(exist_ok=True)
        for width in (1280, 375):
            self.driver.set_window_size(width, 900)
            height = min(int(self.driver.execute_script("return document.body.scrollHeight")), 4000)
            self.driver.set_window_size(width, max(height, 600))
            overflow = self.driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} 在 {width} px 宽时横向溢出 {overflow} px"
            self.driver.save_screenshot(str(ARTIFACTS / f"console-{name}-{width}.png"))
            self.audit(f"{name}@{width}")
        self.driver.set_window_size(1280, 900)

    def audit(self, where: str) -> None:
        """Run axe-core (tests/browser.audit: serious and critical findings) and keep what it finds."""
        if not AXE.is_file():
            return
        self.findings += [
            f"{where}: {v['id']} ({v['impact']}) {v.get('help', '')}"
            for v in audit(self.driver, f"console-{where.replace('@', '-')}")
        ]


def test_sign_in_fix_a_bad_row_publish_and_another_clerk_is_refused(
    console_server: tuple[str, str], settings: ConsoleSettings, tmp_path: Path
) -> None:
    base, public = console_server
    bad, good = tmp_path / "鞍山目录-有错.xlsx", tmp_path / "鞍山目录.xlsx"
    bad.write_bytes(edited_catalog(settings, "anshan", {(3, 6): "到期前60个工作日", (5, 5): "很久"}))
    good.write_bytes(edited_catalog(settings, "anshan", {(3, 6): "到期前60个工作日"}))
    with chromium(width=1280) as driver:
        browser = Browser(driver, base)
        browser.open("/departments/anshan/catalog")
        assert "/login" in driver.current_url
        browser.shoot("login")
        browser.sign_in("clerk_a")
        assert driver.current_url.endswith("/departments/anshan/catalog")
        browser.shoot("catalog")
        browser.upload(bad)
        assert "发现 1 个错误" in browser.text() and "很久" in browser.text()
        row = driver.find_element("css selector", "table.problems tbody tr.err").text
        assert "5" in row and "证照法定有效期（E 列）" in row
        assert not driver.find_elements("css selector", "form[action$='/publish']")
        browser.shoot("problems")
        browser.open("/departments/anshan/catalog")
        browser.upload(good)
        assert "检查通过" in browser.text() and "首次提醒推后" in browser.text()
        browser.shoot("preview")
        driver.find_element("name", "accept_warnings").click()
        browser.click_to_next_page(driver.find_element("css selector", "form[action$='/publish'] button"))
        browser.wait_for(lambda: "/jobs/" in driver.current_url)
        deadline = time.monotonic() + 120
        while "已完成" not in driver.title + browser.text() and "失败" not in browser.text():
            assert time.monotonic() < deadline, browser.text()
            time.sleep(0.5)
            driver.refresh()  # the page refreshes itself every 2 s; this only saves time
        assert "已完成" in browser.text(), browser.text()
        browser.shoot("published")
        driver.find_element("link text", "查看公开网站上的部门页面").click()
        browser.wait_for(lambda: driver.current_url.startswith(public))
        assert driver.current_url.startswith(public)
        assert "到期前60个工作日" in driver.find_element("tag name", "body").text
        browser.open("/departments/anshan/ledger")
        assert "证照台账" in browser.text()
        browser.shoot("ledger")
        browser.open("/departments/anshan/facts")
        assert "部门信息和办事指南" in browser.text()
        browser.shoot("facts")
        browser.sign_out()
        browser.sign_in("clerk_b")
        browser.open("/departments/anshan/catalog")
        assert "没有权限" in browser.text() and "到期前60个工作日" not in browser.text()
        browser.shoot("forbidden")
        browser.sign_out()
        browser.sign_in("admin")
        for path, name in (("/users", "users"), ("/audit", "audit"), ("/settings", "settings")):
            browser.open(path)
            browser.shoot(name)
    assert not browser.findings, browser.findings


def test_every_task_works_without_javascript(console_server: tuple[str, str]) -> None:
    base, _ = console_server
    with chromium(width=375) as driver:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        browser = Browser(driver, base)
        browser.sign_in("inspector")
        browser.open("/departments/dongli/ledger")
        driver.find_element("id", "status").send_keys("已过期")
        driver.find_element("css selector", "form.filters button").click()
        browser.wait_for(lambda: "status=" in driver.current_url)
        assert "status=" in driver.current_url and "证照台账" in browser.text()
