"""A 台账 upload that drops many certificates, in a real browser: the preview lists them, accepting needs the tick
(the browser will not send the form without it), and the accepted 台账 is listed as a version. Screenshots at
1280 and 375 px: tests/artifacts/console-ledger-preview-*.png and console-ledger-versions-*.png; axe-core finds
no serious or critical violation on either page.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from console.settings import ConsoleSettings
from tests.browser import chromium
from tests.console.test_browser import Browser, console_server
from tests.console.test_ledger import edited_ledger

__all__ = ["console_server"]


def test_dropping_many_certificates_needs_the_tick_in_the_browser(
    console_server: tuple[str, str], settings: ConsoleSettings, tmp_path: Path
) -> None:
    base, _ = console_server
    upload, current = tmp_path / "鞍山台账.xlsx", settings.inputs.ledgers / "anshan.xlsx"
    rows = range(4, 4 + 69)  # of 680 certificates: more than 10 %
    # They expire in 2035 in the current 台账: none is due within 30 days on whatever day this runs.
    current.write_bytes(edited_ledger(settings, {(r, 7): datetime(2035, 1, 1) for r in rows}))
    content = edited_ledger(settings, drop=rows)
    upload.write_bytes(content)
    with chromium(width=1280) as driver:
        browser = Browser(driver, base)
        browser.sign_in("clerk_a")
        browser.open("/departments/anshan/ledger")
        browser.upload(upload)
        text = browser.text()
        assert "不再提醒 69 张" in text and "我知道：将有 69 张证照不再提醒" in text
        browser.shoot("ledger-preview")
        button = driver.find_element("css selector", "form[action$='/accept'] button")
        button.click()  # without the tick the browser keeps the form (the field is required)
        time.sleep(0.5)
        assert "/uploads/" in driver.current_url
        assert current.read_bytes() != content
        driver.find_element("name", "consent").click()
        browser.click_to_next_page(driver.find_element("css selector", "form[action$='/accept'] button"))
        assert "/jobs/" in driver.current_url
        assert current.read_bytes() == content
        deadline = time.monotonic() + 120
        while "已完成" not in browser.text() and "失败" not in browser.text():
            assert time.monotonic() < deadline, browser.text()
            time.sleep(0.5)
            driver.refresh()
        browser.open("/departments/anshan/ledger")
        assert "上传“鞍山台账.xlsx”，611 行，611 张排期" in browser.text()
        browser.shoot("ledger-versions")
    assert not browser.findings, browser.findings
