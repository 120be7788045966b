"""登记簿: the service record of every reminder done, in a SQLite file or the shared PostgreSQL database
(generator/reminders/store.py; one transaction per batch).

A reminder is identified by its certificate (部门, 证照编号 — or 持证人 and 证照名称 where there is no number —
and 期满日期) and its kind (首次/二次). The same act (same channel, day, person and result) recorded twice is one
record, so importing a file again adds nothing. A mistake is never edited in place: a correction is a new record
that names the one it supersedes (更正), and only records nothing supersedes count.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, cast

from generator.reminders.store import (
    RegistryError,
    Target,
    close_registry,
    is_shared,
    open_registry,
    place_name,
    registry_transaction,
)
from portal.rules.china import china_timestamp

__all__ = ["RegistryError", "open_registry", "registry_transaction"]  # where the outbox finds them too

KINDS = ("首次", "二次", "临期")  # 临期: staff phone or visit near expiry, whatever came before
# 联系结果: the ones that count as the holder having been reminded.
RESULTS = {
    "已告知": True,
    "已发送": True,
    "已申请延续": True,
    "已续证": True,  # a later 台账 shows it renewed: written by the system (generator/reminders/renewals.py)
    "未接通": False,
    "号码有误": False,
    "其他": False,
    "已发送（未核实送达）": True,  # an SMS file staff say they uploaded: sent, delivery not seen
    "已送达": True,  # the SMS platform's receipt says the message reached the phone
    "短信未回执": False,  # the SMS platform took it but no receipt came within its query window
    "已上门": True,  # 临期: staff went to the holder
    "已电话告知": True,  # 临期: staff told the holder on the phone
    "持证人表示不再延续": True,  # the holder will not renew: no more reminders for this certificate
}
DECLINED = "持证人表示不再延续"
NO_ANSWER = "未接通"
SMS_DELIVERED, SMS_NO_RECEIPT = "已送达", "短信未回执"
UNVERIFIED_SMS = "已发送（未核实送达）"
WRONG_NUMBER = "号码有误"
REACH_RESULTS = (NO_ANSWER, WRONG_NUMBER, DECLINED)  # what the reachability rule and the plan read
MACHINE_RESULTS = ("已发送", UNVERIFIED_SMS, SMS_DELIVERED, SMS_NO_RECEIPT)
PLATFORM_RESULTS = (
    UNVERIFIED_SMS,
    SMS_DELIVERED,
    SMS_NO_RECEIPT,
)  # never a person's answer  # what a channel answered, never chosen by a person
CHANNELS = ("电话", "短信", "电子邮件", "函告", "微信", "当面告知", "上门", "其他")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reminders (
    id INTEGER PRIMARY KEY,
    department TEXT NOT NULL,
    certificate_key TEXT NOT NULL,  -- 证照编号, or 持证人|证照名称 where there is none
    expires TEXT NOT NULL,          -- 期满日期, YYYY-MM-DD
    number TEXT NOT NULL,
    certificate TEXT NOT NULL,
    holder TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('首次', '二次', '临期')),
    channel TEXT NOT NULL,
    reminded_on TEXT NOT NULL,
    by_whom TEXT NOT NULL,
    result TEXT NOT NULL,
    done INTEGER NOT NULL,
    remark TEXT NOT NULL,
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    supersedes INTEGER,             -- the record this one corrects (更正), or NULL
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
CREATE TABLE IF NOT EXISTS planned (  -- each day's plan as its files were made (the list staff hand back)
    department TEXT NOT NULL,
    certificate_key TEXT NOT NULL,
    expires TEXT NOT NULL,
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    certificate TEXT NOT NULL,
    holder TEXT NOT NULL,
    made_on TEXT NOT NULL,
    UNIQUE (department, certificate_key, expires, kind, made_on)
);
CREATE TABLE IF NOT EXISTS sms_files (  -- each SMS file handed to staff, as it was, and when
    id INTEGER PRIMARY KEY,
    department TEXT NOT NULL,
    made_on TEXT NOT NULL,
    monthly INTEGER NOT NULL,
    made_at TEXT NOT NULL,
    digest TEXT NOT NULL,
    messages INTEGER NOT NULL,
    last_record INTEGER NOT NULL,  -- the 登记簿's last record id when the file was made
    content BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS sms_files_day ON sms_files (department, made_on, monthly);
"""
_SUPERSEDES_INDEX = "CREATE INDEX IF NOT EXISTS reminders_supersedes ON reminders (supersedes)"
_CURRENT = "id NOT IN (SELECT supersedes FROM reminders WHERE supersedes IS NOT NULL)"
_COLUMNS = (
    "department, certificate_key, expires, number, certificate, holder, kind, channel, reminded_on, "
    "by_whom, result, done, remark, source, recorded_at"
)


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

    @cached_property
    def key(self) -> CertificateKey:
        """The 登记簿's name of the certificate (worked out once: every plan and page asks it of thousands)."""
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


@dataclass(frozen=True)
class Entry:
    """A record as the 登记簿 holds it: its number, the record it corrects, the one correcting it, when made."""

    id: int
    supersedes: int | None
    recorded_at: str
    superseded_by: int | None
    record: ReminderRecord


DoneKey = tuple[str, str, str, str]  # department, certificate key, expires, kind
CertificateKey = tuple[str, str, str]  # department, certificate key, expires


@dataclass(frozen=True)
class SmsFile:
    """An SMS file as handed to staff (短信.csv): its bytes, when it was made and how many messages it holds."""

    id: int
    department: str
    made_on: date
    monthly: bool
    made_at: str  # YYYY-MM-DD HH:MM:SS, China time (YYYY-MM-DDTHH:MM:SS+08:00 before 2026-12)
    digest: str  # SHA-256 of the content
    messages: int
    last_record: int  # the 登记簿's last record id when it was made: what came later, came after it
    content: bytes


class Registry:
    """The 登记簿 database."""

    def __init__(self, path: Target):
        self.path = path  # the SQLite file, or the PostgreSQL URL (Settings.registry)
        self._db: Any = open_registry(path, _SCHEMA)
        if is_shared(self._db):
            return  # the tables come from the migrations, checked at open
        try:
            columns = {str(row[1]) for row in self._db.execute("PRAGMA table_info(reminders)")}
            if "supersedes" not in columns:  # a 登记簿 from before corrections existed
                self._db.execute("ALTER TABLE reminders ADD COLUMN supersedes INTEGER")
            self._db.execute(_SUPERSEDES_INDEX)
            self._allow_final_kind()
        except (OSError, sqlite3.Error) as error:
            raise RegistryError(
                f"无法打开登记簿“{place_name(path)}”：{error}。请检查路径和权限（可用 --db 指定）"
            ) from error

    def close(self) -> None:
        close_registry(self._db, self.path)

    def _allow_final_kind(self) -> None:
        """Rebuild a 登记簿 table from before the 临期 stage, whose CHECK allows only 首次 and 二次 (one transaction)."""
        found = self._db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'reminders'")
        if "'临期'" in str(found.fetchone()[0]):
            return
        columns = f"id, {_COLUMNS}, supersedes"
        table = _SCHEMA.split("CREATE TABLE IF NOT EXISTS reminders (", 1)[1].split(");", 1)[0]
        with self._transaction() as db:
            db.execute(f"CREATE TABLE reminders_kinds ({table})")
            db.execute(f"INSERT INTO reminders_kinds ({columns}) SELECT {columns} FROM reminders")
            db.execute("DROP TABLE reminders")
            db.execute("ALTER TABLE reminders_kinds RENAME TO reminders")
            db.execute("CREATE INDEX IF NOT EXISTS reminders_done ON reminders (done, department)")
            db.execute(_SUPERSEDES_INDEX)

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _transaction(self) -> AbstractContextManager[Any]:
        return registry_transaction(self._db, self.path)

    def add(self, records: Iterable[ReminderRecord]) -> int:
        """Add records in one transaction; return how many were new (repeats of a recorded act add nothing)."""
        now = china_timestamp()
        rows = [_row(record, now) for record in records]
        with self._transaction() as db:
            cursor = db.executemany(
                f"INSERT INTO reminders ({_COLUMNS}) VALUES ({', '.join('?' * 15)}) ON CONFLICT DO NOTHING",
                rows,
            )
            return max(int(cursor.rowcount), 0) if rows else 0  # the rows inserted, summed over the batch

    def add_each(self, records: Iterable[ReminderRecord]) -> list[int | None]:
        """Add records in one transaction; return each one's id (None for a repeat of a recorded act)."""
        now = china_timestamp()
        ids: list[int | None] = []
        with self._transaction() as db:
            for record in records:
                cursor = db.execute(
                    f"INSERT INTO reminders ({_COLUMNS}) VALUES ({', '.join('?' * 15)}) ON CONFLICT DO NOTHING",
                    _row(record, now),
                )
                ids.append(int(cursor.lastrowid) if cursor.rowcount and cursor.lastrowid else None)
        return ids

    def correct(self, record: ReminderRecord, supersedes: int) -> int | None:
        """Add a record that supersedes an earlier one (更正); return its id, or None when it repeats a record."""
        now = china_timestamp()
        with self._transaction() as db:
            found = db.execute(
                f"SELECT id FROM reminders WHERE id = ? AND {_CURRENT}", (supersedes,)
            ).fetchone()
            if found is None:
                raise RegistryError(f"登记簿中没有第 {supersedes} 条记录，或它已被更正过。请刷新后重试")
            cursor = db.execute(
                f"INSERT INTO reminders ({_COLUMNS}, supersedes) VALUES ({', '.join('?' * 16)}) "
                "ON CONFLICT DO NOTHING",
                (*_row(record, now), supersedes),
            )
            return int(cursor.lastrowid) if cursor.rowcount and cursor.lastrowid else None

    def state(self) -> tuple[int, int]:
        """Return (last record id, record count): it changes whenever a record is added."""
        last, count = self._db.execute("SELECT COALESCE(MAX(id), 0), COUNT(*) FROM reminders").fetchone()
        return int(last), int(count)

    def department_states(self) -> dict[str, tuple[int, int]]:
        """Return each department's (last record id, record count): it changes whenever a record of it is added
        (a correction is a record of the department it corrects)."""
        query = "SELECT department, MAX(id), COUNT(*) FROM reminders GROUP BY department"
        return {str(d): (int(last), int(count)) for d, last, count in self._db.execute(query)}

    def last_id(self) -> int:
        """Return the last record id: it changes whenever a record is added (records are never changed or deleted,
        and one writer at a time adds them, so ids become visible in order)."""
        (last,) = self._db.execute("SELECT COALESCE(MAX(id), 0) FROM reminders").fetchone()
        return int(last)

    def since(
        self, last: int, upto: int | None = None, departments: Collection[str] | None = None
    ) -> tuple[set[DoneKey], int, set[str]]:
        """Return what the records after id last (up to id upto) add: the reminders they make done, how many
        records, and the departments whose day must be planned again — those where a record corrects a done one
        (which can make a reminder due again) or says a call failed, a number is wrong or a holder declined
        (which changes who is reachable or due). With departments, the records of the others are not read."""
        where, values = _chosen_records(departments)
        rows = self._db.execute(
            "SELECT department, certificate_key, expires, kind, done, "
            "(SELECT o.done FROM reminders o WHERE o.id = r.supersedes), "
            f"result IN (?, ?, ?) OR supersedes IS NOT NULL FROM reminders r WHERE id > ? AND id <= ?{where}",
            (*REACH_RESULTS, last, upto if upto is not None else 2**62, *values),
        ).fetchall()
        done = {(str(d), str(k), str(e), str(t)) for d, k, e, t, ok, _, _ in rows if ok}
        again = {str(row[0]) for row in rows if row[5] == 1 or bool(row[6])}
        return done, len(rows), again

    def reach_changes(
        self, last: int, upto: int, departments: Collection[str] | None = None
    ) -> tuple[set[CertificateKey], bool]:
        """Return, of the records after id last up to id upto (of these departments, when given), the certificates
        of those that say a call failed, a number is wrong or a holder declined, and whether one corrects another
        record (then the whole day is planned again: a reminder can be due again)."""
        where, values = _chosen_records(departments)
        rows = self._db.execute(
            "SELECT department, certificate_key, expires, supersedes IS NOT NULL FROM reminders "
            f"WHERE id > ? AND id <= ? AND (result IN (?, ?, ?) OR supersedes IS NOT NULL){where}",
            (last, upto, *REACH_RESULTS, *values),
        ).fetchall()
        return {(str(d), str(k), str(e)) for d, k, e, _ in rows}, any(bool(row[3]) for row in rows)

    def done_keys(
        self, departments: Collection[str] | None = None, expiring_from: date | None = None,
        keys: Collection[str] | None = None,
    ) -> set[DoneKey]:  # fmt: skip
        """Return (department, certificate key, expires, kind) of every reminder done (corrections applied);
        of these departments only, when given; of certificates expiring on or after expiring_from, and of those
        with these certificate keys, when given."""
        where, values = _chosen_records(departments, expiring_from, keys)
        query = (
            "SELECT DISTINCT department, certificate_key, expires, kind FROM reminders "
            f"WHERE done = 1 AND {_CURRENT}{where}"
        )
        return {(str(d), str(k), str(e), str(t)) for d, k, e, t in self._db.execute(query, values)}

    def records_with(
        self, results: tuple[str, ...], departments: Collection[str] | None = None,
        expiring_from: date | None = None, keys: Collection[str] | None = None,
    ) -> list[ReminderRecord]:  # fmt: skip
        """Return every standing record with one of these results, oldest first (of these departments, of
        certificates expiring on or after expiring_from, and with these certificate keys, if given)."""
        marks = ", ".join("?" * len(results))
        where, values = _chosen_records(departments, expiring_from, keys)
        query = (
            f"SELECT {_COLUMNS} FROM reminders WHERE result IN ({marks}) AND {_CURRENT}{where} ORDER BY id"
        )
        return [_record(row) for row in self._db.execute(query, (*results, *values))]

    def last_reached(
        self, departments: Collection[str] | None = None, expiring_from: date | None = None,
        keys: Collection[str] | None = None,
    ) -> dict[CertificateKey, date]:  # fmt: skip
        """Return, per certificate, the latest day a standing record says the holder was reached (a done result);
        of these departments only, of certificates expiring on or after expiring_from, and with these certificate
        keys, when given."""
        where, values = _chosen_records(departments, expiring_from, keys)
        query = (
            "SELECT department, certificate_key, expires, MAX(reminded_on) FROM reminders "
            f"WHERE done = 1 AND {_CURRENT}{where} GROUP BY department, certificate_key, expires"
        )
        return {
            (str(d), str(k), str(e)): date.fromisoformat(str(on))
            for d, k, e, on in self._db.execute(query, values)
        }

    def attempts(self, keys: Iterable[CertificateKey]) -> dict[CertificateKey, list[ReminderRecord]]:
        """Return every standing record of these certificates, oldest first (the 临期 list shows them all)."""
        found: dict[CertificateKey, list[ReminderRecord]] = {}
        query = (
            f"SELECT {_COLUMNS} FROM reminders WHERE department = ? AND certificate_key = ? AND expires = ? "
            f"AND {_CURRENT} ORDER BY reminded_on, id"
        )
        for key in dict.fromkeys(keys):
            found[key] = [_record(row) for row in self._db.execute(query, key)]
        return found

    def records(self, department: str | None = None) -> list[ReminderRecord]:
        """Return every record that stands (none superseded), or one department's, oldest first."""
        query = f"SELECT {_COLUMNS} FROM reminders WHERE {_CURRENT}" + (
            " AND department = ?" if department else ""
        )
        rows = self._db.execute(query + " ORDER BY id", (department,) if department else ())
        return [_record(row) for row in rows]

    def entries(
        self, department: str, where: str = "", values: tuple[object, ...] = (), *, newest_first: bool = False,
        limit: int = -1, offset: int = 0,
    ) -> list[Entry]:  # fmt: skip
        """Return one department's records with their ids, what corrects what, and when each was recorded.

        where: an extra SQL condition on the reminders columns, with its values (never user text in SQL);
        limit and offset: one page of them.
        """
        query = (
            f"SELECT id, supersedes, recorded_at, (SELECT MIN(c.id) FROM reminders c WHERE c.supersedes = r.id), "
            f"{_COLUMNS} FROM reminders r WHERE department = ?" + (f" AND ({where})" if where else "")
        )
        order = " ORDER BY id DESC" if newest_first else " ORDER BY id"
        page = (limit if limit >= 0 else 2**62, offset)  # PostgreSQL takes no negative LIMIT for "all"
        rows = self._db.execute(query + order + " LIMIT ? OFFSET ?", (department, *values, *page))
        return [
            Entry(int(i), s if s is None else int(s), str(at), c if c is None else int(c), _record(rest))
            for i, s, at, c, *rest in rows
        ]

    def count(self, department: str, where: str = "", values: tuple[object, ...] = ()) -> int:
        """Return how many of the department's records match (where as for entries)."""
        query = "SELECT COUNT(*) FROM reminders WHERE department = ?" + (f" AND ({where})" if where else "")
        return int(self._db.execute(query, (department, *values)).fetchone()[0])

    def entry(self, department: str, record_id: int) -> Entry | None:
        found = self.entries(department, "id = ?", (record_id,))
        return found[0] if found else None

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

    def keep_plan(self, planned: Iterable[tuple[RegisteredCertificate, str]], made_on: date) -> None:
        """Keep the day's plan (certificate, kind) as its files were made, to check what staff hand back."""
        rows = [(*c.key, kind, c.number, c.certificate, c.holder, made_on.isoformat()) for c, kind in planned]
        with self._transaction() as db:
            db.executemany(f"INSERT INTO planned VALUES ({', '.join('?' * 8)}) ON CONFLICT DO NOTHING", rows)

    def planned(self, departments: Iterable[str], up_to: date) -> dict[tuple[str, str], set[date]]:
        """Return the certificates any kept plan of these departments up to a day held, with their expiry dates."""
        found: dict[tuple[str, str], set[date]] = {}
        for department in set(departments):
            rows = self._db.execute(
                "SELECT DISTINCT certificate_key, expires FROM planned WHERE department = ? AND made_on <= ?",
                (department, up_to.isoformat()),
            )
            for key, expires in rows:
                found.setdefault((department, str(key)), set()).add(date.fromisoformat(str(expires)))
        return found

    def keep_sms_file(
        self, department: str, made_on: date, monthly: bool, content: bytes, messages: int, digest: str
    ) -> SmsFile:
        """Keep an SMS file handed to staff as it is; the same content kept again is the same file."""
        found = self._db.execute(
            "SELECT id FROM sms_files WHERE department = ? AND made_on = ? AND monthly = ? AND digest = ? "
            "ORDER BY id DESC LIMIT 1",
            (department, made_on.isoformat(), int(monthly), digest),
        ).fetchone()
        if found is None:
            now = china_timestamp()
            with self._transaction() as db:
                last = db.execute("SELECT COALESCE(MAX(id), 0) FROM reminders").fetchone()[0]
                cursor = db.execute(
                    "INSERT INTO sms_files (department, made_on, monthly, made_at, digest, messages, "
                    "last_record, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (department, made_on.isoformat(), int(monthly), now, digest, messages, last, content),
                )
                found = (cursor.lastrowid,)
        kept = self.sms_file(int(found[0]))
        assert kept is not None
        return kept

    def sms_file(self, file_id: int) -> SmsFile | None:
        return next(self._sms_files("id = ?", (file_id,)), None)

    def last_sms_file(self, department: str, made_on: date, monthly: bool) -> SmsFile | None:
        """Return the department's SMS file of the day handed out last (None: none handed out)."""
        where = "department = ? AND made_on = ? AND monthly = ?"
        return next(self._sms_files(where, (department, made_on.isoformat(), int(monthly))), None)

    def sms_file_of(self, digest: str) -> SmsFile | None:
        """Return the kept SMS file with this content (the one handed out first)."""
        return next(self._sms_files("digest = ?", (digest,), "ASC"), None)

    def _sms_files(self, where: str, values: tuple[object, ...], order: str = "DESC") -> Iterator[SmsFile]:
        query = (
            "SELECT id, department, made_on, monthly, made_at, digest, messages, last_record, content "
            f"FROM sms_files WHERE {where} ORDER BY id {order}"
        )
        for i, department, on, monthly, at, digest, messages, last, content in self._db.execute(
            query, values
        ):
            yield SmsFile(
                int(i), str(department), date.fromisoformat(on), bool(monthly), str(at), str(digest),
                int(messages), int(last), bytes(content),
            )  # fmt: skip

    def sms_made_on(self, phone: str, text: str) -> str | None:
        """Return the day an SMS of an earlier batch was first made (None when unknown)."""
        found = self._db.execute(
            "SELECT MIN(made_on) FROM sms_pending WHERE phone = ? AND text = ?", (phone, text)
        ).fetchone()
        return None if found is None or found[0] is None else str(found[0])

    def results_on(self, day: date, result: str) -> set[CertificateKey]:
        """Return the certificates with a standing record of this result made on a day (as reminded_on)."""
        query = (
            "SELECT department, certificate_key, expires FROM reminders "
            f"WHERE reminded_on = ? AND result = ? AND {_CURRENT}"
        )
        return {(str(d), str(k), str(e)) for d, k, e in self._db.execute(query, (day.isoformat(), result))}

    def done_after(self, last: int, since: date | None = None) -> dict[CertificateKey, str]:
        """Return the certificates with a standing done record entered after record id last (and reminded on
        or after since), with that record's result."""
        query = (
            "SELECT department, certificate_key, expires, result FROM reminders "
            f"WHERE done = 1 AND id > ? AND reminded_on >= ? AND {_CURRENT} ORDER BY id"
        )
        values = (last, since.isoformat() if since else "")
        return {(str(d), str(k), str(e)): str(r) for d, k, e, r in self._db.execute(query, values)}

    def tracked(self, departments: Iterable[str]) -> list[RegisteredCertificate]:
        """Return the certificates of these departments that a kept plan or a record names, each once."""
        found: dict[CertificateKey, RegisteredCertificate] = {}
        for department in sorted(set(departments)):
            for table in ("planned", "reminders"):
                rows = self._db.execute(
                    f"SELECT DISTINCT number, certificate, holder, expires FROM {table} WHERE department = ?",
                    (department,),
                )
                for number, certificate, holder, expires in rows:
                    c = RegisteredCertificate(
                        department,
                        str(number),
                        str(certificate),
                        str(holder),
                        date.fromisoformat(str(expires)),
                    )
                    found.setdefault(c.key, c)
        return list(found.values())

    def results_by(
        self, channel: str, departments: Collection[str] | None = None
    ) -> dict[CertificateKey, dict[str, date]]:
        """Return the standing results recorded through a channel (as 台账 for what a 台账 showed), by certificate,
        each with the first day it was recorded for; of these departments only, when given."""
        where, values = _chosen_records(departments)
        query = (
            "SELECT department, certificate_key, expires, result, MIN(reminded_on) FROM reminders "
            f"WHERE channel = ? AND {_CURRENT}{where} GROUP BY department, certificate_key, expires, result"
        )
        found: dict[CertificateKey, dict[str, date]] = {}
        for d, k, e, r, on in self._db.execute(query, (channel, *values)):
            found.setdefault((str(d), str(k), str(e)), {})[str(r)] = date.fromisoformat(str(on))
        return found

    def done_reminders(
        self, departments: Collection[str] | None = None, expiring_from: date | None = None
    ) -> Iterator[tuple[str, str, str, str, str, str]]:
        """Yield (department, certificate key, expires, kind, day, result) of every record with a done result;
        of these departments only, when given; of certificates expiring on or after expiring_from only, when given
        (a 台账's earliest expiry: the records of certificates expired before it, years of them, match no row).

        The same records as `records()` whose result counts as done: 督促检查 reads these at province scale, or
        one department at a time.
        """
        where, values = _chosen_records(departments, expiring_from)
        query = (
            "SELECT department, certificate_key, expires, kind, reminded_on, result FROM reminders "
            f"WHERE done = 1 AND channel != '台账' AND {_CURRENT}{where} ORDER BY id"  # a corrected record no
            # longer counts; nor does what a 台账 showed (续证闭环): it closes reminders, it is not one done
        )
        yield from self._db.execute(query, values)


def _chosen_records(
    departments: Collection[str] | None,
    expiring_from: date | None = None,
    keys: Collection[str] | None = None,
) -> tuple[str, tuple[str, ...]]:
    """Return the condition and values that keep the records of these departments (all when None), of
    certificates expiring on or after expiring_from (all when None; ISO dates sort as dates), and of certificates
    named by these keys (certificate_key; all when None)."""
    where, values = "", cast(tuple[str, ...], ())
    if departments is not None:
        chosen = tuple(sorted(departments))
        where, values = f" AND department IN ({', '.join('?' * len(chosen)) or 'NULL'})", chosen
    if expiring_from is not None:
        where, values = f"{where} AND expires >= ?", (*values, expiring_from.isoformat())
    if keys is not None:
        named = tuple(sorted(keys))
        where, values = (
            f"{where} AND certificate_key IN ({', '.join('?' * len(named)) or 'NULL'})",
            (*values, *named),
        )
    return where, values


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
