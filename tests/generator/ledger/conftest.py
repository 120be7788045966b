"""What the 台账 loading tests share: the demo 目录 loaded, and a load that checks every row is accounted for."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.catalog.load import load_catalogs
from generator.catalog.model import Catalogs
from generator.ledger.load import load_ledgers
from generator.ledger.model import Ledger
from generator.problems import Problem


@pytest.fixture
def catalogs(catalogs_dir: Path) -> Catalogs:
    return load_catalogs(catalogs_dir)[0]


def load_counted(path: Path, catalogs: Catalogs) -> tuple[Ledger, list[Problem]]:
    """Load the 台账, checking rows in = rows scheduled + rows reported."""
    ledger, problems = load_ledgers(path, catalogs)
    assert ledger.rows_read == len(ledger) + ledger.rows_rejected  # rows in = scheduled + reported
    return ledger, problems
