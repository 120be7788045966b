"""Portal pages show configuration links only when they are http(s); lookup keys ignore invisible characters."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from portal.config import PortalConfig
from portal.format import CURRENT_FILE, META_FILE, normalize_number
from tests.markup import scan_html
from tests.portal.client import AppClient
from tests.portal.conftest import PortalData, make_app

HOSTILE = {
    "online_url": "javascript:alert('online')",
    "base_url": "javascript:alert('base')//",
    "icp_url": "JaVaScRiPt:alert('icp')",
    "police_url": "data:text/html,<script>alert('police')</script>",
}


@pytest.fixture
def hostile_client(portal_data: PortalData, tmp_path: Path) -> AppClient:
    """A portal over a copy of the index whose meta.json carries javascript: and data: links everywhere."""
    folder = tmp_path / "index"
    shutil.copytree(portal_data.index_dir, folder)
    meta_file = folder / (folder / CURRENT_FILE).read_text().strip() / META_FILE
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    for item in meta["items"].values():
        item["online_url"] = HOSTILE["online_url"]
    meta["site"].update(base_url=HOSTILE["base_url"], icp_url=HOSTILE["icp_url"], icp="ICP备案",
                        police="公安备案", police_url=HOSTILE["police_url"])  # fmt: skip
    meta_file.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return AppClient(make_app(PortalConfig(folder, rate_limit=0)))


@pytest.mark.parametrize(
    "path", ["/lookup?no=XSS-0001", "/embed?no=XSS-0001", "/lookup?no=NO-SUCH", "/lookup"]
)
def test_links_from_configuration_are_links_only_when_http(hostile_client: AppClient, path: str) -> None:
    with hostile_client as client:
        page = client.get(path)
    scan = scan_html(page.text)
    assert scan.bad_links == [] and scan.handlers == []
    assert not [link for link in scan.links if "alert" in link]
    if path == "/lookup?no=XSS-0001":
        assert HOSTILE["online_url"] in scan.text  # shown as text, not dropped
    if "embed" not in path:
        assert "ICP备案" in scan.text and "公安备案" in scan.text


@pytest.mark.parametrize(
    "typed",
    [
        "XSS\u200b-0001",  # zero-width space, as copied from a web page
        "\ufeffXSS-0001",  # byte order mark
        "XSS\u00ad-0001",  # soft hyphen from Word
        "XSS-\u0660\u0660\u0660\u0661",  # Arabic-Indic digits
        "ｘｓｓ－０００１",  # full width
    ],
)
def test_invisible_characters_and_unicode_digits_do_not_hide_a_certificate(
    client: AppClient, typed: str
) -> None:
    assert normalize_number(typed) == "XSS0001"
    assert client.get(f"/api/v1/certificates/{typed}").status_code == 200
