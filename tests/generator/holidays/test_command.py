"""jiaozao holidays and holidays import: the table staff compare, Chinese errors, nothing written unless clean."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from generator.cli import main
from tests.generator.holidays.conftest import BAD, notice_file


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "catalogs"
    path.mkdir()
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


def test_dry_run_prints_what_it_read_and_writes_nothing(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(
        capsys, "holidays", "import", str(notice_file(2026)), "--catalogs", str(folder), "--dry-run"
    )
    assert code == 0
    for text in (
        "国办发明电〔2025〕7号",
        "春节",
        "2月15日至23日",
        "2月14日（周六）、2月28日（周六）",
        "9 天",
    ):
        assert text in err
    assert "没有写入任何文件" in err and list(folder.iterdir()) == []


def test_import_writes_then_a_second_import_changes_nothing(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(capsys, "holidays", "import", str(notice_file(2025)), "--catalogs", str(folder))
    assert code == 0 and "已写入" in err
    assert (
        (folder / "holidays.csv")
        .read_text(encoding="utf-8-sig")
        .startswith("日期,类型,说明\n2025-01-01,休,元旦")
    )
    code, err = run(capsys, "holidays", "import", str(notice_file(2025)), "--catalogs", str(folder))
    assert code == 0 and "已经导入过" in err


def test_standard_input_in_gbk(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = notice_file(2026).read_text(encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("gbk"))))
    code, err = run(capsys, "holidays", "import", "-", "--catalogs", str(folder), "--dry-run")
    assert code == 0 and "国庆节" in err


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("several-problems.txt", ["周六", "2月29日", "共 2 天", "发现 3 个问题"]),
        ("not-a-notice.txt", ["不像放假安排通知"]),
        ("empty.txt", ["文件是空的"]),
        ("blank.txt", ["文件是空的"]),
        ("undecodable.txt", ["编码无法识别"]),
        ("missing.txt", ["找不到这个文件"]),
    ],
)
def test_a_bad_notice_is_refused_in_chinese_and_nothing_is_written(
    folder: Path, capsys: pytest.CaptureFixture[str], name: str, expected: list[str]
) -> None:
    code, err = run(capsys, "holidays", "import", str(BAD / name), "--catalogs", str(folder))
    assert code == 1 and "Traceback" not in err
    assert all(text in err for text in expected)
    assert list(folder.iterdir()) == []


def test_a_bad_holidays_csv_is_reported_before_anything_is_written(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "holidays.csv").write_text("日期,类型,说明\n2027-02-30,休,错\n", encoding="utf-8")
    code, err = run(capsys, "holidays", "import", str(notice_file(2026)), "--catalogs", str(folder))
    assert code == 1 and "holidays.csv" in err and "第 2 行" in err
    assert (folder / "holidays.csv").read_text(encoding="utf-8") == "日期,类型,说明\n2027-02-30,休,错\n"


@pytest.mark.parametrize(("today", "warned"), [("2026-10-01", True), ("2026-09-30", False)])
def test_holidays_lists_years_and_warns_from_october(
    folder: Path, capsys: pytest.CaptureFixture[str], today: str, warned: bool
) -> None:
    code, err = run(capsys, "holidays", "--catalogs", str(folder), "--today", today)
    assert code == 0 and "2004" in err and "chinese-calendar" in err and "估算" in err
    assert ("2027 年的放假安排还是估算" in err) is warned
