"""A lookup index built from the demo data plus a few tricky holders, and clients of the portal over it."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest
from starlette.applications import Starlette

from generator.config import DEMO_CATALOGS, Settings
from generator.ledger.model import Ledger
from generator.lookup.records import certificate_entries, index_meta
from generator.lookup.writer import write_lookup_index
from generator.pipeline import load_inputs
from generator.schedule import compute_schedule
from generator.site.config import load_site_config
from generator.workflows.build import build_site
from portal.app import create_app
from portal.config import PortalConfig
from tests.browser import running_jiaozao
from tests.conftest import write_xlsx
from tests.portal.client import AppClient

TODAY = date(2026, 11, 23)
XSS_HOLDER = "<script>alert(1)</script>有限公司"
HUAYU_HOLDERS = (
    "无锡华宇科技有限公司",
    "华宇建设集团有限公司",
    "江苏无锡华宇物流有限公司",
    "北京新华宇航商贸有限公司",
)
PERSON = "欧阳娜娜"
PERSON_NUMBER = "GR-2025-778899"
PERSON_PHONE = "13912345678"
EXTRA_ROWS = [
    # holder, certificate, number, expires, contact, phone, email
    (XSS_HOLDER, "采矿许可证", "XSS-0001", "2026-12-20", "李经理", "13800001111", "xss@example.com"),
    *[
        (h, "排污许可证", f"HY-{n:04d}", "2027-03-01", "王会计", "13800002222", "")
        for n, h in enumerate(HUAYU_HOLDERS)
    ],
    ("鞍山市立山区老地方饭店", "排污许可证", "ＥＸＰ－2026－0001", "2026-10-01", "赵师傅", "13800003333", ""),
    (PERSON, "采矿许可证", PERSON_NUMBER, "2027-01-15", PERSON, PERSON_PHONE, "nana@example.com"),
]


@dataclass(frozen=True)
class PortalData:
    """The index folder and what went into it."""

    index_dir: Path
    ledger: Ledger
    catalogs_dir: Path


def write_extra_ledger(catalogs_dir: Path) -> None:
    header = ["证照持有单位（个人）", "证照名称", "证照编号", "期满日期", "联系人", "联系电话", "电子邮箱"]
    write_xlsx(catalogs_dir / "_ledgers" / "anshan-portal.xlsx", [header, *[list(r) for r in EXTRA_ROWS]])


def build_index(catalogs_dir: Path, index_dir: Path, today: date = TODAY) -> Ledger:
    """Load the catalogs and ledgers of a folder and write their lookup index (a new generation)."""
    inputs = load_inputs(Settings.read(str(catalogs_dir)), today)
    schedule = compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, today)
    entries = certificate_entries(inputs.ledger, schedule, inputs.catalogs)
    meta = index_meta(inputs.catalogs, load_site_config(catalogs_dir), today, len(entries))
    write_lookup_index(index_dir, entries, meta)
    return inputs.ledger


@pytest.fixture(scope="session")
def portal_data(tmp_path_factory: pytest.TempPathFactory) -> PortalData:
    root = tmp_path_factory.mktemp("portal")
    catalogs_dir = root / "catalogs"
    shutil.copytree(DEMO_CATALOGS, catalogs_dir)
    write_extra_ledger(catalogs_dir)
    ledger = build_index(catalogs_dir, root / "index")
    return PortalData(root / "index", ledger, catalogs_dir)


def make_app(config: PortalConfig, today: date = TODAY) -> Starlette:
    app = create_app(config)
    app.state.portal.today = lambda: today
    return app


@pytest.fixture
def client_for(portal_data: PortalData) -> Iterator[Callable[..., AppClient]]:
    """Return a factory of test clients over the shared index; keywords override PortalConfig fields."""
    clients: list[AppClient] = []

    def make(**changes: object) -> AppClient:
        config = replace(PortalConfig(portal_data.index_dir, rate_limit=0), **changes)  # type: ignore[arg-type]
        client = AppClient(make_app(config))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(client_for: Callable[..., AppClient]) -> AppClient:
    return client_for()


@pytest.fixture(scope="session")
def served_site(portal_data: PortalData, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`jiaozao serve` on 127.0.0.1 with the demo site built beside its index, and no rate limit."""
    root = tmp_path_factory.mktemp("served-site")
    catalogs = root / "catalogs"
    shutil.copytree(portal_data.catalogs_dir, catalogs)
    (catalogs / "portal.yaml").write_text("每分钟查询次数: 0\n", encoding="utf-8")
    settings = Settings.read(str(catalogs), site=str(root / "site"), src=str(root / "src"))
    build_site(settings, TODAY, with_index=True)
    args = [
        "serve",
        "--catalogs",
        str(catalogs),
        "--index",
        str(settings.index),
        "--site",
        str(settings.site),
    ]
    with running_jiaozao(args, "/healthz") as base:
        yield base
