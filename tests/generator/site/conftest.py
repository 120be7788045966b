"""The demo site built once per test session, served on 127.0.0.1 for the browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from generator.config import DEMO_CATALOGS, Settings
from generator.workflows.build import build_site
from tests.browser import require_browser, serve


@pytest.fixture(scope="session")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    root = tmp_path_factory.mktemp("browser")
    result = build_site(Settings.read(str(DEMO_CATALOGS)), date(2026, 11, 23), root / "site", root / "src")
    with serve(result.site_dir) as url:
        yield url
