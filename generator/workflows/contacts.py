"""联系方式更正: a clerk's correction kept beside the 台账, and the waiting SMS to the number it replaces cancelled
(the day's plan sends the reminder to the new number once: the outbox sends once per certificate and number)."""

from __future__ import annotations

from pathlib import Path

from generator.ledger.corrections import FIELDS as FIELDS
from generator.ledger.corrections import Correction as Correction
from generator.ledger.corrections import add_correction
from generator.ledger.corrections import read_corrections as read_corrections
from generator.ledger.identifiers import mask_number as mask_number
from generator.ledger.identifiers import mask_person_name as mask_person_name
from generator.reminders.smsoutbox import SmsOutbox
from generator.reminders.store import Target, exists


def record_correction(ledgers: Path, db: Target, correction: Correction) -> int:
    """Keep the correction; for a number, cancel the waiting SMS to the old one. Return how many were cancelled."""
    add_correction(ledgers, correction)
    if correction.field != "phone" or not correction.old.strip() or not exists(db):
        return 0
    with SmsOutbox(db) as outbox:
        return outbox.cancel_to(correction.department, correction.key, correction.old)
