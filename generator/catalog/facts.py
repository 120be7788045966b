"""department.yaml and renewal.yaml: the facts about a department and its renewal guides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.catalog.model import RenewalGuide
from generator.phrases import LeadTime, Unit, parse_lead_time
from generator.problems import Level, PhraseError, Problem
from portal.rules.text import split_list
from portal.rules.yamlfile import Section, YamlIssue, load_yaml

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
    "临期提醒时限": "临期（工作人员电话或上门）提醒时限，目录未写时用；默认到期前3个工作日",
    "提醒方式": "提醒方式（列表）",
    "每月叫早": "是否每月15日集中叫早（是/否）",
    "短信签名": "短信末尾【】中的签名（默认用名称）",
    "短信模板编号": "短信平台上审核通过的模板编号（不填则生成短信文件）",
    "短信模板参数": "模板里每个变量填什么：每项写“变量名: 内容”，内容可用 {持证人} {证照} {期满日期} 等",
}
_DEPARTMENT_TEXTS = ("名称", "全称", "依据", "地址", "电话", "办公时间", "短信签名")
GUIDE_KEYS = ("法定申请时限", "法律依据", "办理地点", "网上办理", "提交材料", "过期后果")
RENEWAL_KEYS = {"默认": "对所有证照生效的办事指南", "证照": "每种证照与默认不同的内容（列表）"}
_ENTRY_KEYS = dict.fromkeys(("证照名称", "事项名称", *GUIDE_KEYS), "")
_LEAD_EXAMPLE = "到期前90个工作日"
FINAL_DEFAULT = LeadTime(3, Unit.WORKDAY, "到期前3个工作日")  # 临期: staff phone or visit (许昌 许证闹钟)


@dataclass
class DepartmentFacts:
    """department.yaml as read: each value of its type (text, list, yes/no), plus the lead-time defaults parsed."""

    values: dict[str, Any]
    first_default: LeadTime | None
    second_default: LeadTime | None
    final_default: LeadTime = FINAL_DEFAULT

    def text(self, key: str) -> str:
        value = self.values.get(key)
        return "" if value is None else str(value).strip()

    def methods(self) -> tuple[str, ...]:
        return tuple(m for value in self.values.get("提醒方式") or () for m in split_list(str(value)))


@dataclass(frozen=True)
class GuideEntry:
    """One 证照 entry of renewal.yaml, before it is matched to a 目录 row."""

    certificate: str
    matter: str
    guide: RenewalGuide
    index: int


def yaml_problems(shown_as: str, issues: list[YamlIssue]) -> list[Problem]:
    """Return a YAML file's issues as problems of that file (line as row, key as column)."""
    return [
        Problem(
            shown_as,
            i.message,
            i.fix,
            i.line,
            i.key,
            None,
            i.value,
            level=Level.WARNING if i.warning else Level.ERROR,
        )
        for i in issues
    ]


def load_department_facts(path: Path, shown_as: str, problems: list[Problem]) -> DepartmentFacts | None:
    """Return department.yaml's facts, every value of its type; every problem in it goes to problems."""
    section, issues = load_yaml(path)
    if section is None:
        problems.extend(yaml_problems(shown_as, issues))
        if not issues:
            problems.append(
                Problem(shown_as, "缺少部门信息文件", "请复制其他部门的 department.yaml 并改成本部门的信息")
            )
        return None
    section.check_keys(DEPARTMENT_KEYS)
    values: dict[str, Any] = {key: section.text(key) for key in _DEPARTMENT_TEXTS}
    values.update({key: section.url(key) for key in ("网站", "网上办理")})
    values["提醒方式"] = section.texts("提醒方式", "[点对点函告, 人工电话通知, 短信提醒]") or ()
    values["每月叫早"] = bool(section.flag("每月叫早"))
    values["短信模板编号"] = section.text("短信模板编号")
    params = section.section("短信模板参数")
    values["短信模板参数"] = tuple((key, params.text(key)) for key in params) if params is not None else ()
    if not values["名称"] and not any(i.key == "名称" for i in issues):
        section.problem("名称", "缺少“名称”", "请填写部门名称，如“名称: 鞍山市行政审批局”")
    first = _lead_time(section, "首次提醒时限")
    second = _lead_time(section, "二次提醒时限")
    final = final_lead_time(section.text("临期提醒时限", example="到期前3个工作日"))
    if isinstance(final, PhraseError):
        section.problem("临期提醒时限", final.message, final.fix, section.text("临期提醒时限"))
    problems.extend(yaml_problems(shown_as, issues))
    return DepartmentFacts(values, first, second, final if isinstance(final, LeadTime) else FINAL_DEFAULT)


def final_lead_time(text: str) -> LeadTime | PhraseError | None:
    """Return the 临期提醒时限 written in text: a bare number is that many working days (个工作日)."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        text = f"到期前{int(text)}个工作日"
    try:
        lead = parse_lead_time(text)
    except PhraseError as error:
        return error
    if lead.amount < 1:
        return PhraseError(
            "临期提醒时限至少为 1 个工作日", "请写成“到期前3个工作日”或一个大于 0 的数字，如 3"
        )
    return lead


def _lead_time(
    section: Section, key: str, text: str | None = None, allow_range: bool = False
) -> LeadTime | None:
    text = section.text(key, example=_LEAD_EXAMPLE) if text is None else text
    if not text:
        return None
    try:
        return parse_lead_time(text, allow_range=allow_range)
    except PhraseError as error:
        section.problem(key, error.message, error.fix, text)
        return None


def load_guides(path: Path, shown_as: str, problems: list[Problem]) -> tuple[RenewalGuide, list[GuideEntry]]:
    """Return renewal.yaml's default guide and its per-certificate entries."""
    section, issues = load_yaml(path)
    if section is None:
        problems.extend(yaml_problems(shown_as, issues))
        return _guide(None, None), []
    section.check_keys(RENEWAL_KEYS)
    default = section.section("默认")
    if default is not None:
        default.where = "默认："
        default.check_keys(dict.fromkeys(GUIDE_KEYS, ""))
    base = _guide(default, None)
    entries: list[GuideEntry] = []
    for index, raw in enumerate(section.sections("证照", "证照"), start=1):
        raw.check_keys(_ENTRY_KEYS)
        certificate = raw.text("证照名称")
        if not certificate:
            raw.where = ""
            raw.problem(None, f"证照第 {index} 项缺少“证照名称”", "每一项都要写“证照名称: ……”，与目录一致")
            continue
        entries.append(GuideEntry(certificate, raw.text("事项名称"), _guide(raw, base), index))
    problems.extend(yaml_problems(shown_as, issues))
    return base, entries


def _guide(raw: Section | None, base: RenewalGuide | None) -> RenewalGuide:
    if raw is None:
        return base or RenewalGuide(None, "", "", "", (), "")

    def text(key: str, fallback: Callable[[RenewalGuide], str]) -> str:
        value = raw.url(key) if key == "网上办理" else raw.text(key)
        return value or (fallback(base) if base else "")

    deadline_text = raw.text("法定申请时限", example="有效期届满三十日前")
    own_deadline = _lead_time(raw, "法定申请时限", deadline_text, allow_range=True)
    has_deadline = bool(deadline_text)
    materials = raw.texts("提交材料", "[申请表, 原证照]")
    return RenewalGuide(
        deadline=own_deadline if has_deadline else (base.deadline if base else None),
        # A deadline of its own needs its own basis; the default law only backs the default deadline.
        basis=raw.text("法律依据") or ("" if has_deadline or not base else base.basis),
        place=text("办理地点", lambda g: g.place),
        online_url=text("网上办理", lambda g: g.online_url),
        materials=materials if materials else (base.materials if base else ()),
        consequence=text("过期后果", lambda g: g.consequence),
    )
