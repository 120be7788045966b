"""Every command works from any working directory, with relative paths meaning relative to that directory."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from generator.config import DEMO_CATALOGS, OPTIONS, Settings

COMMAND = shutil.which("jiaozao") or str(Path(__file__).resolve().parents[3] / ".venv" / "bin" / "jiaozao")


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIAOZAO_")}
    env["JIAOZAO_CACHE"] = "off"
    return subprocess.run([COMMAND, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_commands_run_from_another_folder_with_relative_paths(tmp_path: Path) -> None:
    work = tmp_path / "某个文件夹"
    work.mkdir()
    shutil.copytree(DEMO_CATALOGS, work / "目录")
    day = "--today=2026-11-23"
    assert _run(work, "check", "--catalogs", "目录", day).returncode == 0
    built = _run(work, "build", "--catalogs", "目录", "--site", "网站", day)
    assert built.returncode == 0, built.stderr
    assert (work / "网站" / "index.html").is_file() and (work / "网站-index" / "CURRENT").is_file()
    assert _run(work, "schedule", "--catalogs", "目录", "--out", "排期.xlsx", day).returncode == 0
    assert (work / "排期.xlsx").is_file()
    reminded = _run(work, "remind", "--catalogs", "目录", "--db", "登记簿.sqlite", "--dry-run", day)
    assert reminded.returncode == 0, reminded.stderr
    assert (work / "out" / "remind" / "2026-11-23").is_dir()
    report = ["report", "--catalogs", "目录", "--site", "网站", "--from", "2026-11-01", "--to", "2026-11-30"]
    assert _run(work, *report, "--out", "督促检查.xlsx", day).returncode == 0
    assert (work / "督促检查.xlsx").is_file()
    inside = _run(work, *report, "--out", "网站/督促检查.xlsx", day)
    assert inside.returncode == 1 and "公开网站" in inside.stderr


def test_settings_are_absolute_and_read_once(tmp_path: Path) -> None:
    settings = Settings.read("c", environ={"JIAOZAO_SITE": "w", "JIAOZAO_RECORD_DB": "d.sqlite"})
    cwd = Path.cwd()
    assert settings.catalogs == cwd / "c" and settings.ledgers == cwd / "c" / "_ledgers"
    assert settings.site == cwd / "w" and settings.index == cwd / "w-index"
    assert settings.db == cwd / "d.sqlite" and settings.out == cwd / "out"
    assert Settings.read(environ={}, site=str(tmp_path / "s")).index == tmp_path / "s-index"


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    for option in OPTIONS:
        assert f"`{option.env}`" in readme, option.env


def test_the_build_library_call_takes_relative_site_folders(tmp_path: Path, monkeypatch: object) -> None:
    """A library caller (the console, a bench) may pass the site folders relative to its working directory."""
    from datetime import date

    from generator.workflows.build import build_site

    shutil.copytree(DEMO_CATALOGS, tmp_path / "目录")
    monkeypatch.chdir(tmp_path)  # type: ignore[attr-defined]
    settings = Settings.read("目录", environ={"JIAOZAO_CACHE": "off"})
    build_site(settings, date(2026, 11, 23), Path("网站"), Path("网站源"))
    assert (tmp_path / "网站" / "index.html").is_file() and (tmp_path / "网站源").is_dir()
