"""Outputs are whole or nothing: files and folders written beside their target and swapped in at the end."""

from __future__ import annotations

from pathlib import Path

import pytest

import generator.export as export
from generator.atomic import OutputError, private_database, replacing, replacing_folder
from generator.cli import main
from generator.config import DEMO_CATALOGS
from tests.modes import database_files, loose_umask, mode, not_private


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _old_folder(path: Path) -> dict[str, bytes]:
    (path / "a").mkdir(parents=True)
    (path / "a" / "old.txt").write_text("old a")
    (path / "mine.txt").write_text("not written by jiaozao")
    return _tree(path)


def test_a_folder_is_merged_in_entry_by_entry(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _old_folder(out)
    with replacing_folder(out) as stage:
        (stage / "a").mkdir()
        (stage / "a" / "new.txt").write_text("new a")
        (stage / "b.csv").write_text("b")
    assert _tree(out) == {"a/new.txt": b"new a", "b.csv": b"b", "mine.txt": b"not written by jiaozao"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing left beside it


def test_a_whole_folder_is_replaced_as_one(tmp_path: Path) -> None:
    out = tmp_path / "2026-11-23"
    _old_folder(out)
    with replacing_folder(out, whole=True) as stage:
        (stage / "b.csv").write_text("b")
    assert _tree(out) == {"b.csv": b"b"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-11-23"]


@pytest.mark.parametrize("whole", [False, True])
@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), RuntimeError("boom")])
def test_a_failure_midway_leaves_the_folder_as_it_was(tmp_path: Path, whole: bool, error: Exception) -> None:
    out = tmp_path / "out"
    before = _old_folder(out)
    expected = OutputError if isinstance(error, OSError) else RuntimeError
    with pytest.raises(expected) as raised, replacing_folder(out, whole=whole) as stage:
        (stage / "a").mkdir()
        (stage / "a" / "new.txt").write_text("half")
        raise error
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    if isinstance(error, OSError):
        assert "原有文件保持不变" in str(raised.value)


def test_a_new_folder_is_made_readable(tmp_path: Path) -> None:
    with replacing_folder(tmp_path / "new") as stage:
        (stage / "x").write_text("x")
    assert (tmp_path / "new").stat().st_mode & 0o055  # not mkdtemp's 0700


def test_replacing_a_file_keeps_the_old_one_on_failure(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("old")
    with pytest.raises(OutputError), replacing(path) as temp:
        temp.write_text("new")
        raise OSError(28, "No space left on device")
    assert path.read_text() == "old" and sorted(tmp_path.iterdir()) == [path]


def test_schedule_writes_both_files_or_neither(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out, problems = tmp_path / "排期.xlsx", tmp_path / "问题清单.csv"
    out.write_bytes(b"previous schedule")
    problems.write_bytes(b"previous problems")
    args = ["schedule", "--catalogs", str(DEMO_CATALOGS), "--today", "2026-11-23"]

    def disk_full(*_: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(
        export, "_write_csv", disk_full
    )  # the problem list fails after the schedule was written
    assert main([*args, "--out", str(out), "--problems", str(problems)]) == 1
    assert "保持不变" in capsys.readouterr().err
    assert out.read_bytes() == b"previous schedule" and problems.read_bytes() == b"previous problems"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["排期.xlsx", "问题清单.csv"]
    monkeypatch.undo()
    assert main([*args, "--out", str(out), "--problems", str(problems)]) == 0
    assert out.read_bytes().startswith(b"PK") and problems.read_bytes() != b"previous problems"


def test_private_outputs_are_0600_in_0700_folders_whatever_the_umask(tmp_path: Path) -> None:
    with loose_umask():
        with replacing(tmp_path / "new" / "deeper" / "清单.xlsx", private=True) as temp:
            temp.write_bytes(b"personal")
        with replacing(tmp_path / "public" / "index.html") as temp:
            temp.write_text("published", encoding="utf-8")
        with replacing_folder(tmp_path / "out" / "remind" / "2026-11-23", private=True) as stage:
            (stage / "anshan").mkdir()
            (stage / "anshan" / "短信.csv").write_text("13800138000", encoding="utf-8")
        private_database(tmp_path / "var" / "登记簿.sqlite")
    assert not not_private(tmp_path / "new") and not not_private(tmp_path / "out")
    assert not not_private(tmp_path / "var")
    assert mode(tmp_path / "public" / "index.html") == 0o666  # published: as the umask allows


def test_an_sqlite_database_and_its_journal_files_are_0600(tmp_path: Path) -> None:
    import sqlite3
    from contextlib import closing

    path = tmp_path / "old.sqlite"
    with loose_umask():
        with closing(sqlite3.connect(path)) as old:  # made by an earlier version: as the umask allowed
            old.execute("PRAGMA journal_mode=WAL")
            old.execute("CREATE TABLE t (x)")
            private_database(path)
            old.execute("INSERT INTO t VALUES (1)")
            assert len(database_files(path)) == 3
            assert {mode(p) for p in database_files(path)} == {0o600}
        fresh = tmp_path / "fresh.sqlite"
        private_database(fresh)
        with closing(sqlite3.connect(fresh)) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE t (x)")
            assert len(database_files(fresh)) == 3
            assert {mode(p) for p in database_files(fresh)} == {0o600}
