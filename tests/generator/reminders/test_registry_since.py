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


def test_done_reminders_of_certificates_expiring_from_a_day_leave_out_earlier_expiries(
    registry_at: Path | str,
) -> None:
    """督促检查 reads the done records of the 台账's expiries only: the same certificate's records of an expiry
    years back (its earlier licence) match no row of the 台账 and are not read."""
    earlier = replace(ANSHAN, expires=date(2023, 12, 1))
    with Registry(registry_at) as registry:
        registry.add_each([
            TOLD, replace(TOLD, certificate=earlier, reminded_on=date(2023, 9, 1)),
            replace(TOLD, certificate=DONGLI, kind="二次"),
        ])  # fmt: skip
        every = [row[:4] for row in registry.done_reminders()]
        assert every == [
            ("anshan", "C-1", "2026-12-01", "首次"), ("anshan", "C-1", "2023-12-01", "首次"),
            ("dongli", "D-1", "2026-12-02", "二次"),
        ]  # fmt: skip
        assert [row[:4] for row in registry.done_reminders(None, date(2026, 12, 1))] == [every[0], every[2]]
        assert [row[:4] for row in registry.done_reminders({"anshan"}, date(2026, 12, 2))] == []
        assert [row[:4] for row in registry.done_reminders({"anshan"}, date(2023, 12, 1))] == every[:2]


def test_the_plans_reads_of_certificates_expiring_from_a_day_leave_out_earlier_expiries(
    registry_at: Path | str,
) -> None:
    earlier = replace(ANSHAN, expires=date(2023, 12, 1))
    with Registry(registry_at) as registry:
        registry.add_each([
            TOLD, replace(TOLD, certificate=earlier, reminded_on=date(2023, 9, 1)),
            replace(TOLD, certificate=earlier, reminded_on=date(2023, 9, 2), result="号码有误"),
        ])  # fmt: skip
        since = date(2024, 1, 1)
        assert registry.done_keys() == {
            ("anshan", "C-1", "2026-12-01", "首次"),
            ("anshan", "C-1", "2023-12-01", "首次"),
        }
        assert registry.done_keys({"anshan"}, since) == {("anshan", "C-1", "2026-12-01", "首次")}
        assert registry.done_keys({"anshan"}, date(2026, 12, 1)) == {("anshan", "C-1", "2026-12-01", "首次")}
        assert registry.done_keys({"anshan"}, date(2026, 12, 2)) == set()
        assert registry.last_reached(None, since) == {("anshan", "C-1", "2026-12-01"): date(2026, 11, 23)}
        assert len(registry.last_reached()) == 2
        assert [r.result for r in registry.records_with(("号码有误",))] == ["号码有误"]
        assert registry.records_with(("号码有误",), {"anshan"}, since) == []
