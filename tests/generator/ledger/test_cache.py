"""The parsed-ledger cache: reused while nothing changed, refreshed when the file or its 目录 did, private."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

import generator.ledger.load as load_module
from generator.catalog.load import load_catalogs
from generator.catalog.model import Catalogs
from generator.config import Settings
from generator.ledger.load import load_ledgers as load_uncached
from generator.ledger.model import Ledger
from generator.problems import Problem
from tests.conftest import replace_anshan_catalog, write_xlsx


def load_ledgers(path: Path, catalogs: Catalogs) -> tuple[Ledger, list[Problem]]:
    """The loader with the cache the settings name (tests/conftest.py points JIAOZAO_CACHE at a fresh folder)."""
    return load_uncached(path, catalogs, cache=Settings.read().cache)


HEADER = ["证照持有单位（个人）", "证照名称", "证照编号", "期满日期", "联系电话"]


def _ledger(path: Path, rows: list[list[object]]) -> Path:
    return write_xlsx(path, [HEADER, *rows])


def _forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> object:
        raise AssertionError("parsed again although nothing changed")

    monkeypatch.setattr(load_module, "_parse", refuse)


def test_an_unchanged_file_comes_from_the_cache(
    tmp_path: Path, catalogs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogs, _ = load_catalogs(catalogs_dir)
    path = _ledger(
        tmp_path / "anshan.xlsx",
        [
            ["甲公司", "采矿许可证", "A1", "2026-12-01", "13800138000"],
            ["乙公司", "采矿许可正", "A2", "2026-12-01", ""],
        ],
    )
    first, first_problems = load_ledgers(path, catalogs)
    _forbid_parsing(monkeypatch)
    again, again_problems = load_ledgers(path, catalogs)
    assert again.number == first.number and again.expires.tolist() == first.expires.tolist()
    assert again.item.tolist() == first.item.tolist() and again_problems == first_problems
    assert (again.rows_read, again.rows_rejected) == (2, 1)


def test_a_changed_file_or_catalogue_is_parsed_again(tmp_path: Path, catalogs_dir: Path) -> None:
    catalogs, _ = load_catalogs(catalogs_dir)
    path = _ledger(tmp_path / "anshan.xlsx", [["甲公司", "采矿许可证", "A1", "2026-12-01", ""]])
    load_ledgers(path, catalogs)
    _ledger(path, [["甲公司", "采矿许可证", "A1", "2027-12-01", ""]])
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    ledger, _ = load_ledgers(path, catalogs)
    assert ledger.expires.tolist()[0] == date(2027, 12, 1).toordinal()
    # A renamed 目录 row changes what the ledger's certificate means: the cache must not answer.
    replace_anshan_catalog(
        catalogs_dir, [[1, "采矿", "采矿证", "科", "5年", "到期前90个工作日", "到期前20个工作日"]]
    )
    renamed, _ = load_catalogs(catalogs_dir)
    ledger, problems = load_ledgers(path, renamed)
    assert len(ledger) == 0 and any("采矿证" in p.fix for p in problems)


def test_a_certificate_in_two_files_is_reported_once(tmp_path: Path, catalogs_dir: Path) -> None:
    catalogs, _ = load_catalogs(catalogs_dir)
    _ledger(tmp_path / "ledgers" / "anshan-10.xlsx", [["甲公司", "采矿许可证", "A1", "2026-12-01", ""]])
    _ledger(
        tmp_path / "ledgers" / "anshan-11.xlsx",
        [["甲公司", "采矿许可证", "A1", "2026-12-01", ""], ["乙公司", "采矿许可证", "A2", "2026-12-01", ""]],
    )
    for _ in range(2):  # parsed, then from the cache: the same answer
        ledger, problems = load_ledgers(tmp_path / "ledgers", catalogs)
        assert ledger.number == ["A1", "A2"] and (ledger.rows_read, ledger.rows_rejected) == (3, 1)
        (problem,) = [p for p in problems if "重复" in p.message]
        assert (
            problem.file.endswith("anshan-11.xlsx")
            and problem.row == 2
            and "anshan-10.xlsx 第 2 行" in problem.fix
        )


def test_the_cache_is_private_and_can_be_switched_off(
    tmp_path: Path, catalogs_dir: Path, private_ledger_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogs, _ = load_catalogs(catalogs_dir)
    path = _ledger(tmp_path / "anshan.xlsx", [["甲公司", "采矿许可证", "A1", "2026-12-01", "13800138000"]])
    load_ledgers(path, catalogs)
    entries = list(private_ledger_cache.glob("*.pickle"))
    assert entries and all(stat.S_IMODE(e.stat().st_mode) == 0o600 for e in entries)
    monkeypatch.setenv("JIAOZAO_CACHE", "off")
    for entry in entries:
        entry.unlink()
    load_ledgers(path, catalogs)
    assert list(private_ledger_cache.glob("*.pickle")) == []
