"""`jiaozao check` refuses whatever build, serve and remind would refuse, all problems together."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.config import DEMO_CATALOGS

DAY = "--today=2026-11-23"


@pytest.fixture
def catalogs(tmp_path: Path) -> Path:
    folder = tmp_path / "catalogs"
    shutil.copytree(DEMO_CATALOGS, folder)
    return folder


def _check(catalogs: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", "--catalogs", str(catalogs), DAY])
    return code, capsys.readouterr().err


def test_the_demo_passes(catalogs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _check(catalogs, capsys)[0] == 0


@pytest.mark.parametrize(
    ("file", "text", "expected"),
    [
        ("site.yaml", "网站名称: 叫早\n不认识: 1\n", "不认识"),
        ("portal.yaml", "每分钟查询次数: 很多\n", "每分钟查询次数"),
        ("anshan/短信模板.txt", "尊敬的{持证人}：{不存在的占位符}", "不存在的占位符"),
    ],
)
def test_a_file_build_serve_or_remind_would_refuse_fails_check(
    catalogs: Path, capsys: pytest.CaptureFixture[str], file: str, text: str, expected: str
) -> None:
    (catalogs / file).write_text(text, encoding="utf-8")
    code, err = _check(catalogs, capsys)
    assert code == 1 and expected in err and "检查未通过" in err


def test_every_settings_problem_is_reported_together(
    catalogs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (catalogs / "site.yaml").write_text("不认识: 1\n", encoding="utf-8")
    (catalogs / "portal.yaml").write_text("每分钟查询次数: -1\n", encoding="utf-8")
    code, err = _check(catalogs, capsys)
    assert code == 1 and "不认识" in err and "每分钟查询次数" in err
