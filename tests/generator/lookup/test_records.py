"""Index keys are made by the portal's own normaliser: a number copied with invisible characters is still found."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.config import Settings
from generator.lookup.records import certificate_entries
from generator.pipeline import load_inputs
from generator.schedule import compute_schedule
from portal.format import normalize_number
from tests.conftest import write_xlsx

TODAY = date(2026, 11, 23)
HEADER = ["证照持有单位（个人）", "证照名称", "证照编号", "期满日期", "联系人", "联系方式"]


def test_a_number_pasted_with_invisible_characters_gets_the_clean_key(
    catalogs_dir: Path, tmp_path: Path
) -> None:
    rows = [
        ["甲酒店", "公共场所卫生许可延续", "WJ\u200b-2024\u00ad-0001", "2026-12-10", "王", "13800138000"],
        ["乙酒店", "公共场所卫生许可延续", "\ufeffWJ-2024-\u0660\u0660\u0660\u0662", "2026-12-10", "李", "13800138001"],
    ]  # fmt: skip
    write_xlsx(tmp_path / "l" / "anshan-weijian.xlsx", [HEADER, *rows])
    inputs = load_inputs(Settings.read(str(catalogs_dir), str(tmp_path / "l")), TODAY)
    schedule = compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, TODAY)
    keys = sorted(entry.key for entry in certificate_entries(inputs.ledger, schedule, inputs.catalogs))
    assert (
        keys
        == [normalize_number("WJ-2024-0001"), normalize_number("WJ-2024-0002")]
        == ["WJ20240001", "WJ20240002"]
    )
