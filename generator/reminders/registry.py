"""登记簿: the service record of every reminder done, kept in SQLite (one transaction per batch, WAL).

A reminder is identified by its certificate (部门, 证照编号 — or 持证人 and 证照名称 where there is no number —
and 期满日期) and its kind (首次/二次). The same act (same channel, day, person and result) recorded twice is one
record, so importing a file again adds nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.problems import JiaozaoError
from portal.rules.china import china_now

KINDS = ("首次", "二次")
# 联系结果: the ones that count as the holder having been reminded.
RESULTS = {
    "已告知": True,
    "已发送": True,
    "已申请延续": True,
    "未接通": False,
    "号码有误": False,
    "其他": False,
}
CHANNELS = ("电话", "短信", "电子邮件", "函告", "微信", "当面告知", "其他")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reminders (
    id INTEGER PRIMARY KEY,
    department TEXT NOT NULL,
    certificate_key TEXT NOT NULL,  -- 证照编号, or 持证人|证照名称 where there is none
    expires TEXT NOT NULL,          -- 期满日期, YYYY-MM-DD
    number TEXT NOT NULL,
    certificate TEXT NOT NULL,
    holder TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('首次', '二次')),
    channel TEXT NOT NULL,
    reminded_on TEXT NOT NULL,
    by_whom TEXT NOT NULL,
    result TEXT NOT NULL,
    done INTEGER NOT NULL,
    remark TEXT NOT NULL,
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (department, certificate_key, expires, kind, channel, reminded_on, by_whom, result)
);
CREATE INDEX IF NOT EXISTS reminders_done ON reminders (done, department);
CREATE TABLE IF NOT EXISTS sms_pending (
    phone TEXT NOT NULL,
    text TEXT NOT NULL,
    department TEXT NOT NULL,
    certificate_key TEXT NOT NULL,
    expires TEXT NOT NULL,
    number TEXT NOT NULL,
    certificate TEXT NOT NULL,
    holder TEXT NOT NULL,
    kind TEXT NOT NULL,
    made_on TEXT NOT NULL,
    UNIQUE (phone, text, department, certificate_key, expires, kind)
);
"""
_COLUMNS = (
    "department, certificate_key, expires, number, certificate, holder, kind, channel, reminded_on, "
    "by_whom, result, done, remark, source, recorded_at"
)


class RegistryError(JiaozaoError):
    """A 登记簿 that cannot be opened or written."""


def certificate_key(number: str, holder: str, certificate: str) -> str:
    """Return how the 登记簿 names a certificate: its number, else holder and certificate name."""
    return number.strip() or f"{holder.strip()}|{certificate.strip()}"


@dataclass(frozen=True)
class RegisteredCertificate:
    """The certificate a reminder is about, as the 登记簿 names it."""

    department: str
    number: str
    certificate: str
    holder: str
    expires: date

    @property
    def key(self) -> tuple[str, str, str]:
        return (
            self.department,
            certificate_key(self.number, self.holder, self.certificate),
            self.expires.isoformat(),
        )


@dataclass(frozen=True)
class ReminderRecord:
    """One reminder done (or tried): a row of the 登记簿."""

    certificate: RegisteredCertificate
    kind: str  # 首次 / 二次
    channel: str  # 提醒方式
    reminded_on: date
    by_whom: str
    result: str  # 联系结果
    remark: str
    source: str  # file and row, or batch

    @property
    def done(self) -> bool:
        return RESULTS.get(self.result, False)


DoneKey = tuple[str, str, str, str]  # department, certificate key, expires, kind


class Registry:
    """The 登记簿 database."""

    def __init__(self, path: Path):
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise RegistryError(
                f"无法打开登记簿“{path}”：{error}。请检查路径和权限（可用 --db 指定）"
            ) from error

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as error:
            raise RegistryError(f"写入登记簿“{self.path}”失败：{error}。登记簿保持原样，请重试") from error

    def add(self, records: Iterable[ReminderRecord]) -> int:
        """Add records in one transaction; return how many were new (repeats of a recorded act add nothing)."""
        now = china_now().isoformat(timespec="seconds")
        rows = [_row(record, now) for record in records]
        with self._transaction() as db:
            before = db.total_changes
            db.executemany(
                f"INSERT INTO reminders ({_COLUMNS}) VALUES ({', '.join('?' * 15)}) ON CONFLICT DO NOTHING",
                rows,
            )
            return db.total_changes - before

    def done_keys(self) -> set[DoneKey]:
        """Return (department, certificate key, expires, kind) of every reminder done."""
        query = "SELECT DISTINCT department, certificate_key, expires, kind FROM reminders WHERE done = 1"
        return {(str(d), str(k), str(e), str(t)) for d, k, e, t in self._db.execute(query)}

    def records(self, department: str | None = None) -> list[ReminderRecord]:
        """Return every record, or one department's, oldest first."""
        query = f"SELECT {_COLUMNS} FROM reminders" + (" WHERE department = ?" if department else "")
        rows = self._db.execute(query + " ORDER BY id", (department,) if department else ())
        return [_record(row) for row in rows]

    def keep_sms(
        self, messages: Iterable[tuple[str, str, RegisteredCertificate, str]], made_on: date
    ) -> None:
        """Remember which certificates each SMS (phone, text) of a batch is about, until staff confirm the upload."""
        rows = [
            (
                phone,
                text,
                *c.key[:2],
                c.expires.isoformat(),
                c.number,
                c.certificate,
                c.holder,
                kind,
                made_on.isoformat(),
            )
            for phone, text, c, kind in messages
        ]
        with self._transaction() as db:
            db.executemany(
                f"INSERT INTO sms_pending VALUES ({', '.join('?' * 10)}) ON CONFLICT DO NOTHING", rows
            )

    def sms_certificates(self, phone: str, text: str) -> list[tuple[RegisteredCertificate, str]]:
        """Return the certificates and kinds an SMS of an earlier batch was about (empty when unknown)."""
        query = (
            "SELECT department, number, certificate, holder, expires, kind FROM sms_pending "
            "WHERE phone = ? AND text = ? ORDER BY rowid"
        )
        return [
            (RegisteredCertificate(d, n, c, h, date.fromisoformat(e)), k)
            for d, n, c, h, e, k in self._db.execute(query, (phone, text))
        ]

    def done_reminders(self) -> Iterator[tuple[str, str, str, str, str]]:
        """Yield (department, certificate key, expires, kind, day) of every record with a done result.

        The same records as `records()` whose result counts as done: 督促检查 reads these at province scale.
        """
        query = "SELECT department, certificate_key, expires, kind, reminded_on FROM reminders WHERE done = 1"
        yield from self._db.execute(query)


def _row(record: ReminderRecord, now: str) -> tuple[object, ...]:
    c = record.certificate
    department, key, expires = c.key
    return (
        department, key, expires, c.number, c.certificate, c.holder, record.kind, record.channel,
        record.reminded_on.isoformat(), record.by_whom, record.result, int(record.done), record.remark,
        record.source, now,
    )  # fmt: skip


def _record(row: tuple[object, ...]) -> ReminderRecord:
    (
        department,
        _,
        expires,
        number,
        certificate,
        holder,
        kind,
        channel,
        on,
        by,
        result,
        _,
        remark,
        source,
        _,
    ) = (str(v) for v in row)
    c = RegisteredCertificate(department, number, certificate, holder, date.fromisoformat(expires))
    return ReminderRecord(c, kind, channel, date.fromisoformat(on), by, result, remark, source)
