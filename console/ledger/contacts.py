"""The console's 联系方式更正: a clerk's correction checked and kept beside the department's 台账."""

from __future__ import annotations

import re

from console.settings import ConsoleSettings
from console.state.inputs import department_ledger, published
from generator.problems import JiaozaoError
from generator.workflows.contacts import FIELDS, Correction, record_correction
from portal.rules.china import china_timestamp

_PHONE = re.compile(r"^\+?[0-9][0-9 \-()]{5,24}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def checked(field: str, value: str) -> str:
    """Return the new value cleaned, or raise JiaozaoError saying what is wrong and how to write it."""
    value = value.strip()
    if field not in FIELDS:
        raise JiaozaoError("只能更正联系方式、电子邮箱或联系人")
    if not value or len(value) > 64:
        raise JiaozaoError(f"请填写新的{FIELDS[field]}（64 个字以内）")
    if field == "phone" and not _PHONE.match(value):
        raise JiaozaoError(
            f"“{value}”不像电话号码：请填写手机号或含区号的固定电话，如 13800138000、0412-5551234"
        )
    if field == "email" and not _EMAIL.match(value):
        raise JiaozaoError(f"“{value}”不像电子邮箱：请按 name@example.com 的样子填写")
    return value


def correct(settings: ConsoleSettings, slug: str, number: str, field: str, value: str, by: str) -> Correction:
    """Keep a clerk's correction of a certificate's contact; the value it corrects is the 台账's own."""
    new = checked(field, value)
    catalogs, _ = published(settings)
    if catalogs is None or slug not in catalogs.slugs:
        raise JiaozaoError("本部门目录有错误，暂时无法更正：请先在“目录”页修正并发布目录")
    ledger, _ = department_ledger(settings, catalogs, slug)
    rows = [i for i, n in enumerate(ledger.number) if n.strip() == number]
    if not rows:
        raise JiaozaoError(f"当前台账中没有证照编号为“{number}”的证照，无法更正")
    old = str(getattr(ledger, field)[rows[0]])
    correction = Correction(slug, number, field, old, new, by, china_timestamp())
    record_correction(settings.inputs.ledgers, settings.inputs.registry, correction)
    return correction
