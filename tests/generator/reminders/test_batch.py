"""remind writes a day's files whole or not at all: a failure midway leaves the previous outputs and 登记簿 alone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import generator.reminders.batch as batch
from generator.cli import main
from tests.generator.reminders.conftest import TODAY


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _pending_sms(db: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM sms_pending").fetchone()[0])


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), ValueError("bad cell")])
@pytest.mark.parametrize("default_folder", [False, True])
def test_a_failure_midway_changes_nothing(
    remind_args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    error: Exception, default_folder: bool,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    out = Path("out") / "remind" / TODAY if default_folder else tmp_path / "runs" / "mine"
    where = [] if default_folder else ["--out", str(out)]
    assert main(["remind", *remind_args, "--today", TODAY, *where, "--dry-run"]) == 0
    before, pending = _tree(out), _pending_sms(remind_args[-1])
    assert "anshan-weijian/电话提醒清单.xlsx" in before and "问题清单.csv" in before

    def fail(*_: object) -> list[Path]:
        raise error

    monkeypatch.setattr(batch, "write_letters", fail)  # the worklist is already written when the letters fail
    capsys.readouterr()
    assert main(["remind", *remind_args, "--today", TODAY, *where]) == 1
    message = capsys.readouterr().err
    assert "保持不变" in message or "未改动" in message
    assert _tree(out) == before
    assert _pending_sms(remind_args[-1]) == pending
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # no half-written folder beside it
