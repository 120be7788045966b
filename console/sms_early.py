"""Pushed receipts that named no message in flight: kept for two days and tried again with each receipts pull.

A platform may push a receipt before the answer to its send has been written (云MAS names a message only by the
msgGroup of that answer), or push one again after its message was settled. The first kind settles its message
on the next try; the second kind changes nothing and is dropped after two days.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from datetime import datetime, timedelta

from console.settings import ConsoleSettings
from generator.workflows.sms import Receipt, Settled, settle_pushed

KEPT = timedelta(days=2)
_SCHEMA = """CREATE TABLE IF NOT EXISTS sms_early (
    id INTEGER PRIMARY KEY, provider TEXT NOT NULL, received TEXT NOT NULL, receipt TEXT NOT NULL
)"""


def keep(db: sqlite3.Connection, provider: str, receipts: list[Receipt], now: datetime) -> None:
    """Keep receipts to try again."""
    if not receipts:
        return
    db.execute(_SCHEMA)
    at = now.replace(tzinfo=None).isoformat(timespec="seconds")
    db.executemany(
        "INSERT INTO sms_early (provider, received, receipt) VALUES (?, ?, ?)",
        [(provider, at, json.dumps(asdict(r), ensure_ascii=False)) for r in receipts],
    )


def retry(settings: ConsoleSettings, db: sqlite3.Connection, now: datetime) -> Settled | None:
    """Try the kept receipts again; keep those that still name nothing (until two days old)."""
    sms = settings.sms
    if sms is None:
        return None
    db.execute(_SCHEMA)
    oldest = (now.replace(tzinfo=None) - KEPT).isoformat(timespec="seconds")
    db.execute("DELETE FROM sms_early WHERE provider = ? AND received < ?", (sms.provider, oldest))
    rows = db.execute(
        "SELECT id, received, receipt FROM sms_early WHERE provider = ? ORDER BY id", (sms.provider,)
    ).fetchall()
    if not rows:
        return None
    kept = [(int(row[0]), str(row[1]), Receipt(**json.loads(row[2]))) for row in rows]
    settled, left = settle_pushed(settings.inputs, sms, now.date(), [r for _, _, r in kept])
    waiting = list(left)
    done = []
    for key, _, receipt in kept:
        if receipt in waiting:
            waiting.remove(receipt)
        else:
            done.append((key,))
    db.executemany("DELETE FROM sms_early WHERE id = ?", done)
    return settled


def count(db: sqlite3.Connection) -> int:
    """Return how many pushed receipts are kept to try again."""
    db.execute(_SCHEMA)
    return int(db.execute("SELECT COUNT(*) FROM sms_early").fetchone()[0])
