"""The e-mail reminder (提醒通知) as plain text: its subject and body: 安阳 附件3's content, one holder at a time."""

from __future__ import annotations

from datetime import date

from generator.reminders.due import SECOND, HolderGroup
from portal.rules.china import chinese_date


def email_subject(group: HolderGroup) -> str:
    """Return the email subject: which certificates expire, and when the first of them does."""
    names = "、".join(dict.fromkeys(r.certificate.certificate for r in group.reminders))
    again = "再次提醒：" if group.kind == SECOND else ""
    return f"{again}证照到期提醒：{names}将于{chinese_date(group.earliest.certificate.expires)}到期"


def email_body(group: HolderGroup, today: date) -> str:
    """Return the full notice: each certificate, where and how to renew, materials, and who to call."""
    department, guide = group.department, group.earliest.item.guide
    lines = [f"尊敬的{group.holder}：", ""]
    lines.append("您持有的以下证照即将到期，为了不影响您的正常生产经营，请及时申请延续办理：")
    for r in group.reminders:
        number = f"（编号 {r.certificate.number}）" if r.certificate.number else ""
        lines.append(
            f"  · {r.certificate.certificate}{number}：{chinese_date(r.certificate.expires)}到期，剩余 {r.days_left} 天"
        )
    lines.append("")
    passed = group.passed_deadline_notice()
    if passed:
        lines += [passed, ""]
    online, place = department.online_for(guide), department.place_for(guide)
    if online:
        lines.append(f"网上办理：{online}")
    if place:
        lines.append(f"线下办理：{place}" + (f"（{department.hours}）" if department.hours else ""))
    if department.phone:
        lines.append(f"咨询电话：{department.phone}")
    if guide.materials:
        lines += ["", "办理时需携带如下材料："]
        lines += [f"  {n}. {m}" for n, m in enumerate(guide.materials, start=1)]
    if group.kind == SECOND and guide.consequence:
        lines += ["", f"请注意：{guide.consequence}"]
    lines += ["", department.full_name or department.name, chinese_date(today)]
    return "\n".join(lines) + "\n"
