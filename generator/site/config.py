"""catalogs/site.yaml: the site's own settings (name, address, footer facts), read once per build."""

from __future__ import annotations

from pathlib import Path

from generator.catalog.facts import read_yaml
from generator.problems import InputError, Level, Problem
from generator.site.model import SiteConfig

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


def load_site_config(catalogs: Path) -> SiteConfig:
    """Return the site settings from catalogs/site.yaml (defaults where a key is absent)."""
    path, problems = catalogs / SITE_FILE, list[Problem]()
    shown = f"{catalogs.name}/{SITE_FILE}"
    data = read_yaml(path, shown, problems) or {}
    values: dict[str, str] = {}
    for key, value in data.items():
        if key not in SITE_KEYS:
            known = "、".join(SITE_KEYS)
            problems.append(Problem(shown, f"不认识的项目“{key}”", f"可用的项目有：{known}", column=str(key)))
            continue
        values[SITE_KEYS[key]] = str(value or "").strip()
    if "base_url" in values and not values["base_url"].endswith("/"):
        values["base_url"] += "/"
    if any(p.level is Level.ERROR for p in problems):
        raise InputError(problems)
    return SiteConfig(**values)
