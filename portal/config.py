"""The portal's one configuration: where the index and site are, and its security settings, read once at start.

Security settings come from portal.yaml in the catalogs folder (Chinese keys, for staff to edit);
paths from the serve command or, for a production server started by uvicorn itself, the environment (JIAOZAO_INDEX,
JIAOZAO_SITE, JIAOZAO_PORTAL_CONFIG, declared in the one settings table, portal/rules/settings_table.py).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from portal.rules import settings_table
from portal.rules.text import is_web_address
from portal.rules.yamlfile import Section, YamlIssue, load_yaml

CONFIG_FILE = "portal.yaml"
_KEYS = {
    "每分钟查询次数": "rate_limit",
    "可信代理": "trusted_proxy",
    "允许嵌入的网站": "frame_ancestors",
    "允许跨域的网站": "cors_origins",
}


class PortalConfigError(Exception):
    """portal.yaml or an environment setting is not usable; the message says what to change."""


@dataclass(frozen=True)
class PortalConfig:
    """Where the portal reads from and how it protects itself."""

    index_dir: Path
    site_dir: Path | None = None  # serve the built site too (the demo); production lets nginx serve it
    rate_limit: int = 60  # lookups per client address per minute; 0: no limit
    trusted_proxy: str = ""  # the one reverse proxy whose X-Forwarded-For is believed
    frame_ancestors: tuple[str, ...] = ()  # origins allowed to frame the portal (政务服务网)
    cors_origins: tuple[str, ...] = ()  # origins allowed to call /api/ from a browser (GET only)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> PortalConfig:
        """Return the configuration from JIAOZAO_INDEX, JIAOZAO_SITE and JIAOZAO_PORTAL_CONFIG (portal.yaml)."""
        index_dir = settings_table.given(environ, "JIAOZAO_INDEX", strip=False)
        if not index_dir:
            raise PortalConfigError(
                "没有设置 JIAOZAO_INDEX（查询索引文件夹，jiaozao build 生成的 site-index/）"
            )
        site = settings_table.given(environ, "JIAOZAO_SITE", strip=False)  # unset: nginx serves the site
        config_file = settings_table.given(environ, "JIAOZAO_PORTAL_CONFIG", strip=False)
        settings = read_settings(Path(config_file)) if config_file else {}
        return cls(Path(index_dir), Path(site) if site else None, **settings)


def read_settings(path: Path) -> dict[str, Any]:
    """Return the security settings of a portal.yaml as PortalConfig keywords; a missing file gives defaults."""
    settings, issues = check_settings(path)
    errors = [str(i) for i in issues if not i.warning]
    if errors:
        raise PortalConfigError(f"{path}：" + "；".join(errors))
    return settings


def check_settings(path: Path) -> tuple[dict[str, Any], list[YamlIssue]]:
    """Return the settings a portal.yaml gives and every problem in it (for jiaozao check)."""
    section, issues = load_yaml(path)
    settings = dict[str, Any]()
    if section is None:
        return settings, issues
    section.check_keys(_KEYS)
    rate_limit = section.integer("每分钟查询次数", minimum=0)
    if rate_limit is not None:
        settings["rate_limit"] = rate_limit
    if "可信代理" in section:
        settings["trusted_proxy"] = _address(section, "可信代理")
    for key in ("允许嵌入的网站", "允许跨域的网站"):
        if key in section:
            settings[_KEYS[key]] = _origins(section, key)
    return settings, issues


def _address(section: Section, key: str) -> str:
    text = section.text(key, example="127.0.0.1")
    try:
        return str(ipaddress.ip_address(text)) if text else ""
    except ValueError:
        section.problem(
            key, f"“{key}”应是一个 IP 地址", f"请写成“{key}: 127.0.0.1”（nginx 的地址），或留空", text
        )
        return ""


def _origins(section: Section, key: str) -> tuple[str, ...]:
    origins = tuple(o.rstrip("/") for o in section.texts(key, "[https://zwfw.example.gov.cn]") or ())
    for origin in origins:
        if not is_web_address(origin) or urlsplit(origin).path or "?" in origin or "#" in origin:
            fix = "只写协议和域名（及端口），如 https://zwfw.example.gov.cn"
            section.problem(key, f"“{key}”中的“{origin}”不是网站地址", fix, origin)
    return origins
