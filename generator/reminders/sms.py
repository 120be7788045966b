"""短信: the reminder text from an editable template, and its length as Chinese SMS platforms count it.

Every character counts 1 — Chinese, ASCII, punctuation, spaces — and so does the signature 【…】 the platform
sends at the end. Up to 70 characters is one message; a longer one is sent in parts billed per 67 characters;
platforms refuse more than 500.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from generator.catalog.model import Department
from generator.problems import Level, Problem
from generator.reminders.due import FIRST, HolderGroup
from portal.rules.china import chinese_date
from portal.rules.text import one_line

TEMPLATE_FILE = "短信模板.txt"
SINGLE, PART, LONGEST = 70, 67, 500
# The shipped text fits one billed message (70 characters with the signature) for one certificate, a holder name
# of up to 12 characters and a signature of up to 8: the certificate is named by its number, and the rest is said
# on the phone or at the window. A 通知短信: no 退订 wording, nothing promotional.
DEFAULT_TEMPLATE = "{提醒}{持证人}：证照{编号}于{期满日期}到期，请及时申请延续。"
# The phone list's read-out script when a department has no 短信模板.txt (安阳 附件3, 证照到期提醒内容参考样板).
DEFAULT_SCRIPT = (
    "{提醒}尊敬的{持证人}：您持有的{证照}将于{期满日期}到期（剩余{剩余天数}天），为不影响正常生产经营，"
    "请及时登录{网上办理}申请延续，或携带相关材料前往{办理地点}办理。咨询电话：{电话}。"
)
PLACEHOLDERS = {
    "持证人": "持证单位或个人名称",
    "联系人": "联系人姓名",
    "证照": "证照名称和编号（一户多证时用顿号隔开）",
    "编号": "证照编号，没有编号时为证照名称（一户多证时用顿号隔开）",
    "期满日期": "期满日期（一户多证时为最早的一个），如 2026年12月20日",
    "剩余天数": "距期满的天数",
    "网上办理": "网上办理网址",
    "办理地点": "线下办理地点",
    "电话": "部门咨询电话",
    "材料": "需携带的材料",
    "过期后果": "证照过期的后果",
    "提醒": "二次提醒时为“【再次提醒】”，首次提醒时为空",
    "部门": "部门名称",
}
UNSUBSCRIBE = "退订"  # marketing wording: a reminder is a 通知短信
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Template:
    """A department's 短信模板: its text and where it came from."""

    text: str
    source: str

    @property
    def script(self) -> str:
        """Return the text to read out on the phone: the department's own template, or the longer default."""
        return DEFAULT_SCRIPT if self.text == DEFAULT_TEMPLATE else self.text


def load_template(catalogs_root: Path, department: Department) -> tuple[Template, list[Problem]]:
    """Return the department's 短信模板.txt, or the default; unknown placeholders are problems (default used)."""
    path = catalogs_root / department.slug / TEMPLATE_FILE
    if not path.exists():
        return Template(DEFAULT_TEMPLATE, "默认模板"), []
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig").strip()
    except (OSError, UnicodeDecodeError):
        fix = "请用 UTF-8 编码保存短信模板；本次改用默认模板"
        return Template(DEFAULT_TEMPLATE, "默认模板"), [
            Problem(shown, "无法读取短信模板", fix, level=Level.WARNING)
        ]
    unknown = [name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]
    if unknown or not text:
        known = "、".join("{" + k + "}" for k in PLACEHOLDERS)
        problems = [
            Problem(
                shown,
                f"短信模板中有不认识的占位符“{{{name}}}”",
                f"可用的占位符有：{known}；本次改用默认模板",
                value=name,
            )
            for name in unknown
        ] or [Problem(shown, "短信模板是空的", "请写入短信正文；本次改用默认模板")]
        return Template(DEFAULT_TEMPLATE, "默认模板"), problems
    if UNSUBSCRIBE in text:
        return Template(DEFAULT_TEMPLATE, "默认模板"), [
            Problem(
                shown,
                "短信模板中有“退订”字样：提醒短信是通知短信，不是营销短信",
                "请删去退订说明（通知短信不带退订）；本次改用默认模板",
                value=UNSUBSCRIBE,
            )
        ]
    return Template(text, shown), []


def fill(template: str, group: HolderGroup) -> str:
    """Return the template with the group's values in place (no signature), as one line of visible text."""
    values = {name: one_line(value) for name, value in placeholder_values(group).items()}
    text = one_line(_PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template))
    return f"{text}{group.passed_deadline_notice()}"  # a passed deadline is said, whatever the template


def placeholder_values(group: HolderGroup) -> dict[str, str]:
    """Return each placeholder's text for one holder's reminder."""
    earliest, department = group.earliest, group.department
    guide = earliest.item.guide
    named = [
        f"{r.certificate.certificate}（编号{r.certificate.number}）"
        if r.certificate.number
        else r.certificate.certificate
        for r in group.reminders
    ]
    materials = "；".join(f"{n}.{m}" for n, m in enumerate(guide.materials, start=1))
    return {
        "持证人": group.holder,
        "联系人": group.contact or group.holder,
        "证照": "、".join(named),
        "编号": "、".join(r.certificate.number or r.certificate.certificate for r in group.reminders),
        "期满日期": chinese_date(earliest.certificate.expires),
        "剩余天数": str(earliest.days_left),
        "网上办理": department.online_for(guide),
        "办理地点": department.place_for(guide),
        "电话": department.phone,
        "材料": materials,
        "过期后果": guide.consequence,
        "提醒": "【再次提醒】" if group.kind != FIRST else "",  # 二次, or 临期 read out by staff
        "部门": department.name,
    }


def sign(body: str, department: Department) -> str:
    """Return the message as sent: body, then the signature in 【】."""
    signature = one_line(department.sms_signature or department.name).strip("【】")
    return f"{body}【{signature}】"


def sms_length(text: str) -> int:
    """Return the length an SMS platform counts: every character is 1, signature included."""
    return len(text)


def segments(text: str) -> int:
    """Return how many billed messages a text is: 1 up to 70 characters, else one per 67."""
    length = sms_length(text)
    return 1 if length <= SINGLE else math.ceil(length / PART)


def too_long(text: str) -> bool:
    return sms_length(text) > LONGEST
