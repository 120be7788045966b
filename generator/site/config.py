"""catalogs/site.yaml: the site's own settings (name, address, footer facts), read once per build."""

from __future__ import annotations

from pathlib import Path

from generator.catalog.facts import yaml_problems
from generator.problems import InputError, Level, Problem
from generator.site.model import SiteConfig
from portal.rules.yamlfile import load_yaml

SITE_FILE = "site.yaml"
SITE_KEYS = {
    "网站名称": "name",
    "网址": "base_url",
    "查询地址": "portal_url",
    "主办单位": "host",
    "网站标识码": "site_code",
    "ICP备案号": "icp",
    "ICP备案链接": "icp_url",
    "公安备案号": "police",
    "公安备案链接": "police_url",
}
_URLS = ("网址", "ICP备案链接", "公安备案链接")  # 查询地址 may also be a path of this site (/lookup)


def read_site_config(catalogs: Path) -> tuple[SiteConfig, list[Problem]]:
    """Return the site settings from catalogs/site.yaml (defaults where a key is absent) and their problems."""
    shown = f"{catalogs.name}/{SITE_FILE}"
    section, issues = load_yaml(catalogs / SITE_FILE)
    values: dict[str, str] = {}
    if section is not None:
        section.check_keys(SITE_KEYS)
        for key in section:
            if key in SITE_KEYS:
                url = key in _URLS or key == "查询地址"
                text = section.url(key, allow_path=key == "查询地址") if url else section.text(key)
                values[SITE_KEYS[key]] = text
    if "base_url" in values and not values["base_url"].endswith("/"):
        values["base_url"] += "/"
    return SiteConfig(**values), yaml_problems(shown, issues)


def load_site_config(catalogs: Path) -> SiteConfig:
    """Return the site settings from catalogs/site.yaml; an error in it raises InputError."""
    config, problems = read_site_config(catalogs)
    if any(p.level is Level.ERROR for p in problems):
        raise InputError(problems)
    return config
