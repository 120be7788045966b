"""手工补录: a certificate added by hand is checked as an uploaded 台账 row, read by every command with the
department's 台账, removable, kept when a 台账 is accepted, and replaced by the export that brings its number."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.catalog.load import load_catalogs
from generator.config import Settings
from generator.pipeline import load_inputs
from generator.problems import JiaozaoError, Level
from generator.workflows.hand_ledger import (
    add_hand_row,
    hand_file,
    hand_rows,
    remove_hand_row,
    replaced_by_export,
)
from generator.workflows.ledger import replace_ledger
from tests.conftest import write_xlsx
from tests.generator.reminders.conftest import HEADER, ROWS

WEIJIAN = "anshan-weijian"
NEW = ["新开业宾馆", "公共场所卫生许可延续", "WJ-9", "2027-01-20", "吴", "13900139009", "", ""]


def test_a_hand_added_certificate_is_checked_read_and_replaced_by_the_export(
    catalogs_dir: Path, tmp_path: Path
) -> None:
    ledger_dir = tmp_path / "ledgers"
    write_xlsx(ledger_dir / f"{WEIJIAN}.xlsx", [HEADER, *ROWS])
    catalogs = load_catalogs(catalogs_dir)[0]
    bad = add_hand_row(ledger_dir, catalogs, WEIJIAN, [*NEW[:3], "明年", *NEW[4:]])
    assert any(p.level is Level.ERROR and p.column == "期满日期" and p.file == "补录的证照" for p in bad)
    assert not hand_file(ledger_dir, WEIJIAN).exists()  # nothing kept
    with pytest.raises(JiaozaoError, match="="):
        add_hand_row(ledger_dir, catalogs, WEIJIAN, ["=HYPERLINK()", *NEW[1:]])
    assert not [p for p in add_hand_row(ledger_dir, catalogs, WEIJIAN, NEW) if p.level is Level.ERROR]
    assert any("已补录过" in p.message for p in add_hand_row(ledger_dir, catalogs, WEIJIAN, NEW))
    assert hand_rows(ledger_dir, WEIJIAN) == [NEW]
    inputs = load_inputs(Settings(catalogs_dir, ledger_dir), date(2026, 11, 23))
    assert "WJ-9" in inputs.ledger.number and not inputs.problems.errors
    export = ledger_dir.parent / "export.xlsx"
    write_xlsx(export, [HEADER, *ROWS])  # the business system's export without WJ-9: the hand row stays
    target = replace_ledger(ledger_dir, catalogs, WEIJIAN, export.read_bytes(), "xlsx")
    assert replaced_by_export(ledger_dir, catalogs, WEIJIAN, target) == [] and hand_rows(
        ledger_dir, WEIJIAN
    ) == [NEW]
    write_xlsx(export, [HEADER, *ROWS, [*NEW[:3], "2027-01-21", *NEW[4:]]])  # now it brings WJ-9
    target = replace_ledger(ledger_dir, catalogs, WEIJIAN, export.read_bytes(), "xlsx")
    assert replaced_by_export(ledger_dir, catalogs, WEIJIAN, target) == [NEW]
    assert hand_rows(ledger_dir, WEIJIAN) == []
    assert not [
        p
        for p in add_hand_row(ledger_dir, catalogs, WEIJIAN, [*NEW[:2], "WJ-10", *NEW[3:]])
        if p.level is Level.ERROR
    ]
    assert remove_hand_row(ledger_dir, WEIJIAN, 1)[2] == "WJ-10" and hand_rows(ledger_dir, WEIJIAN) == []
    with pytest.raises(JiaozaoError, match="刷新"):
        remove_hand_row(ledger_dir, WEIJIAN, 1)
