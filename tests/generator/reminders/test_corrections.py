"""更正 in the 登记簿: a new record supersedes, nothing is edited; only standing records count."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from generator.config import Settings
from generator.problems import JiaozaoError
from generator.reminders.registry import RegisteredCertificate, Registry, RegistryError, ReminderRecord
from generator.workflows.record import correct_record

CERT = RegisteredCertificate("anshan", "C-1", "采矿许可证", "甲公司", date(2026, 12, 1))
KEY = ("anshan", "C-1", "2026-12-01", "首次")
TOLD = ReminderRecord(CERT, "首次", "电话", date(2026, 11, 23), "张三", "已告知", "", "t")


def test_a_correction_supersedes_and_only_standing_records_count(registry_at: Path | str) -> None:
    with Registry(registry_at) as registry:
        (first,) = registry.add_each([TOLD])
        assert first is not None and KEY in registry.done_keys()
        second = registry.correct(replace(TOLD, result="未接通", source="更正"), first)
        assert second is not None and KEY not in registry.done_keys()
        assert [r.result for r in registry.records()] == ["未接通"]
        entries = registry.entries("anshan")
        assert [(e.id, e.supersedes, e.superseded_by, e.record.result) for e in entries] == [
            (first, None, second, "已告知"), (second, first, None, "未接通"),
        ]  # fmt: skip
        with pytest.raises(RegistryError, match="已被更正"):
            registry.correct(TOLD, first)  # the old record is corrected once
        done, added, again = registry.since(first)
        assert (done, added, again) == (
            set(),
            1,
            {"anshan"},
        )  # a done record corrected: plan its department again


def test_correct_record_checks_the_department_and_the_choices(
    tmp_path: Path, registry_at: Path | str
) -> None:
    shared = registry_at if isinstance(registry_at, str) else ""
    settings = Settings(tmp_path, tmp_path, db=tmp_path / "db.sqlite", database_url=shared)
    with Registry(settings.registry) as registry:
        (first,) = registry.add_each([TOLD])
    assert first is not None
    with pytest.raises(JiaozaoError, match="没有找到"):
        correct_record(settings, "dongli", first, "未接通", "电话", "", "李四")
    with pytest.raises(JiaozaoError, match="联系结果"):
        correct_record(settings, "anshan", first, "大概告知了", "电话", "", "李四")
    old, new = correct_record(settings, "anshan", first, "未接通", "电话", "记错了", "李四")
    assert old.id == first and new is not None


def test_a_registry_from_before_corrections_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with Registry(path) as registry:
        registry.add([TOLD])
    with closing(sqlite3.connect(path)) as db:  # as an older version left it: no supersedes column
        db.execute("DROP INDEX reminders_supersedes")
        db.execute("ALTER TABLE reminders DROP COLUMN supersedes")
        db.commit()
    with Registry(path) as registry:
        assert registry.done_keys() == {KEY} and len(registry.entries("anshan")) == 1


def test_a_corrected_record_no_longer_counts_for_supervision(registry_at: Path | str) -> None:
    with Registry(registry_at) as registry:
        (first,) = registry.add_each([TOLD])
        assert first is not None
        assert [row[:4] for row in registry.done_reminders()] == [KEY]
        registry.correct(replace(TOLD, result="未接通", source="更正"), first)
        assert list(registry.done_reminders()) == []  # the 督促检查 counts read standing records only
