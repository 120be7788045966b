"""短信发件箱: every platform message in the 登记簿 database (a SQLite file or the shared PostgreSQL one), so that
nothing is ever sent twice.

A message is one row of sms_out, about the certificates (sms_out_items: one row per certificate, 期满日期,
提醒类别 and number, unique) it reminds of. Its state moves 待发送 → 提交中 (committed before the call) → 已提交
(BizId/SerialNo) → 已送达 / 失败 / 未回执. A row left 提交中 by a crash or a timeout is settled by asking the
platform, never by sending again. Deciding what goes today and writing it here is one transaction. A message is
claimed for a call by a conditional UPDATE (待发送 → 提交中 under the call's id) and the call carries only the
rows that call claimed: two processes sending at once never both send one message.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from typing import Any

from generator.reminders.registry import RegisteredCertificate
from generator.reminders.store import (
    RegistryError,
    Target,
    close_registry,
    open_registry,
    place_name,
    read_only,
    registry_transaction,
)

WAITING, SUBMITTING, SUBMITTED, DELIVERED, FAILED, NO_RECEIPT = (
    "待发送",
    "提交中",
    "已提交",
    "已送达",
    "失败",
    "未回执",
)
UNSETTLED = (SUBMITTING, SUBMITTED)
CANCELLED = "已取消"  # never sent: a later 台账 showed every certificate it is about renewed or applied for

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sms_out (
    id INTEGER PRIMARY KEY,
    provider TEXT NOT NULL,
    department TEXT NOT NULL,
    holder TEXT NOT NULL,
    phone TEXT NOT NULL,
    made_on TEXT NOT NULL,          -- the day it was decided to send it
    sign TEXT NOT NULL,
    template TEXT NOT NULL,
    params TEXT NOT NULL,           -- JSON [[variable, value], …]
    text TEXT NOT NULL,             -- the message as 叫早 would word it (length, billed parts)
    state TEXT NOT NULL,
    not_before TEXT NOT NULL,       -- not sent before this day (flow control, a retry)
    attempt INTEGER NOT NULL DEFAULT 0,
    out_id TEXT NOT NULL DEFAULT '',  -- OutId / SessionContext of the call that carried it
    serial TEXT NOT NULL DEFAULT '',  -- BizId / SerialNo
    submitted_on TEXT NOT NULL DEFAULT '',
    failure TEXT NOT NULL DEFAULT '', -- the class of a failure (空号 …)
    code TEXT NOT NULL DEFAULT '',
    settled_on TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS sms_out_state ON sms_out (state, provider);
CREATE INDEX IF NOT EXISTS sms_out_phone ON sms_out (phone, made_on);
CREATE TABLE IF NOT EXISTS sms_out_items (
    message INTEGER NOT NULL,
    department TEXT NOT NULL,
    certificate_key TEXT NOT NULL,
    expires TEXT NOT NULL,
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    certificate TEXT NOT NULL,
    holder TEXT NOT NULL,
    phone TEXT NOT NULL,
    UNIQUE (department, certificate_key, expires, kind, phone)
);
CREATE INDEX IF NOT EXISTS sms_out_items_message ON sms_out_items (message);
CREATE TABLE IF NOT EXISTS sms_calls (id INTEGER PRIMARY KEY, provider TEXT NOT NULL, made_on TEXT NOT NULL);
"""
_MESSAGE = "id, department, holder, phone, made_on, sign, template, params, text, state, attempt, out_id, serial, submitted_on, failure, code"


@dataclass(frozen=True)
class Candidate:
    """A message the day's plan wants sent: to whom, with what, about which certificates."""

    department: str
    holder: str
    phone: str
    sign: str
    template: str
    params: tuple[tuple[str, str], ...]
    text: str
    certificates: tuple[tuple[RegisteredCertificate, str], ...]  # certificate, kind


@dataclass(frozen=True)
class Message:
    """A row of the outbox."""

    id: int
    department: str
    holder: str
    phone: str
    made_on: date
    sign: str
    template: str
    params: tuple[tuple[str, str], ...]
    text: str
    state: str
    attempt: int
    out_id: str
    serial: str
    submitted_on: str
    failure: str
    code: str


@dataclass(frozen=True)
class Held:
    """A candidate not queued today, and why."""

    candidate: Candidate
    reason: str


class SmsOutbox:
    """The outbox tables of the 登记簿 database."""

    def __init__(self, path: Target, provider: str = ""):
        self.path, self.provider = path, provider
        self._db: Any = open_registry(path, _SCHEMA)  # private like the reminders beside it

    def close(self) -> None:
        close_registry(self._db, self.path)

    def __enter__(self) -> SmsOutbox:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _transaction(self) -> AbstractContextManager[Any]:
        return registry_transaction(self._db, self.path)

    def queue(self, day: date, candidates: Iterable[Candidate], daily_cap: int) -> list[Held]:
        """Queue the day's messages in one transaction; return those held back (already queued, caps).

        Caps: one message per holder per department per day, at most daily_cap to one number a day.
        """
        held: list[Held] = []
        today = day.isoformat()
        with self._transaction() as db:
            for c in candidates:
                reason = self._held_reason(db, c, today, daily_cap)
                if reason:
                    held.append(Held(c, reason))
                    continue
                cursor = db.execute(
                    "INSERT INTO sms_out (provider, department, holder, phone, made_on, sign, template, params, "
                    "text, state, not_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (self.provider, c.department, c.holder, c.phone, today, c.sign, c.template,
                     json.dumps(c.params, ensure_ascii=False), c.text, WAITING, today),
                )  # fmt: skip
                db.executemany(
                    "INSERT INTO sms_out_items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(cursor.lastrowid, *cert.key, kind, cert.number, cert.certificate, cert.holder, c.phone)
                     for cert, kind in c.certificates],
                )  # fmt: skip
        return held

    def _held_reason(self, db: Any, c: Candidate, today: str, cap: int) -> str:
        for cert, kind in c.certificates:
            found = db.execute(
                "SELECT m.state FROM sms_out_items i JOIN sms_out m ON m.id = i.message WHERE i.department = ? "
                "AND i.certificate_key = ? AND i.expires = ? AND i.kind = ? AND i.phone = ?",
                (*cert.key, kind, c.phone),
            ).fetchone()
            if found is not None:
                return f"已由短信平台发过（{found[0]}），不再发送"
        if db.execute(
            "SELECT 1 FROM sms_out WHERE department = ? AND holder = ? AND phone = ? AND made_on = ?",
            (c.department, c.holder, c.phone, today),
        ).fetchone():
            return "今天已给这个持证人发过短信"
        if (
            db.execute(
                "SELECT 1 FROM sms_out WHERE department = ? AND holder = ? AND phone = ? AND state = ?",
                (c.department, c.holder, c.phone, WAITING),
            ).fetchone()
        ):  # held back from an earlier day (flow control, a retry): one message a day, that one first
            return "这个持证人还有一条推迟的短信待发送，今天先发那一条"
        sent = db.execute("SELECT COUNT(*) FROM sms_out WHERE phone = ? AND made_on = ?", (c.phone, today))
        if int(sent.fetchone()[0]) >= cap:
            return f"这个号码今天已收到 {cap} 条短信（上限），改为电话提醒"
        return ""

    def waiting(self, day: date) -> list[Message]:
        """Return the messages to send now (待发送, not held back past this day), oldest first."""
        return self._messages(
            "state = ? AND provider = ? AND not_before <= ?", (WAITING, self.provider, day.isoformat())
        )

    def unsettled(self) -> list[Message]:
        """Return the messages whose outcome the platform has not told yet (提交中, 已提交)."""
        return self._messages("state IN (?, ?) AND provider = ?", (*UNSETTLED, self.provider))

    def to_numbers(self, phones: Iterable[str]) -> list[Message]:
        """Return the messages to some numbers, in any state (by the phone index: a push of receipts looks at its
        numbers' messages only, not at every message in flight)."""
        wanted, found = sorted(set(phones)), []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found += self._messages(
                f"phone IN ({', '.join('?' * len(chunk))}) AND provider = ?", (*chunk, self.provider)
            )
        return found

    def with_ids(self, ids: Iterable[int]) -> list[Message]:
        """Return the messages with these row ids (by the primary key, whatever their number)."""
        wanted, found = sorted(set(ids)), []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found += self._messages(f"id IN ({', '.join('?' * len(chunk))})", tuple(chunk))
        return found

    def messages(self, department: str | None = None) -> list[Message]:
        where, values = ("department = ?", (department,)) if department else ("1 = 1", ())
        return self._messages(where, values)

    def _messages(self, where: str, values: tuple[object, ...]) -> list[Message]:
        rows = self._db.execute(f"SELECT {_MESSAGE} FROM sms_out WHERE {where} ORDER BY id", values)
        return [_message(row) for row in rows]

    def certificates(self, message: int) -> list[tuple[RegisteredCertificate, str]]:
        """Return the certificates (and kinds) a message is about."""
        rows = self._db.execute(
            "SELECT department, number, certificate, holder, expires, kind FROM sms_out_items WHERE message = ?",
            (message,),
        )
        return [(RegisteredCertificate(d, n, c, h, date.fromisoformat(e)), k) for d, n, c, h, e, k in rows]

    def begin_call(self, keys: list[int], day: date) -> str:
        """Mark messages 提交中 under a new call id (committed before the call); return the id (OutId)."""
        with self._transaction() as db:
            call = db.execute(
                "INSERT INTO sms_calls (provider, made_on) VALUES (?, ?)", (self.provider, day.isoformat())
            )
            out_id = f"JZ{call.lastrowid}"
            db.executemany(
                "UPDATE sms_out SET state = ?, out_id = ?, attempt = attempt + 1, submitted_on = ?, serial = '' "
                "WHERE id = ? AND state = ?",
                [(SUBMITTING, out_id, day.isoformat(), key, WAITING) for key in keys],
            )
        return out_id

    def carried(self, out_id: str) -> set[int]:
        """Return the messages a call claimed in begin_call (another process may have claimed some first)."""
        rows = self._db.execute("SELECT id FROM sms_out WHERE out_id = ? AND state = ?", (out_id, SUBMITTING))
        return {int(i) for (i,) in rows}

    def submitted(self, answers: Iterable[tuple[int, str]]) -> None:
        """Record messages the platform took (key, BizId/SerialNo)."""
        with self._transaction() as db:
            db.executemany(
                "UPDATE sms_out SET state = ?, serial = ? WHERE id = ? AND state = ?",
                [(SUBMITTED, serial, key, SUBMITTING) for key, serial in answers],
            )

    def back(self, keys: Iterable[int], not_before: date) -> None:
        """Put messages surely not taken back to 待发送, not before a day."""
        with self._transaction() as db:
            db.executemany(
                "UPDATE sms_out SET state = ?, not_before = ?, attempt = attempt - 1, out_id = '' WHERE id = ? AND state = ?",
                [(WAITING, not_before.isoformat(), key, SUBMITTING) for key in keys],
            )

    def settle(self, day: date, outcomes: Iterable[tuple[int, str, str, str, date | None]]) -> None:
        """Settle messages in one transaction: (key, state, failure class, code, retry day).

        state is 已提交 (the platform knows it, no receipt yet), 已送达, 失败 or 未回执; with a retry day the
        message goes back to 待发送 for that day instead (one retry of a temporary failure).
        """
        with self._transaction() as db:
            for key, state, failure, code, retry_on in outcomes:
                if retry_on is not None:
                    db.execute(
                        "UPDATE sms_out SET state = ?, not_before = ?, failure = ?, code = ?, out_id = '' "
                        "WHERE id = ? AND state IN (?, ?)",
                        (WAITING, retry_on.isoformat(), failure, code, key, *UNSETTLED),
                    )
                elif state == SUBMITTED:
                    db.execute(
                        "UPDATE sms_out SET state = ? WHERE id = ? AND state = ?",
                        (SUBMITTED, key, SUBMITTING),
                    )
                else:
                    db.execute(
                        "UPDATE sms_out SET state = ?, failure = ?, code = ?, settled_on = ? WHERE id = ? AND state IN (?, ?)",
                        (state, failure, code, day.isoformat(), key, *UNSETTLED),
                    )

    def defer(self, keys: Iterable[int], not_before: date) -> None:
        """Hold waiting messages back until a day (flow control)."""
        with self._transaction() as db:
            db.executemany(
                "UPDATE sms_out SET not_before = ? WHERE id = ? AND state = ?",
                [(not_before.isoformat(), key, WAITING) for key in keys],
            )

    def taken(self, key: int, serial: str) -> None:
        """Record that the platform knows a message left 提交中 (it was taken)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE sms_out SET state = ?, serial = CASE WHEN ? = '' THEN serial ELSE ? END WHERE id = ? AND state = ?",
                (SUBMITTED, serial, serial, key, SUBMITTING),
            )

    def cancel(self, closed: Iterable[tuple[str, str, str]]) -> int:
        """Cancel the waiting (待发送) messages all of whose certificates are closed; return how many.

        closed: (department, certificate key, expires) of each certificate renewed or applied for.
        """
        shut = set(closed)
        with self._transaction() as db:
            rows = db.execute(
                "SELECT m.id, i.department, i.certificate_key, i.expires FROM sms_out m "
                "JOIN sms_out_items i ON i.message = m.id WHERE m.state = ?",
                (WAITING,),
            ).fetchall()
            about: dict[int, list[bool]] = {}
            for key, department, certificate, expires in rows:
                about.setdefault(int(key), []).append(
                    (str(department), str(certificate), str(expires)) in shut
                )
            ids = [key for key, flags in about.items() if all(flags)]
            db.executemany(
                "UPDATE sms_out SET state = ? WHERE id = ? AND state = ?",
                [(CANCELLED, i, WAITING) for i in ids],
            )
        return len(ids)

    def cancel_to(self, department: str, key: str, phone: str) -> int:
        """Cancel the waiting messages to a number about a certificate (key: as the 登记簿 names it): the number
        was corrected, so the message goes to the new one instead; return how many."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE sms_out SET state = ? WHERE state = ? AND phone = ? AND id IN "
                "(SELECT message FROM sms_out_items WHERE department = ? AND certificate_key = ?)",
                (CANCELLED, WAITING, phone, department, key),
            )
            return int(cursor.rowcount)

    def failed_numbers(self) -> dict[tuple[str, str], str]:
        """Return (department, phone) → failure class of every number a message failed on for good."""
        rows = self._db.execute(
            "SELECT department, phone, failure FROM sms_out WHERE state = ? ORDER BY id", (FAILED,)
        )
        return {(str(d), str(p)): str(f) for d, p, f in rows}

    def tally(self, first: date, last: date) -> dict[str, dict[str, int]]:
        """Return, per department, how many messages made in a period are in each state."""
        rows = self._db.execute(
            "SELECT department, state, COUNT(*) FROM sms_out WHERE made_on BETWEEN ? AND ? GROUP BY department, state",
            (first.isoformat(), last.isoformat()),
        )
        found: dict[str, dict[str, int]] = {}
        for department, state, count in rows:
            found.setdefault(str(department), {})[str(state)] = int(count)
        return found


def _message(row: tuple[object, ...]) -> Message:
    i, d, h, p, on, s, t, params, text, state, attempt, out, serial, sub, failure, code = (
        str(v) for v in row
    )
    return Message(int(i), d, h, p, date.fromisoformat(on), s, t, tuple((str(a), str(b)) for a, b in json.loads(params)),
                   text, state, int(attempt), out, serial, sub, failure, code)  # fmt: skip


def day_batch(path: Target, department: str, day: date) -> list[Message]:
    """Return the department's messages made, submitted or settled on a day, oldest first, reading only: no
    folder, file or table is made (a page view writes nothing); none when the outbox does not exist yet."""
    db = read_only(path)
    if db is None:
        return []
    try:
        if (
            isinstance(db, sqlite3.Connection)
            and not db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sms_out'"
            ).fetchone()
        ):
            return []
        on = day.isoformat()
        rows = db.execute(
            f"SELECT {_MESSAGE} FROM sms_out WHERE department = ? AND (made_on = ? OR submitted_on = ? "
            "OR settled_on = ?) ORDER BY id",
            (department, on, on, on),
        )
        return [_message(row) for row in rows]
    except sqlite3.Error as error:
        raise RegistryError(f"读取登记簿“{place_name(path)}”失败：{error}。请稍后重试") from error
    finally:
        close_registry(db, path)
