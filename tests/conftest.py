"""Shared fixtures: small real spreadsheets written with openpyxl, and a copy of the demo catalogs."""

from __future__ import annotations

import csv
import inspect
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import openpyxl
import pytest
from argon2 import PasswordHasher

from console.store import passwords, users
from generator.config import DEMO_CATALOGS

pytest_plugins = ["tests.pg"]  # the PostgreSQL test cluster (postgres, pg_url), for every test folder

# Argon2 at production cost (64 MiB, about 0.3 s a hash) only where a test is about the cost itself
# (marked production_hashing); everywhere else a cheap hash, so a sign-in costs milliseconds. The stored hash
# carries its parameters, so checking a password made here is as cheap as making it.
_PRODUCTION, _PRODUCTION_DUMMY = passwords._HASHER, passwords.DUMMY_HASH
_CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_CHEAP_DUMMY = _CHEAP.hash("jiaozao-no-such-user")


@pytest.fixture(autouse=True)
def cheap_password_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    production = request.node.get_closest_marker("production_hashing") is not None
    monkeypatch.setattr(passwords, "_HASHER", _PRODUCTION if production else _CHEAP)
    dummy = _PRODUCTION_DUMMY if production else _CHEAP_DUMMY
    monkeypatch.setattr(passwords, "DUMMY_HASH", dummy)
    monkeypatch.setattr(users, "DUMMY_HASH", dummy)


@pytest.fixture(scope="session", autouse=True)
def cheap_hashing_for_session_fixtures() -> Iterator[None]:
    """Session fixtures (the console's people) are made before any test's own patch."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_HASHER", _CHEAP)
        yield


WriteSheet = Callable[[Path, Sequence[Sequence[object]]], Path]


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """Write rows into the first sheet of a real .xlsx; None leaves a cell empty. Text stays text."""
    book = openpyxl.Workbook()
    sheet = book.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                cell = sheet.cell(r, c, value)
                if isinstance(value, str):
                    cell.number_format = "@"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[object]], encoding: str = "utf-8-sig") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows([["" if v is None else v for v in row] for row in rows])
    return path


ANSHAN_CATALOG_HEADER = (
    "序号",
    "审批事项名称",
    "证照名称",
    "审批科室",
    "证照法定有效期",
    "首次提醒时限",
    "二次提醒时限",
)


def replace_anshan_catalog(catalogs_dir: Path, rows: Sequence[Sequence[object]]) -> None:
    """Replace the 鞍山 目录 of a catalogs copy with these rows under its seed header."""
    (catalogs_dir / "anshan" / "catalog.xlsx").unlink()
    write_xlsx(catalogs_dir / "anshan" / "catalog.xlsx", [["标题"], list(ANSHAN_CATALOG_HEADER), *rows])


@pytest.fixture
def catalogs_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped demo catalogs (without its ledgers), safe to edit."""
    target = tmp_path / "catalogs"
    shutil.copytree(DEMO_CATALOGS, target, ignore=shutil.ignore_patterns("_ledgers"))
    return target


@pytest.fixture(autouse=True)
def private_ledger_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the parsed-ledger cache of every test in a temporary folder, never in the user's home."""
    folder = tmp_path_factory.mktemp("ledger-cache")
    monkeypatch.setenv("JIAOZAO_CACHE", str(folder))
    return folder


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that drive chromium `browser`, so `make check` can leave them out (make test runs all)."""
    for item in items:
        function = getattr(item, "function", None)
        uses_chromium = "browser" in getattr(item, "fixturenames", ()) or (
            function is not None and "chromium(" in inspect.getsource(function)
        )
        if uses_chromium:
            item.add_marker(pytest.mark.browser)
