"""A real browser for tests: Debian's headless chromium through chromedriver, and a static server on 127.0.0.1.

Nothing here reaches the network: the driver's path is given (Selenium Manager is never run, and would fail
if it were), its usage statistics are off, and chromium sends everything but 127.0.0.1 to a closed proxy.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import unicodedata
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
AXE = Path(__file__).resolve().parent.parent / ".ci" / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-domain-reliability", "--disable-breakpad",
    "--disable-client-side-phishing-detection", "--disable-default-apps", "--disable-extensions",
    "--metrics-recording-only", "--no-pings", "--dns-prefetch-disable",
    "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication",
    # Loopback is never proxied; every other address goes to a closed port and fails at once.
    "--proxy-server=http://127.0.0.1:9",
    "--hide-scrollbars", "--force-device-scale-factor=1",
)  # fmt: skip
# Selenium's own downloads and statistics: off even if something ever asked for them.
SELENIUM_ENVIRONMENT = {"SE_AVOID_STATS": "true", "SE_OFFLINE": "true", "SE_MANAGER_PATH": "/bin/false"}


def require_browser() -> None:
    """Skip outside CI when chromium is missing; in CI (CI=true) a missing browser is a failure."""
    if shutil.which("chromium") and shutil.which("chromedriver"):
        return
    message = "chromium/chromedriver 未安装：运行 .ci/install-browser"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve a folder over HTTP on 127.0.0.1 (a free port) and yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def running_jiaozao(
    args: list[str], probe: str, *, env: dict[str, str] | None = None, cwd: Path | None = None,
    stop_seconds: float = 10,
) -> Iterator[str]:  # fmt: skip
    """Run `jiaozao ARGS --port P` on a free port of 127.0.0.1 and yield its base URL once probe answers.

    A server that exits or does not answer within 30 s fails the test with what it printed.
    """
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", *args, "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=cwd,
        env={**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + probe, timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    raise AssertionError(f"jiaozao {args[0]} did not start: {output}") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=stop_seconds)
        if process.stdout:
            process.stdout.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def chromium(width: int = 1280, height: int = 900, javascript: bool = True) -> Iterator[object]:
    """Yield a selenium WebDriver for headless chromium of the given window size (pages' scripts on or off)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.update(SELENIUM_ENVIRONMENT)
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options
    )
    try:
        driver.set_page_load_timeout(30)
        yield driver
    finally:
        driver.quit()


def require_axe() -> None:
    """Skip outside CI when axe-core is not installed; in CI (CI=true) that is a failure."""
    require_browser()
    if AXE.is_file():
        return
    message = "axe-core 未安装：运行 .ci/install-axe"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
_AXE_RUN = """
const [rules, done] = [arguments[0], arguments[arguments.length - 1]];
const options = {runOnly: {type: "tag", values: rules.tags}, rules: rules.extra, resultTypes: ["violations"]};
axe.run(document, options).then(r => done(JSON.stringify(r)), e => done(JSON.stringify({error: String(e)})));
"""


def open_in_mode(browser: Any, url: str, large: bool, width: int, height: int = 900) -> None:
    """Open a page at a window width, in 大字模式 or not (the choice the site keeps in localStorage)."""
    browser.set_window_size(width, height)
    browser.get(url)
    if _is_large(browser) != large:
        browser.execute_script("localStorage.setItem('jiaozao-large', arguments[0])", "1" if large else "0")
        browser.get(url)
    assert _is_large(browser) == large, f"{url} 没有切换到{'大字' if large else '标准'}模式"


def _is_large(browser: Any) -> bool:
    return bool(browser.execute_script("return document.documentElement.classList.contains('jz-large')"))


def audit(browser: Any, name: str, enhanced_contrast: bool = False) -> list[dict[str, Any]]:
    """Run axe-core on the page open in the browser; write the full report to artifacts/axe-NAME.json.

    Return the serious and critical violations. enhanced_contrast adds WCAG AAA's 7:1 contrast rule.
    """
    settle(browser)  # colours are judged as shown, not halfway through a fade (the search overlay)
    if not browser.execute_script("return typeof window.axe === 'object'"):
        browser.execute_script(AXE.read_text(encoding="utf-8"))
    extra = {"color-contrast-enhanced": {"enabled": True}} if enhanced_contrast else {}
    browser.set_script_timeout(120)
    report = json.loads(browser.execute_async_script(_AXE_RUN, {"tags": list(AXE_TAGS), "extra": extra}))
    if "error" in report:
        raise RuntimeError(f"axe-core 运行失败：{report['error']}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
    return [v for v in report["violations"] if v["impact"] in ("serious", "critical")]


def settle(browser: Any, seconds: float = 5.0) -> None:
    """Wait until no CSS transition or animation is running on the page (or seconds have passed)."""
    import time

    deadline = time.monotonic() + seconds
    running = "return document.getAnimations().filter(a => a.playState === 'running').length"
    while browser.execute_script(running) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.05)


def summary(violations: list[dict[str, Any]]) -> str:
    """Return one line per violated rule: its id, how many elements, and the first element's selector."""
    return "\n".join(
        f"{v['id']}（{v['impact']}，{len(v['nodes'])} 处）：{v['nodes'][0]['target']} {v['help']}"
        for v in violations
    )


def print_a4(driver: Any) -> bytes:
    """Return the page open in chromium printed to PDF on A4 (DevTools Page.printToPDF), as the print dialog would."""
    from selenium.webdriver.common.print_page_options import PrintOptions

    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    return base64.b64decode(driver.print_page(options))


_PDF_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)


def pdf_pages(pdf: bytes) -> list[str]:
    """Return the text of each page of a PDF printed by chromium, in page order (NFKC: its CMaps give some
    characters as Kangxi radicals). Enough for chromium's own output: plain objects, one-byte font codes."""
    objects = {int(m[1]): m[2] for m in _PDF_OBJECT.finditer(pdf)}
    (tree,) = [o for o in objects.values() if re.search(rb"/Type\s*/Pages\b", o) and b"/Parent" not in o]
    kids = re.search(rb"/Kids\s*\[(.*?)\]", tree, re.S)
    assert kids, "PDF 没有页面列表"
    pages = []
    for ref in re.findall(rb"(\d+) 0 R", kids[1]):
        page = objects[int(ref)]
        fonts = {}
        for name, font in re.findall(rb"/(F\d+) (\d+) 0 R", page):
            cmap = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(font)])
            fonts[name] = _to_unicode(_pdf_stream(objects[int(cmap[1])])) if cmap else {}
        contents = re.search(rb"/Contents (\d+) 0 R", page)
        assert contents, "PDF 页面没有内容"
        text, font = [], {}
        for selected, shown in re.findall(
            rb"/(F\d+) [\d.]+ Tf|<([0-9A-Fa-f]*)> ?Tj", _pdf_stream(objects[int(contents[1])])
        ):
            if selected:
                font = fonts[selected]
            else:
                text.append("".join(font.get(code, "") for code in bytes.fromhex(shown.decode())))
        pages.append(unicodedata.normalize("NFKC", "".join(text)))
    return pages


def _pdf_stream(body: bytes) -> bytes:
    start = body.index(b"stream")
    data = body[start + 6 : body.rindex(b"endstream")].lstrip(b"\r\n")
    return zlib.decompress(data) if b"/FlateDecode" in body[:start] else data


def _to_unicode(cmap: bytes) -> dict[int, str]:
    codes: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            codes[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for offset in range(int(high, 16) - int(low, 16) + 1):
                codes[int(low, 16) + offset] = chr(int(text, 16) + offset)
    return codes
