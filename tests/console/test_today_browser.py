"""The day's routine in a real browser: `jiaozao console` on 127.0.0.1 driven by headless chromium.

A clerk signs in, opens 今日提醒, records three holders (one 未接通), corrects nothing, looks at the 登记簿;
tomorrow's `jiaozao remind` still lists the 未接通 one and not the others, and `jiaozao report` counts the two
done. Screenshots at 1280 and 375 px: tests/artifacts/console-today-*.png and console-records-*.png; axe-core
finds no serious or critical violation on the new pages.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import openpyxl

from console.settings import ConsoleSettings
from tests.browser import chromium
from tests.console.conftest import TODAY
from tests.console.test_browser import Browser, console_server
from tests.console.today_helpers import COLUMN, cli_options

__all__ = ["console_server"]


def _jiaozao(settings: ConsoleSettings, workdir: Path, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "generator", *args, *cli_options(settings)],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def _report(settings: ConsoleSettings, workdir: Path, out: Path) -> dict[str, int]:
    period = ("--from", "2026-01-01", "--to", TODAY.isoformat(), "--today", TODAY.isoformat())
    _jiaozao(settings, workdir, "report", *period, "--out", str(out))
    sheet = openpyxl.load_workbook(out)["汇总"]
    rows = list(sheet.iter_rows(values_only=True))
    headers, anshan = rows[1], next(r for r in rows if r[0] == "鞍山市行政审批局")
    return {str(h): int(v) for h, v in zip(headers[1:-1], anshan[1:-1], strict=True)}


def _tomorrow(settings: ConsoleSettings, workdir: Path, tmp_path: Path) -> set[str]:
    day = TODAY + timedelta(days=1)  # the console works on TODAY (--today): tomorrow is the day after it
    out = tmp_path / "tomorrow"
    _jiaozao(settings, workdir, "remind", "--today", day.isoformat(), "--out", str(out), "--dry-run")
    sheet = openpyxl.load_workbook(out / "anshan" / "电话提醒清单.xlsx").active
    return {str(r[COLUMN["持证单位（个人）"]]) for r in sheet.iter_rows(min_row=2, values_only=True)}


def _lasting_past_today(browser: Browser) -> int:
    """Return the first card whose certificates do not all expire today: tomorrow's list still has it."""
    cards = browser.driver.find_elements("css selector", "li.holder h2")
    return next(i for i, h2 in enumerate(cards) if "剩 0 天" not in h2.text)


def _record(browser: Browser, index: int, result: str) -> str:
    from selenium.webdriver.support.ui import Select

    card = browser.driver.find_elements("css selector", "li.holder")[index]
    holder = card.find_element("css selector", "h2").text.split(" ")[0]
    Select(card.find_element("css selector", "select[name=result]")).select_by_visible_text(result)
    card.find_element("css selector", "input[name=remark]").send_keys("浏览器测试")
    browser.click_to_next_page(card.find_element("css selector", "form.record button"))
    assert "今天已登记" in browser.text()
    return str(holder)


def test_the_days_routine_in_the_browser(
    console_server: tuple[str, str],
    settings: ConsoleSettings,
    workdir: Path,
    tmp_path: Path,
) -> None:
    base, _ = console_server
    before = _report(settings, workdir, tmp_path / "before.xlsx")
    with chromium(width=1280) as driver:
        browser = Browser(driver, base)
        browser.open("/departments/anshan/today")
        browser.sign_in("clerk_a")
        assert driver.current_url.endswith("/departments/anshan/today")
        assert "应提醒" in browser.text()
        browser.shoot("today")
        told = [_record(browser, 0, "已告知"), _record(browser, 0, "已申请延续")]
        missed = _record(browser, _lasting_past_today(browser), "未接通")
        holders = [
            h.find_element("css selector", "h2").text.split(" ")[0]
            for h in driver.find_elements("css selector", "li.holder")
        ]
        assert missed in holders and not set(told) & set(holders)
        assert "今天已记：未接通" in browser.text()
        browser.shoot("today-recorded")
        browser.open("/departments/anshan/records")
        assert "登记簿" in browser.text() and missed in browser.text()
        browser.shoot("records")
        browser.click_to_next_page(driver.find_element("css selector", "table.entries a"))
        browser.wait_for(lambda: "/certificates/" in driver.current_url)
        assert "提醒记录" in browser.text()
        browser.shoot("records-certificate")
    assert not browser.findings, browser.findings
    tomorrow = _tomorrow(settings, workdir, tmp_path)
    assert missed in tomorrow and not set(told) & tomorrow
    after = _report(settings, workdir, tmp_path / "after.xlsx")
    done = (after["按时完成"] + after["逾期完成"]) - (before["按时完成"] + before["逾期完成"])
    assert done >= 2 and before["未完成"] - after["未完成"] == done and after["应提醒"] == before["应提醒"]
