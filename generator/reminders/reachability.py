"""Who cannot be reached (联系不上), and who said they will not renew (持证人表示不再延续): the one rule.

A holder (the same name and phone within a department, as the day's list groups them) is 联系不上 when every
channel has failed, that is when at least one of these holds
- the SMS platform said the number fails for good (短信：空号 or 拒收, the outbox's permanent classes),
- a standing 登记簿 record for one of the holder's certificates says 号码有误,
- standing records say 未接通 on three different days,
and no standing record says the holder was reached (a done result) on or after the day of the latest failed
call. An SMS failure has no day of its own in this rule: a holder reached by any channel since is not 联系不上.

A standing 持证人表示不再延续 record stops every reminder of that certificate (its 期满日期): who entered it and
when stays in the 登记簿, and the plan reads it from there.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

from generator.ledger.identifiers import normalize_phone
from generator.reminders.registry import (
    DECLINED,
    REACH_RESULTS,
    WRONG_NUMBER,
    CertificateKey,
    Registry,
    ReminderRecord,
)
from generator.reminders.smsoutbox import SmsOutbox
from generator.sms.classify import PERMANENT

NO_ANSWER_DAYS = 3  # 未接通 on this many different days: the phone has failed


@dataclass
class ContactHistory:
    """What the 登记簿 and the SMS outbox say about reaching holders, read once for a plan."""

    sms_failed: dict[tuple[str, str], str] = field(default_factory=dict)  # (部门, phone) → 空号 / 拒收
    wrong: dict[CertificateKey, list[ReminderRecord]] = field(default_factory=dict)  # 号码有误
    no_answer: dict[CertificateKey, list[ReminderRecord]] = field(default_factory=dict)  # 未接通
    declined: dict[CertificateKey, ReminderRecord] = field(default_factory=dict)  # 持证人表示不再延续
    reached: dict[CertificateKey, date] = field(default_factory=dict)  # latest day a done result was recorded
    # (部门, certificate key) → the day its phone was last corrected: calls that failed up to then are not counted
    phone_corrected: dict[tuple[str, str], date] = field(default_factory=dict)

    def after_correction(self, key: CertificateKey, records: list[ReminderRecord]) -> list[ReminderRecord]:
        """The failed calls made to the number the certificate has now (after its last correction)."""
        fixed = self.phone_corrected.get((key[0], key[1]))
        return records if fixed is None else [r for r in records if r.reminded_on > fixed]


def load_history(
    registry: Registry, departments: Collection[str] | None = None, expiring_from: date | None = None,
    keys: Collection[str] | None = None,
) -> ContactHistory:  # fmt: skip
    """Return the contact history the reachability rule reads (the 登记簿 and the SMS outbox beside it); of
    these departments only, when given; with expiring_from (a 台账's earliest expiry), only the records of
    certificates expiring from then (the rule looks certificates up by their 期满日期 too); with keys, only the
    records of certificates with these certificate keys (some holders' certificates, planned again)."""
    with SmsOutbox(registry.path) as outbox:
        failed = {k: v for k, v in outbox.failed_numbers().items() if v in PERMANENT}
    history = ContactHistory(
        sms_failed=failed, reached=registry.last_reached(departments, expiring_from, keys)
    )
    for record in registry.records_with(REACH_RESULTS, departments, expiring_from, keys):
        key = record.certificate.key
        if record.result == DECLINED:
            history.declined.setdefault(key, record)
        else:
            target = history.wrong if record.result == WRONG_NUMBER else history.no_answer
            target.setdefault(key, []).append(record)
    return history


def unreachable_reasons(history: ContactHistory, keys: Sequence[CertificateKey], phone: str) -> list[str]:
    """Return why a holder is 联系不上 (empty: not, or reached since the last failure).

    keys: the holder's certificates (one department, one holder and phone): a number wrong for one of them is
    wrong for all, and a holder reached about any of them has been reached.
    """
    if not keys or not (history.sms_failed or history.wrong or history.no_answer):
        return []
    reasons = []
    sms = history.sms_failed.get((keys[0][0], normalize_phone(phone))) if phone.strip() else None
    if sms:
        reasons.append(f"短信：{sms}")
    wrong = sorted(
        (r for key in keys for r in history.after_correction(key, history.wrong.get(key, []))),
        key=lambda r: r.reminded_on,
    )
    if wrong:
        reasons.append(f"号码有误（{wrong[-1].reminded_on.isoformat()} {wrong[-1].by_whom}）")
    days = sorted(
        {r.reminded_on for key in keys for r in history.after_correction(key, history.no_answer.get(key, []))}
    )
    if len(days) >= NO_ANSWER_DAYS:
        reasons.append(f"{len(days)} 天未接通（{'、'.join(d.isoformat() for d in days)}）")
    if not reasons:
        return []
    failed_calls = [r.reminded_on for r in wrong] + days
    reached = max((history.reached[key] for key in keys if key in history.reached), default=None)
    if reached is not None and (not failed_calls or reached >= max(failed_calls)):
        return []  # reached by some channel since: not every channel has failed
    return reasons


def declined(history: ContactHistory, key: CertificateKey) -> ReminderRecord | None:
    """Return the record of the holder saying they will not renew this certificate, if there is one."""
    return history.declined.get(key)


def failed_records(history: ContactHistory, key: CertificateKey) -> list[ReminderRecord]:
    """Return the failed calls recorded for a certificate (号码有误 and 未接通), oldest first."""
    found = history.wrong.get(key, []) + history.no_answer.get(key, [])
    return sorted(found, key=lambda r: r.reminded_on)
