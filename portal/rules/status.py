"""状态: whether a certificate is 有效, 即将到期 or 已过期 on a day — the one rule and its labels, 已申请延续 included."""

from __future__ import annotations

import enum
from typing import Any


class Status(enum.IntEnum):
    """状态 of a certificate on a given day."""

    VALID = 0
    DUE_SOON = 1  # its first reminder date has come
    EXPIRED = 2  # the day after its 期满日期 or later

    @property
    def label(self) -> str:
        return LABELS[self.value]


LABELS = ("有效", "即将到期", "已过期")
APPLIED = "已申请延续"  # what staff see instead of 有效 or 即将到期 once the holder has applied to renew
STAFF_LABELS = (*LABELS, APPLIED)


def staff_label(status: int, applied: bool) -> str:
    """Return the 状态 staff see for a certificate: 已申请延续 once applied for, unless it has expired all the same."""
    label = Status(status).label
    return APPLIED if applied and status != Status.EXPIRED else label


def status_code(today: Any, expires: Any, first: Any) -> Any:
    """Return the Status value for date ordinals: one certificate (ints) or many (numpy arrays) alike.

    Expired when the 期满日期 is before today; due soon once the first reminder date has come; else valid.
    """
    expired = (expires < today) * 1
    due = (today >= first) * 1
    return expired * Status.EXPIRED + due * (1 - expired) * Status.DUE_SOON


def deadline_passed(today: Any, deadline: Any, expires: Any) -> Any:
    """Return whether the 法定申请截止 is behind on day `today` while the certificate has not expired yet.

    Then the advice is no longer "apply by <date>" but "the deadline passed on <date>: contact the office now".
    Date ordinals, one certificate (ints) or many (numpy arrays) alike; a deadline of 0 (or None) means the guide
    gives none, and none is never passed.
    """
    if deadline is None:
        return False
    return (deadline > 0) & (deadline < today) & (today <= expires)
