"""Which department a ledger belongs to when its file and folder names say none."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.catalog.load import load_catalogs
from generator.cli import main
from generator.config import DEMO_CATALOGS
from generator.ledger.files import department_of, find_ledger_files
from generator.problems import Level
from tests.conftest import write_xlsx

HEADER = ["持证单位", "证照名称", "证照编号", "期满日期", "联系电话"]


def _ledger(path: Path, *names: str) -> Path:
    rows = [
        [f"某某{n}有限公司", name, f"X-{n:04d}", "2027-03-01", "13912345678"] for n, name in enumerate(names)
    ]
    return write_xlsx(path, [HEADER, *rows])


@pytest.fixture
def catalogs(tmp_path: Path) -> Path:
    folder = tmp_path / "catalogs"
    shutil.copytree(DEMO_CATALOGS, folder, ignore=shutil.ignore_patterns("_ledgers"))
    return folder


def test_the_only_department_is_the_ones_ledger(catalogs: Path, tmp_path: Path) -> None:
    for other in ("anshan-weijian", "anyang", "dongli", "lvliang"):
        shutil.rmtree(catalogs / other)
    ledger = _ledger(tmp_path / "台账" / "导出.xlsx", "采矿许可证")
    found, problems = find_ledger_files(ledger.parent, load_catalogs(catalogs)[0])
    assert found == [(ledger, "anshan")]
    assert [p.level for p in problems] == [Level.WARNING] and "只有一个部门" in problems[0].message


def test_certificate_names_of_one_catalogue_choose_that_department(catalogs: Path, tmp_path: Path) -> None:
    ledger = _ledger(tmp_path / "台账" / "2026年11月导出.xlsx", "采矿许可证", "采矿许可证")
    found, problems = find_ledger_files(ledger.parent, load_catalogs(catalogs)[0])
    assert found == [(ledger, "anshan")]
    assert problems[0].level is Level.WARNING and "全部 1 种证照名称" in problems[0].message
    assert "anshan" in problems[0].message


def test_names_in_several_catalogues_are_refused_naming_the_candidates(
    catalogs: Path, tmp_path: Path
) -> None:
    ledger = _ledger(tmp_path / "台账" / "导出.xlsx", "排污许可证")  # in anshan's and dongli's 目录
    found, problems = find_ledger_files(ledger.parent, load_catalogs(catalogs)[0])
    assert found == [] and problems[0].level is Level.ERROR
    assert "anshan" in problems[0].message and "dongli" in problems[0].message


def test_names_no_catalogue_holds_all_of_are_refused_with_the_closest(catalogs: Path, tmp_path: Path) -> None:
    ledger = _ledger(tmp_path / "台账" / "导出.xlsx", "采矿许可证", "营业执照")  # anshan's and lvliang's
    found, problems = find_ledger_files(ledger.parent, load_catalogs(catalogs)[0])
    assert found == [] and problems[0].level is Level.ERROR and "最接近" in problems[0].message


def test_check_reads_a_ledger_named_by_nobody(
    catalogs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = _ledger(tmp_path / "台账" / "export.xlsx", "采矿许可证")
    code = main(["check", "--catalogs", str(catalogs), "--ledgers", str(ledger), "--today", "2026-11-23"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "按该部门的台账读取" in err and "排期 1 行" in err


def test_an_empty_ledger_folder_is_said(
    catalogs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "台账").mkdir()
    code = main(
        ["check", "--catalogs", str(catalogs), "--ledgers", str(tmp_path / "台账"), "--today", "2026-11-23"]
    )
    assert code == 0 and "没有任何台账文件" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("anshan-weijian-2026-11.xlsx", "anshan-weijian"),  # the longer slug first
        ("anshan-weijian.xlsx", "anshan-weijian"),
        ("anshan_2026.xlsx", "anshan"),
        ("anshan 导出.xlsx", "anshan"),
        ("anshan.weijian.xlsx", "anshan"),  # the stem "anshan.weijian": a dot ends the slug
        ("anshanx.xlsx", None),  # a slug must end at a separator
        ("dongli/导出.xlsx", "dongli"),  # a folder names it when the file does not
        ("a.b+c/导出.xlsx", "a.b+c"),  # slugs are matched as written, not as patterns
        ("aXb+c/导出.xlsx", None),
    ],
)
def test_a_files_department_is_the_longest_slug_its_name_or_folder_starts_with(
    tmp_path: Path, relative: str, expected: str | None
) -> None:
    slugs = ("anshan", "anshan-weijian", "dongli", "a.b+c")
    assert department_of(tmp_path / relative, tmp_path, slugs) == expected
    assert department_of(tmp_path / relative, tmp_path, ()) is None
