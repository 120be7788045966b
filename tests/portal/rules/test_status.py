"""状态 and the labels staff see: 已申请延续 once applied for, unless the certificate has expired all the same."""

from __future__ import annotations

from portal.rules.status import APPLIED, LABELS, STAFF_LABELS, Status, staff_label


def test_applied_shows_unless_expired() -> None:
    assert staff_label(Status.VALID, True) == staff_label(Status.DUE_SOON, True) == APPLIED == "已申请延续"
    assert staff_label(Status.EXPIRED, True) == "已过期"
    assert [staff_label(s, False) for s in Status] == list(LABELS)
    assert STAFF_LABELS == (
        "有效",
        "即将到期",
        "已过期",
        "已申请延续",
    )  # the console's 台账 filter, in this order
