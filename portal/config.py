"""The portal's one configuration: where the index and site are, and its security settings, read once at start.

Security settings come from portal.yaml in the catalogs folder (Chinese keys, for staff to edit);
paths from the serve command or, for a production server started by uvicorn itself, the environment.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CONFIG_FILE = "portal.yaml"
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+$")
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
        index_dir = environ.get("JIAOZAO_INDEX")
        if not index_dir:
            raise PortalConfigError(
                "没有设置 JIAOZAO_INDEX（查询索引文件夹，jiaozao build 生成的 site-index/）"
            )
        site = environ.get("JIAOZAO_SITE")
        settings = (
            read_settings(Path(environ["JIAOZAO_PORTAL_CONFIG"]))
            if environ.get("JIAOZAO_PORTAL_CONFIG")
            else {}
        )
        return cls(Path(index_dir), Path(site) if site else None, **settings)


def read_settings(path: Path) -> dict[str, Any]:
    """Return the security settings of a portal.yaml as PortalConfig keywords; a missing file gives defaults."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise PortalConfigError(f"{path}：无法读取（{error}）。请用 UTF-8 保存，并检查 YAML 格式") from None
    if not isinstance(data, dict):
        raise PortalConfigError(f"{path}：应是“项目: 值”的列表")
    problems, settings = [], dict[str, Any]()
    for key, value in data.items():
        field = _KEYS.get(str(key))
        if field is None:
            problems.append(f"不认识的项目“{key}”，可用的项目有：{'、'.join(_KEYS)}")
        elif field == "rate_limit":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.append(f"“{key}”的值“{value}”应是不小于 0 的整数（0 表示不限）")
            else:
                settings[field] = value
        elif field == "trusted_proxy":
            settings[field] = str(value or "").strip()
        else:
            origins = [value] if isinstance(value, str) else (value or [])
            if not isinstance(origins, list):
                problems.append(f"“{key}”应是网址列表，如 [https://zwfw.example.gov.cn]")
                continue
            bad = [str(o) for o in origins if not _ORIGIN.match(str(o).strip().rstrip("/"))]
            if bad:
                problems.append(
                    f"“{key}”中的“{bad[0]}”不是网站地址：只写协议和域名（及端口），如 https://zwfw.example.gov.cn"
                )
            settings[field] = tuple(str(o).strip().rstrip("/") for o in origins)
    if problems:
        raise PortalConfigError(f"{path}：" + "；".join(problems))
    return settings
