"""site.yaml, read in one place for the build and the console."""

from __future__ import annotations

from pathlib import Path

from generator.problems import Level
from generator.site.config import read_site_config
from generator.site.model import SiteConfig


def test_the_address_ends_with_a_slash_and_a_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    assert read_site_config(tmp_path) == (SiteConfig(), [])
    (tmp_path / "site.yaml").write_text("网站名称: 叫早\n网址: https://zz.example.gov.cn\n", encoding="utf-8")
    config, problems = read_site_config(tmp_path)
    assert (config.name, config.base_url, problems) == ("叫早", "https://zz.example.gov.cn/", [])


def test_an_address_that_is_not_a_web_address_is_an_error_and_not_used(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("网址: javascript:alert(1)\n", encoding="utf-8")
    config, problems = read_site_config(tmp_path)
    assert config.base_url == "/" and [p.level for p in problems] == [Level.ERROR]
