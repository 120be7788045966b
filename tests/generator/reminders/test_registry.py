from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.cli import main
from generator.config import Settings
from generator.reminders.registry import RegisteredCertificate, Registry, RegistryError, ReminderRecord

CERT = RegisteredCertificate("anshan", "C-1", "采矿许可证", "甲公司", date(2026, 12, 1))


def _record(kind: str, on: str = "2026-11-23") -> ReminderRecord:
    return ReminderRecord(CERT, kind, "电话", date.fromisoformat(on), "张三", "已告知", "", "t")


def test_a_failing_batch_leaves_nothing_behind(registry_at: Path | str) -> None:
    with Registry(registry_at) as registry:
        registry.add([_record("首次", "2026-11-20")])
        with pytest.raises(RegistryError, match="保持原样"):
            registry.add([_record("二次"), _record("三次")])  # the second row breaks the CHECK constraint
        assert [r.kind for r in registry.records()] == ["首次"]
    with Registry(registry_at) as again:  # reopened: still consistent
        assert len(again.records()) == 1 and again.done_keys() == {("anshan", "C-1", "2026-12-01", "首次")}


def test_the_same_act_is_one_record_and_a_number_less_certificate_is_named_by_holder(
    registry_at: Path | str,
) -> None:
    nameless = RegisteredCertificate("anshan", "", "采矿许可证", "甲公司", date(2026, 12, 1))
    with Registry(registry_at) as registry:
        assert registry.add([_record("首次"), _record("首次")]) == 1
        assert (
            registry.add(
                [ReminderRecord(nameless, "首次", "电话", date(2026, 11, 23), "张三", "未接通", "", "t")]
            )
            == 1
        )
        assert ("anshan", "甲公司|采矿许可证", "2026-12-01", "首次") not in registry.done_keys()


def test_the_registry_path(tmp_path: Path) -> None:
    def registry_path(option: str | None, environ: dict[str, str]) -> Path:
        return Settings.read(environ=environ, db=option).db  # the 登记簿 setting, as every command reads it

    assert registry_path(None, {}) == Path.cwd() / "var" / "登记簿.sqlite"
    assert registry_path(None, {"JIAOZAO_RECORD_DB": "/x/y.sqlite"}) == Path("/x/y.sqlite")
    assert registry_path("a.sqlite", {"JIAOZAO_RECORD_DB": "/x/y.sqlite"}) == Path.cwd() / "a.sqlite"


def test_the_shared_database_holds_the_registry_when_one_is_set() -> None:
    url = "postgresql://jiaozao@db.example/jiaozao"
    assert (
        Settings.read(environ={"JIAOZAO_DATABASE_URL": url, "JIAOZAO_RECORD_DB": "/x/y.sqlite"}).registry
        == url
    )
    assert Settings.read(environ={"JIAOZAO_RECORD_DB": "/x/y.sqlite"}).registry == Path("/x/y.sqlite")


def test_db_and_the_shared_database_at_once_are_refused_before_anything_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JIAOZAO_DATABASE_URL", "postgresql://jiaozao:s3cret@127.0.0.1:1/none")
    assert main(["remind", "--db", str(tmp_path / "登记簿.sqlite"), "--today", "2026-11-23"]) == 1
    said = capsys.readouterr().err
    assert (
        "同时给了 --db 和 JIAOZAO_DATABASE_URL" in said and "Traceback" not in said and "s3cret" not in said
    )
    assert not (tmp_path / "登记簿.sqlite").exists()
