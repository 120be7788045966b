"""The one configuration of a run: where the inputs are, read once from options, environment and defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_CATALOGS = PROJECT_ROOT / "catalogs"
LEDGER_FOLDER = "_ledgers"  # inside a catalogs folder: where the demo keeps its 台账 files
HOLIDAYS_FILE = "holidays.csv"


@dataclass(frozen=True)
class Settings:
    """Where a run reads its 目录, 台账 and holiday supplement."""

    catalogs: Path
    ledgers: Path

    @property
    def holidays(self) -> Path:
        return self.catalogs / HOLIDAYS_FILE

    @classmethod
    def read(
        cls, catalogs: str | None = None, ledgers: str | None = None, environ: Mapping[str, str] = os.environ
    ) -> Settings:
        """Return settings from command-line values, else JIAOZAO_CATALOGS / JIAOZAO_LEDGERS, else the demo."""
        catalogs_dir = Path(catalogs or environ.get("JIAOZAO_CATALOGS") or DEMO_CATALOGS)
        ledgers_path = Path(ledgers or environ.get("JIAOZAO_LEDGERS") or catalogs_dir / LEDGER_FOLDER)
        return cls(catalogs_dir, ledgers_path)
