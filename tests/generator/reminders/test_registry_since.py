"""What the records after a plan's last id add, of every department or of the chosen ones only (both backends)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from generator.reminders.registry import RegisteredCertificate, Registry, ReminderRecord

ANSHAN = RegisteredCertificate("anshan", "C-1", "采矿许可证", "甲公司", date(2026, 12, 1))
DONGLI = RegisteredCertificate("dongli", "D-1", "食品经营许可证", "乙餐馆", date(2026, 12, 2))
TOLD = ReminderRecord(ANSHAN, "首次", "电话", date(2026, 11, 23), "张三", "已告知", "", "t")


def test_since_reads_only_the_records_of_the_departments_asked_for(registry_at: Path | str) -> None:
    with Registry(registry_at) as registry:
        registry.add_each([TOLD, replace(TOLD, certificate=DONGLI, result="未接通")])
        last = registry.last_id()
        everything = registry.since(0, last)
        assert everything == (
            {("anshan", "C-1", "2026-12-01", "首次")}, 2, {"dongli"},
        )  # fmt: skip
        assert registry.since(0, last, {"anshan"}) == ({("anshan", "C-1", "2026-12-01", "首次")}, 1, set())
        assert registry.since(0, last, {"dongli"}) == (set(), 1, {"dongli"})  # a failed call: plan it again
        assert registry.since(0, last, set()) == (set(), 0, set())
        assert registry.since(last, None, {"anshan"}) == (set(), 0, set())
