"""department.yaml and renewal.yaml: the facts about a department and its renewal guides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.catalog.model import RenewalGuide
from generator.phrases import LeadTime, parse_lead_time
from generator.problems import Level, PhraseError, Problem

DEPARTMENT_KEYS = {
    "名称": "部门名称（必填）",
    "全称": "部门全称",
    "依据": "建立提醒机制的文件",
    "地址": "办理地址",
    "电话": "咨询电话",
    "办公时间": "办公时间",
    "网站": "部门官网",
    "网上办理": "网上办理地址",
    "首次提醒时限": "目录未写时的首次提醒时限",
    "二次提醒时限": "目录未写时的二次提醒时限",
    "提醒方式": "提醒方式（列表）",
    "每月叫早": "是否每月15日集中叫早（true/false）",
    "短信签名": "短信末尾【】中的签名（默认用名称）",
}
GUIDE_KEYS = ("法定申请时限", "法律依据", "办理地点", "网上办理", "提交材料", "过期后果")


@dataclass
class DepartmentFacts:
    """department.yaml as read: raw values plus the lead-time defaults parsed."""

    values: dict[str, Any]
    first_default: LeadTime | None
    second_default: LeadTime | None

    def text(self, key: str) -> str:
        value = self.values.get(key)
        return "" if value is None else str(value).strip()

    def methods(self) -> tuple[str, ...]:
        return tuple(str(m).strip() for m in self.values.get("提醒方式") or () if str(m).strip())


@dataclass(frozen=True)
class GuideEntry:
    """One 证照 entry of renewal.yaml, before it is matched to a 目录 row."""

    certificate: str
    matter: str
    guide: RenewalGuide
    index: int


def read_yaml(path: Path, shown_as: str, problems: list[Problem]) -> dict[str, Any] | None:
    """Return a YAML mapping, or None with a problem when it is missing or malformed."""
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        where = getattr(error, "problem_mark", None)
        line = f"第 {where.line + 1} 行附近" if where is not None else ""
        problems.append(
            Problem(shown_as, f"YAML 格式错误{line}", "请检查缩进和冒号（冒号后要有空格），保存为 UTF-8")
        )
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(shown_as, "内容不是“键: 值”的形式", "请参照其他部门的同名文件填写"))
        return None
    return data


def load_department_facts(path: Path, shown_as: str, problems: list[Problem]) -> DepartmentFacts | None:
    """Return department.yaml's facts; every problem in it goes to problems."""
    data = read_yaml(path, shown_as, problems)
    if data is None:
        if not path.exists():
            problems.append(
                Problem(shown_as, "缺少部门信息文件", "请复制其他部门的 department.yaml 并改成本部门的信息")
            )
        return None
    for key in data:
        if key not in DEPARTMENT_KEYS:
            known = "、".join(DEPARTMENT_KEYS)
            problems.append(
                Problem(
                    shown_as,
                    f"不认识的项目“{key}”",
                    f"可用的项目有：{known}",
                    column=str(key),
                    level=Level.WARNING,
                )
            )
    if not str(data.get("名称") or "").strip():
        problems.append(
            Problem(shown_as, "缺少“名称”", "请填写部门名称，如“名称: 鞍山市行政审批局”", column="名称")
        )
    first = _lead_time(data, "首次提醒时限", shown_as, problems)
    second = _lead_time(data, "二次提醒时限", shown_as, problems)
    return DepartmentFacts(data, first, second)


def _lead_time(data: dict[str, Any], key: str, shown_as: str, problems: list[Problem]) -> LeadTime | None:
    text = str(data.get(key) or "").strip()
    if not text:
        return None
    try:
        return parse_lead_time(text)
    except PhraseError as error:
        problems.append(Problem(shown_as, error.message, error.fix, column=key, value=text))
        return None


def load_guides(path: Path, shown_as: str, problems: list[Problem]) -> tuple[RenewalGuide, list[GuideEntry]]:
    """Return renewal.yaml's default guide and its per-certificate entries."""
    data = read_yaml(path, shown_as, problems) or {}
    base = _guide(data.get("默认") or {}, None, shown_as, "默认", problems)
    entries: list[GuideEntry] = []
    for index, raw in enumerate(data.get("证照") or [], start=1):
        where = f"证照第 {index} 项"
        if not isinstance(raw, dict) or not str(raw.get("证照名称") or "").strip():
            problems.append(
                Problem(shown_as, f"{where}缺少“证照名称”", "每一项都要写“证照名称: ……”，与目录一致")
            )
            continue
        guide = _guide(raw, base, shown_as, where, problems)
        entries.append(
            GuideEntry(str(raw["证照名称"]).strip(), str(raw.get("事项名称") or "").strip(), guide, index)
        )
    return base, entries


def _guide(
    raw: dict[str, Any], base: RenewalGuide | None, shown_as: str, where: str, problems: list[Problem]
) -> RenewalGuide:
    def text(key: str, fallback: Callable[[RenewalGuide], str]) -> str:
        value = str(raw.get(key) or "").strip()
        return value or (fallback(base) if base else "")

    deadline = base.deadline if base else None
    deadline_text = str(raw.get("法定申请时限") or "").strip()
    if deadline_text:
        try:
            deadline = parse_lead_time(deadline_text, allow_range=True)
        except PhraseError as error:
            problems.append(
                Problem(
                    shown_as,
                    f"{where}：{error.message}",
                    error.fix,
                    column="法定申请时限",
                    value=deadline_text,
                )
            )
    materials = raw.get("提交材料")
    return RenewalGuide(
        deadline=deadline,
        # A deadline of its own needs its own basis; the default law only backs the default deadline.
        basis=str(raw.get("法律依据") or "").strip() or ("" if deadline_text or not base else base.basis),
        place=text("办理地点", lambda g: g.place),
        online_url=text("网上办理", lambda g: g.online_url),
        materials=tuple(str(m).strip() for m in materials) if materials else (base.materials if base else ()),
        consequence=text("过期后果", lambda g: g.consequence),
    )
