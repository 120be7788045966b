"""What the public site shows, and nothing more: the facts 双公示 already discloses, persons masked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from generator.catalog.model import Catalogs

NOTICE_WINDOWS = (30, 60, 90)  # 即将到期 notices: certificates expiring within this many days
NOTICE_PAGE_SIZE = 100


@dataclass(frozen=True)
class SiteConfig:
    """catalogs/site.yaml: the site's name, base address and the footer facts government sites must show."""

    name: str = "证照到期提醒"
    base_url: str = "http://127.0.0.1:8000/"  # absolute links in feeds
    portal_url: str = "/lookup"  # where the 证照编号 lookup box sends (the portal)
    host: str = ""  # 主办单位
    site_code: str = ""  # 网站标识码
    icp: str = ""  # ICP备案号
    icp_url: str = "https://beian.miit.gov.cn/"
    police: str = ""  # 公安备案号
    police_url: str = ""


class NoticeRow(NamedTuple):
    """One certificate in a 即将到期 notice, as the public may see it (person holders and their numbers masked).

    A named tuple, not a dataclass: a province's notices are hundreds of thousands of rows, made on every build.
    """

    number: str
    certificate: str
    holder: str
    expires_on: date
    days_left: int
    estimated: bool  # its reminder dates are estimates (估算)
    guide: str  # the file name of its 办事指南 page (site_layout.guide_page)
    deadline_passed_on: date | None = None  # its 法定申请截止日 when that has passed as of the build's day


@dataclass(frozen=True)
class CatalogChange:
    """One line of a 目录's change log (变更记录)."""

    on: date
    kind: str  # 新增 / 删除 / 修改
    seq: str
    certificate: str
    detail: str  # e.g. "首次提醒时限：到期前60个工作日 → 到期前90个工作日"


@dataclass(frozen=True)
class SiteModel:
    """Everything the site generator renders."""

    today: date
    config: SiteConfig
    catalogs: Catalogs
    notices: dict[
        str, tuple[NoticeRow, ...]
    ]  # department slug → certificates expiring within 90 days (0 ≤ days_left), nearest first
    changes: dict[str, tuple[CatalogChange, ...]] = field(default_factory=dict)  # slug → log, newest first
    updated_at: str = ""  # 数据更新于: the --today date (never the wall clock, so builds are reproducible)
