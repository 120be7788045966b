"""The 登记簿 and the SMS outbox on both backends: two writers at once, no message claimed twice, records never
changed on PostgreSQL, and a schema older or newer than the program's refused with the command to run."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import psycopg
import pytest

from generator.database import SchemaMismatch, schema
from generator.database.connection import open_postgres
from generator.reminders.registry import RegisteredCertificate, Registry, RegistryError, ReminderRecord
from generator.reminders.smsoutbox import Candidate, SmsOutbox
from tests.pg import Cluster

DAY = date(2026, 11, 23)
T = TypeVar("T")


def _certificate(n: int) -> RegisteredCertificate:
    return RegisteredCertificate("anshan", f"C-{n}", "采矿许可证", f"持证人{n}", date(2026, 12, 1))


def _record(n: int, result: str = "已告知", by: str = "张三") -> ReminderRecord:
    return ReminderRecord(_certificate(n), "首次", "电话", DAY, by, result, "", "t")


def _at_once(count: int, work: Callable[[int], T]) -> list[T]:
    """Run work(0) … work(count - 1) in threads released together; return their results in order."""
    start, results, errors = threading.Barrier(count), [None] * count, []

    def one(i: int) -> None:
        start.wait()
        try:
            results[i] = work(i)  # type: ignore[call-overload]
        except BaseException as error:  # pragma: no cover - shown by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results  # type: ignore[return-value]


def test_two_writers_at_once_add_each_act_once(registry_at: Path | str) -> None:
    Registry(registry_at).close()  # made before the race (SQLite makes its file on first open)

    def write(i: int) -> int:
        with Registry(registry_at) as registry:  # a connection of its own, as another process has
            added = 0
            for start in range(0, 200, 20):  # overlapping batches: every act is written by both
                added += registry.add(_record(n) for n in range(start, start + 20))
            return added

    added = _at_once(2, write)
    with Registry(registry_at) as registry:
        assert sum(added) == 200 == len(registry.records()) == registry.state()[1]


def test_two_senders_never_claim_the_same_message(registry_at: Path | str) -> None:
    candidates = [
        Candidate("anshan", f"持证人{n}", f"1380013{n:04d}", "鞍山审批", "SMS_1", (("name", "x"),), "x",
                  ((_certificate(n), "首次"),))
        for n in range(60)
    ]  # fmt: skip
    with SmsOutbox(registry_at, "aliyun") as outbox:
        assert outbox.queue(DAY, candidates, daily_cap=3) == []

    def send(i: int) -> set[int]:
        claimed: set[int] = set()
        with SmsOutbox(registry_at, "aliyun") as outbox:  # as two console processes' senders
            for _ in range(6):
                waiting = [m.id for m in outbox.waiting(DAY)][:15]
                if waiting:
                    claimed |= outbox.carried(outbox.begin_call(waiting, DAY))
        return claimed

    first, second = _at_once(2, send)
    assert not first & second  # no message carried by both calls
    with SmsOutbox(registry_at, "aliyun") as outbox:
        assert len(first | second) == 60 and {m.state for m in outbox.messages()} == {"提交中"}
        assert all(m.attempt == 1 for m in outbox.messages())


def test_queueing_the_day_twice_at_once_queues_each_message_once(registry_at: Path | str) -> None:
    candidates = [
        Candidate("anshan", f"持证人{n}", f"1390013{n:04d}", "鞍山审批", "SMS_1", (), "x", ((_certificate(n), "首次"),))
        for n in range(30)
    ]  # fmt: skip
    SmsOutbox(registry_at, "aliyun").close()

    def queue(i: int) -> int:
        with SmsOutbox(registry_at, "aliyun") as outbox:
            return len(outbox.queue(DAY, candidates, daily_cap=3))

    held = _at_once(2, queue)
    assert sorted(held) == [0, 30]  # one decided and queued them all, the other found them queued
    with SmsOutbox(registry_at, "aliyun") as outbox:
        assert len(outbox.messages()) == 30


def test_a_record_is_never_changed_or_removed_on_postgresql_a_correction_is_a_new_one(pg_url: str) -> None:
    db = open_postgres(pg_url, check=False)
    schema.upgrade(db)
    db.close()
    with Registry(pg_url) as registry:
        registry.add([_record(1, "未接通")])
        (entry,) = registry.entries("anshan")
        corrected = registry.correct(_record(1, "已告知"), supersedes=entry.id)
        assert corrected is not None and [r.result for r in registry.records()] == ["已告知"]
        kept = registry.keep_sms_file("anshan", DAY, False, b"csv", 1, "digest")
    with psycopg.connect(pg_url, autocommit=True) as raw:
        for statement in (
            "UPDATE reminders SET result = '已告知'",
            "DELETE FROM reminders",
            "TRUNCATE reminders",
            "UPDATE sms_files SET content = 'x'",
            "DELETE FROM sms_files",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="不能修改或删除"):
                raw.execute(statement.encode())
        assert raw.execute("SELECT COUNT(*) FROM reminders").fetchone() == (2,)
    with Registry(pg_url) as registry:  # both records stand as written, the first superseded
        assert [(e.id, e.superseded_by) for e in registry.entries("anshan")] == [
            (entry.id, corrected),
            (corrected, None),
        ]
        assert registry.sms_file(kept.id) == kept


def test_a_failing_batch_on_postgresql_says_the_registry_is_unchanged(registry_at: Path | str) -> None:
    with Registry(registry_at) as registry:
        registry.add([_record(1)])
        bad = ReminderRecord(_certificate(2), "三次", "电话", DAY, "张三", "已告知", "", "t")
        with pytest.raises(RegistryError, match="保持原样") as raised:
            registry.add([_record(3), bad])
        assert "s3cret" not in str(raised.value)
        assert [r.certificate.number for r in registry.records()] == ["C-1"]


def test_a_registry_on_an_old_or_missing_schema_is_refused_with_the_command(
    postgres: Cluster, pg_url: str
) -> None:
    with pytest.raises(SchemaMismatch, match="jiaozao db upgrade"):
        Registry(pg_url)
    db = open_postgres(pg_url, check=False)
    db.raw.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ)"
    )
    db.raw.execute(
        "INSERT INTO schema_version (version, name) VALUES (1, 'console')"
    )  # before the 登记簿 moved
    db.close()
    with pytest.raises(SchemaMismatch, match=r"第 1 版，本程序需要.*jiaozao db upgrade"):
        SmsOutbox(pg_url)
