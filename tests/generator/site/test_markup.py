"""Every value from a catalogue, ledger or YAML file is text on the site: a site built from payloads runs nothing."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import generator.site.build as site_build
import generator.workflows.build as build_workflow
from generator.config import DEMO_CATALOGS, Settings
from generator.site.text import cell, footer_facts, href, link
from generator.workflows.build import BuildResult, build_site
from tests.generator.payloads import (
    CATALOG_TITLE,
    CERTIFICATES,
    DEPARTMENT,
    DEPARTMENT_FACTS,
    HOLDERS,
    MATERIAL,
    RENEWAL,
    SITE,
    formula_findings,
    write_payload_catalogs,
    write_payload_ledger,
)  # fmt: skip
from tests.markup import PageScan, scan_html

TODAY = date(2026, 11, 23)
BAD_URLS = {
    "website": "javascript:alert('website')",
    "online_url": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "guide_online_url": " JavaScript:alert('guide')",
    "icp_url": "javascript:alert('icp')",
    "police_url": "vbscript:msgbox('police')",
    "portal_url": "javascript:alert('portal')",
}


def _hostile_links(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give every URL from configuration a javascript:, data: or vbscript: value (check refuses them; the site
    must be safe even so)."""
    load_inputs, load_site_config = build_workflow.load_inputs, site_build.load_site_config

    def inputs(*args: Any, **kwargs: Any) -> Any:
        loaded = load_inputs(*args, **kwargs)
        departments = []
        for d in loaded.catalogs.departments:
            items = tuple(
                replace(i, guide=replace(i.guide, online_url=BAD_URLS["guide_online_url"])) for i in d.items
            )
            departments.append(
                replace(d, website=BAD_URLS["website"], online_url=BAD_URLS["online_url"], items=items)
            )
        loaded.catalogs = replace(loaded.catalogs, departments=tuple(departments))
        return loaded

    def config(*args: Any) -> Any:
        return replace(load_site_config(*args), icp_url=BAD_URLS["icp_url"], police_url=BAD_URLS["police_url"],
                       portal_url=BAD_URLS["portal_url"])  # fmt: skip

    monkeypatch.setattr(build_workflow, "load_inputs", inputs)
    monkeypatch.setattr(site_build, "load_site_config", config)


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    root = tmp_path_factory.mktemp("payload-site")
    catalogs = root / "catalogs"
    shutil.copytree(DEMO_CATALOGS, catalogs, ignore=shutil.ignore_patterns("_ledgers"))
    write_payload_catalogs(catalogs)
    ledgers = root / "ledgers"
    write_payload_ledger(ledgers)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _hostile_links(monkeypatch)
        return build_site(Settings.read(str(catalogs), str(ledgers)), TODAY, root / "site", root / "src")


def _pages(site: Path) -> dict[str, PageScan]:
    return {
        str(p.relative_to(site)): scan_html(p.read_text(encoding="utf-8"))
        for p in sorted(site.rglob("*.html"))
    }


def test_no_page_of_a_site_built_from_payloads_runs_anything(payload_site: BuildResult) -> None:
    pages = _pages(payload_site.site_dir)
    assert len(pages) > 50
    for name, page in pages.items():
        assert page.handlers == [], name
        assert page.bad_links == [], name
        assert not [s for s in page.scripts if "alert" in s or "msgbox" in s], name
        assert not [s for s in page.scripts if s.startswith("src=") and "/assets/" not in f"/{s[4:]}"], name
        assert not [u for u in page.links if not u.startswith("#") and ("alert" in u or "msgbox" in u)], name


def _text(site: Path, page: str) -> str:
    return scan_html((site / page).read_text(encoding="utf-8")).text


def _shown(value: str) -> str:
    """Return a value as the site shows it: on one line, invisible characters dropped."""
    return " ".join("".join(ch for ch in value if ch.isprintable() or ch.isspace()).split())


def test_payloads_are_shown_as_text(payload_site: BuildResult) -> None:
    site = payload_site.site_dir
    department = f"departments/{DEPARTMENT}"
    home = _text(site, "index.html")
    for value in (
        SITE["网站名称"],
        SITE["主办单位"],
        SITE["网站标识码"],
        SITE["ICP备案号"],
        SITE["公安备案号"],
    ):
        assert value in home, value  # the footer and the home page heading
    page = _text(site, f"{department}/index.html")
    for value in (DEPARTMENT_FACTS["名称"], DEPARTMENT_FACTS["地址"], DEPARTMENT_FACTS["办公时间"], CATALOG_TITLE,
                  *CERTIFICATES, BAD_URLS["website"], BAD_URLS["online_url"]):  # fmt: skip
        assert value in page, value
    guide = _text(site, f"{department}/guides/2.html")
    for value in (
        CERTIFICATES[0],
        RENEWAL["办理地点"],
        RENEWAL["过期后果"],
        MATERIAL,
        BAD_URLS["guide_online_url"].strip(),
    ):
        assert value in guide, value
    notices = _text(site, f"notices/{DEPARTMENT}/30/index.html")
    shown = [h for h in HOLDERS if _shown(h) in notices]
    assert len(shown) == len(HOLDERS), set(HOLDERS) - set(shown)
    assert (
        "<title>" not in (site / f"{department}/index.html").read_text(encoding="utf-8").split("</title>")[1]
    )


def test_the_site_downloads_hold_no_formula(payload_site: BuildResult) -> None:
    folder = payload_site.site_dir / "departments" / DEPARTMENT
    for name in ("catalog.xlsx", "catalog.csv"):
        assert formula_findings(folder / name) == [], name


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("[x](javascript:alert(1))", "&#91;x&#93;(javascript:alert(1))"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("{: onclick=alert(1) }", "&#123;: onclick=alert(1) &#125;"),
        ("a|b", "a&#124;b"),
        ("- 列表", "&#45; 列表"),
        ("1. 第一", "1&#46; 第一"),
        ("东丽区\n政务服务办公室", "东丽区 政务服务办公室"),
    ],
)
def test_a_cell_is_text_to_markdown(value: str, shown: str) -> None:
    assert cell(value) == shown


def test_links_are_made_only_of_http_addresses() -> None:
    assert (
        link("https://a.example/x_y") == '<a href="https://a.example/x&#95;y">https://a.example/x&#95;y</a>'
    )
    for url in (
        "javascript:alert(1)",
        "data:text/html,x",
        "JAVASCRIPT:x",
        " javascript:x",
        "//evil.example/x",
    ):
        assert "<a" not in link(url), url
    assert href("javascript:alert(1)", "/lookup") == "/lookup" and href("/lookup?x=1", "/") == "/lookup?x=1"
    facts = footer_facts({"icp_url": "javascript:x", "police_url": "https://beian.mps.gov.cn/", "host": "h"})
    assert facts == {"icp_url": "", "police_url": "https://beian.mps.gov.cn/", "host": "h"}


def test_the_feeds_stay_valid_with_payload_holders(payload_site: BuildResult) -> None:
    import json
    from xml.etree import ElementTree

    site = payload_site.site_dir
    for folder in (site, site / "notices" / DEPARTMENT):
        feed = ElementTree.fromstring((folder / "feed.atom").read_bytes())
        titles = [e.text or "" for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
        assert all(t.isprintable() for t in titles)
        assert json.loads((folder / "feed.json").read_text(encoding="utf-8"))["items"]
