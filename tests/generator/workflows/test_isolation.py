"""remind, report and build with one department's files broken: the others' work is done, exit 1 says why."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from generator.cli import main
from generator.config import DEMO_CATALOGS
from generator.site.changes import HISTORY_FILE

TODAY = "2026-11-23"
A, B = "anshan", "anshan-weijian"  # B's 台账 file name starts with A's slug: never read as A's


def _garbage(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04 not a workbook")


BREAKAGES: dict[str, tuple[Callable[[Path], None], str, str]] = {  # how, the file named, what is wrong
    "目录 xlsx 无法打开": (lambda c: _garbage(c / B / "catalog.xlsx"), "catalog.xlsx", "目录有错误"),
    "department.yaml 格式错误": (
        lambda c: (c / B / "department.yaml").write_text("名称: [\n", encoding="utf-8"),
        "department.yaml",
        "目录有错误",
    ),
    "台账 xlsx 无法打开": (lambda c: _garbage(c / "_ledgers" / f"{B}.xlsx"), f"{B}.xlsx", "台账有错误"),
}


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A private copy of the demo 目录 and 台账."""
    shutil.copytree(DEMO_CATALOGS, tmp_path / "catalogs")
    return tmp_path / "catalogs"


def _inputs(catalogs: Path, tmp: Path | None = None) -> list[str]:
    given = ["--catalogs", str(catalogs), "--ledgers", str(catalogs / "_ledgers")]
    return given + (["--db", str(tmp / "登记簿.sqlite")] if tmp else [])


def _remind(catalogs: Path, tmp: Path, out: Path) -> int:
    return main(["remind", *_inputs(catalogs, tmp), "--today", TODAY, "--out", str(out), "--dry-run"])


def _cells(path: Path) -> list[tuple[object, ...]]:
    return list(openpyxl.load_workbook(path).active.values)


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_remind_does_the_other_departments_and_names_the_broken_one(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], breakage: str
) -> None:
    assert _remind(demo, tmp_path, tmp_path / "before") == 0
    capsys.readouterr()
    how, file, what = BREAKAGES[breakage]
    how(demo)
    assert _remind(demo, tmp_path, tmp_path / "after") == 1
    err = capsys.readouterr().err
    assert f"（{B}）的{what}，今天的提醒没有列出" in err and file in err and "Traceback" not in err
    assert "1 个部门因数据有误被跳过" in err
    before, after = tmp_path / "before", tmp_path / "after"
    assert (before / B).is_dir() and not (after / B).exists()
    for slug in (A, "dongli", "lvliang"):
        names = sorted(p.name for p in (before / slug).iterdir())
        assert names == sorted(p.name for p in (after / slug).iterdir()), slug
        worklist = "电话提醒清单.xlsx"
        assert _cells(before / slug / worklist) == _cells(after / slug / worklist), slug


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_report_counts_the_other_departments_and_names_the_broken_one(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], breakage: str
) -> None:
    how, file, what = BREAKAGES[breakage]
    how(demo)
    xlsx = tmp_path / "督促检查.xlsx"
    period = ["--from", "2026-10-01", "--to", "2026-12-31", "--today", TODAY, "--out", str(xlsx)]
    assert main(["report", *_inputs(demo, tmp_path), *period]) == 1
    err = capsys.readouterr().err
    assert f"（{B}）的{what}，没有计入督促检查" in err and file in err and "Traceback" not in err
    sheets = openpyxl.load_workbook(xlsx).sheetnames
    assert any(s == "鞍山市行政审批局" or s.startswith("鞍山市行政审批局") for s in sheets), sheets
    assert not any("卫生健康" in s for s in sheets), sheets


@pytest.mark.parametrize("breakage", ["department.yaml 格式错误", "台账 xlsx 无法打开"])
def test_build_publishes_the_other_departments_whole_and_leaves_the_broken_one_out(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], breakage: str
) -> None:
    site, src, index = tmp_path / "site", tmp_path / "src", tmp_path / "index"
    places = ["--site", str(site), "--src", str(src), "--index", str(index), "--today", TODAY]
    assert main(["build", *_inputs(demo), *places]) == 0
    history = src / HISTORY_FILE
    assert B in history.read_text(encoding="utf-8")
    how, file, what = BREAKAGES[breakage]
    how(demo)
    capsys.readouterr()
    assert main(["build", *_inputs(demo), *places]) == 1
    err = capsys.readouterr().err
    assert f"（{B}）的{what}，这次没有发布" in err and file in err and "Traceback" not in err
    assert (site / "departments" / A / "index.html").is_file()
    assert not (site / "departments" / B).exists()
    assert not list(tmp_path.glob("site.*")) and not list(tmp_path.glob(".site*"))  # no half-written site
    assert B in history.read_text(encoding="utf-8")  # its change log waits for its return
    shutil.copytree(DEMO_CATALOGS, demo, dirs_exist_ok=True)  # fixed: back on the site
    assert main(["build", *_inputs(demo), *places]) == 0
    assert (site / "departments" / B / "index.html").is_file()
