"""A small 鞍山卫健 ledger whose rows are due, not due, renewed, expired or lacking a phone on 2026-11-23."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.ledger.schema import PLAIN_HEADERS
from tests.conftest import write_xlsx

TODAY = "2026-11-23"
HEADER = list(PLAIN_HEADERS)
ROWS = [
    ["甲酒店", "公共场所卫生许可延续", "WJ-1", "2026-12-10", "王经理", "13800138000", "jia@example.com", ""],
    ["甲酒店", "饮用水供水单位卫生许可延续", "WJ-2", "2026-12-15", "王经理", "138-0013-8000", "", ""],
    ["乙诊所", "公共场所卫生许可延续", "WJ-3", "2026-11-30", "李医生", "0412-5551234", "", ""],  # second due
    ["丙宾馆", "公共场所卫生许可延续", "WJ-4", "2026-12-05", "赵", "13900139000", "", "已申请延续"],
    ["丁浴池", "公共场所卫生许可延续", "WJ-5", "2026-11-01", "钱", "13900139001", "", ""],  # expired
    ["戊商场", "公共场所卫生许可延续", "WJ-6", "2027-03-01", "孙", "13900139002", "", ""],  # not yet
    ["己超市", "公共场所卫生许可延续", "WJ-7", "2026-12-20", "周", "", "", ""],  # no phone
]


@pytest.fixture
def ledger_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "ledgers"
    write_xlsx(folder / "anshan-weijian.xlsx", [HEADER, *ROWS])
    return folder


@pytest.fixture
def remind_args(catalogs_dir: Path, ledger_dir: Path, tmp_path: Path) -> list[str]:
    """The options every remind/record call of a test shares: its own catalogs, ledger and 登记簿."""
    return [
        "--catalogs",
        str(catalogs_dir),
        "--ledgers",
        str(ledger_dir),
        "--db",
        str(tmp_path / "登记簿.sqlite"),
    ]
