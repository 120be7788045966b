"""A department's uploaded 台账 as a front door takes it: checked against the department's current one (with its
联系方式更正 and the other departments' 证照编号), and accepted where every command reads it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.catalog.model import Catalogs
from generator.config import Settings
from generator.ledger.corrections import read_corrections
from generator.ledger.model import Ledger
from generator.workflows.hand_ledger import replaced_by_export
from generator.workflows.ledger import LedgerCheck, Owners, check_upload, department_files, replace_ledger


def check_department_upload(
    inputs: Settings, catalogs: Catalogs, slug: str, current: Ledger, content: bytes, ext: str, today: date,
    shown: str, owners: Owners | None,
) -> LedgerCheck:  # fmt: skip
    """Return the uploaded 台账 checked and compared with the department's current one (current)."""
    corrections = read_corrections(inputs.ledgers, [slug])
    return check_upload(catalogs, slug, current, content, ext, today, shown, corrections, owners)


def files_now(root: Path, catalogs: Catalogs, slug: str, ext: str) -> dict[Path, bytes | None]:
    """Return the department's 台账 files, and the one an upload of kind ext would write, as they are now."""
    files = [*department_files(root, catalogs, slug), root / f"{slug}.{ext}"]
    return {file: (file.read_bytes() if file.is_file() else None) for file in files}


def accept_ledger(root: Path, catalogs: Catalogs, slug: str, content: bytes, ext: str) -> None:
    """Make content the department's 台账 where every command reads it; hand-entered rows it now brings go."""
    target = replace_ledger(root, catalogs, slug, content, ext)
    replaced_by_export(root, catalogs, slug, target)
