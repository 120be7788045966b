"""The console's settings: read once, and what they share with the build read the build's way."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.settings import ConsoleConfigError, ConsoleSettings
from generator.config import Settings
from generator.site.config import read_site_config


def _read(catalogs: Path, environ: dict[str, str]) -> ConsoleSettings:
    inputs = Settings.read(str(catalogs), environ={})
    return ConsoleSettings.read(
        inputs, catalogs / "site", catalogs / "src", catalogs / "index", environ=environ
    )


def test_the_public_address_is_site_yaml_as_the_build_reads_it(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("网站名称: 叫早\n网址: https://zz.example.gov.cn\n", encoding="utf-8")
    assert (
        _read(tmp_path, {}).public_url
        == "https://zz.example.gov.cn/"
        == read_site_config(tmp_path)[0].base_url
    )
    given = {"JIAOZAO_CONSOLE_PUBLIC_URL": "https://elsewhere.example.gov.cn/"}
    assert _read(tmp_path, given).public_url == "https://elsewhere.example.gov.cn/"


def test_an_unusable_address_gives_the_site_root(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("网址: javascript:alert(1)\n", encoding="utf-8")
    assert _read(tmp_path, {}).public_url == "/"


def test_a_flag_takes_the_shared_yes_no_words_and_refuses_others(tmp_path: Path) -> None:
    assert _read(tmp_path, {"JIAOZAO_CONSOLE_HTTPS": "是"}).https is True
    assert _read(tmp_path, {"JIAOZAO_CONSOLE_HTTPS": "off"}).https is False
    assert _read(tmp_path, {}).https is False
    with pytest.raises(ConsoleConfigError, match="应是 1 或 0"):
        _read(tmp_path, {"JIAOZAO_CONSOLE_HTTPS": "maybe"})
