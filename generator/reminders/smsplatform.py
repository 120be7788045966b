"""短信模板（平台）: a department's approved platform template (短信模板编号, 短信模板参数), checked before sending
and filled per holder. Each template variable is mapped in department.yaml to text with today's placeholders."""

from __future__ import annotations

import re

from generator.catalog.model import Department
from generator.reminders.due import HolderGroup
from generator.reminders.sms import PLACEHOLDERS, UNSUBSCRIBE, placeholder_values
from portal.rules.text import one_line

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def on_platform(department: Department) -> bool:
    """Return whether the department's SMS go through the platform (it has a template code)."""
    return bool(department.sms_template_code)


def preflight(department: Department, positional: bool) -> list[str]:
    """Return why the department's template cannot be used (empty when it can): every fault, each with its fix.

    positional: the platform numbers its variables ({1} {2} …, 腾讯云 and 云MAS), which must all be mapped.
    """
    faults = []
    if not department.sms_signature_given:
        faults.append("department.yaml 没有写“短信签名”：请写平台上审核通过的签名（不带【】）")
    params = department.sms_template_params
    if not params:
        faults.append(
            "department.yaml 没有写“短信模板参数”：请把模板的每个变量对应到占位符，如 name: '{持证人}'"
        )
    for variable, text in params:
        unknown = [n for n in _PLACEHOLDER.findall(text) if n not in PLACEHOLDERS]
        if unknown or not text.strip():
            faults.append(
                f"短信模板参数“{variable}”的内容“{text}”"
                + (f"有不认识的占位符{'、'.join('{' + n + '}' for n in unknown)}" if unknown else "是空的")
                + f"：可用 {'、'.join('{' + k + '}' for k in PLACEHOLDERS)}"
            )
        if UNSUBSCRIBE in text:
            faults.append(
                f"短信模板参数“{variable}”有“{UNSUBSCRIBE}”字样：提醒短信是通知短信，不带退订说明，请删去"
            )
    if positional and params:
        names = [v for v, _ in params]
        if names != [str(n) for n in range(1, len(names) + 1)]:
            faults.append(
                f"这个平台的模板变量按序号 1、2、3… 编号，短信模板参数应依次写 1、2、3…（现在是 {'、'.join(names)}）"
            )
    return faults


def fill_params(department: Department, group: HolderGroup) -> tuple[tuple[str, str], ...]:
    """Return each template variable's value for one holder."""
    values = {name: one_line(value) for name, value in placeholder_values(group).items()}
    return tuple(
        (variable, one_line(_PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)))
        for variable, text in department.sms_template_params
    )


def too_long_params(params: tuple[tuple[str, str], ...], limit: int) -> list[str]:
    """Return the variables whose value is longer than the platform allows."""
    return [f"{v}（{len(value)} 字）" for v, value in params if len(value) > limit]
