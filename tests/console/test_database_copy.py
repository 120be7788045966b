"""jiaozao db copy: a bureau's SQLite files into an empty PostgreSQL database, whole, counted, never twice."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from console.app import create_app
from console.settings import ConsoleSettings
from console.store import audit_chain
from console.store.db import connect
from generator.cli import main
from generator.reminders.registry import RegisteredCertificate, Registry, ReminderRecord
from generator.reminders.smsoutbox import Candidate, SmsOutbox
from tests.console.conftest import Clients

pytestmark = pytest.mark.parametrize(
    "backend", ["sqlite"], indirect=True
)  # copies a bureau's SQLite files into PostgreSQL: the console under test runs on its SQLite files


def _sqlite_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def test_copy_moves_the_console_into_postgresql_once(
    settings: ConsoleSettings,
    clients: Clients,
    pg_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = create_app(settings, start_jobs=False)
    clients(app, "clerk_a")
    clients(app).sign_in("clerk_b", "Wrong-password-123")
    app.state.console.close()
    records = _registry_beside(settings.inputs.db)  # the 登记簿 beside it: records, a correction, the outbox
    before = _sqlite_counts(settings.db)
    assert before["audit"] >= 2 and before["sessions"] == 1 and before["users"] == 4
    kept = _sqlite_counts(settings.inputs.db)

    assert main(["db", "upgrade", "--database-url", pg_url]) == 0
    assert main(["db", "copy", "--from", str(settings.db.parent), "--to", pg_url]) == 0
    out, said = capsys.readouterr()
    for table in ("users", "sessions", "audit", "meta"):
        assert f"{table}\t{before[table]}\t{before[table]}\t{settings.db}" in out
    for table in ("reminders", "sms_files", "sms_out", "sms_out_items", "sms_calls"):
        assert kept[table] and f"{table}\t{kept[table]}\t{kept[table]}\t{settings.inputs.db}" in out
    assert "未复制" not in said and "-queue" not in said
    with Registry(pg_url) as registry:  # the same records, corrections applied; the next one gets a new id
        assert registry.records() == records
        assert (
            registry.add([replace(records[0], by_whom="李四")]) == 1
            and registry.state()[0] == kept["reminders"] + 1
        )
    with SmsOutbox(pg_url, "aliyun") as outbox, closing(sqlite3.connect(settings.inputs.db)) as lite:
        assert len(outbox.messages()) == kept["sms_out"] and outbox.certificates(outbox.messages()[0].id)
        content = lite.execute("SELECT content FROM sms_files").fetchone()[0]
    with Registry(pg_url) as registry:
        assert registry.sms_file(1) is not None and registry.sms_file(1).content == content  # type: ignore[union-attr]

    on_pg = replace(settings, database_url=pg_url)
    with closing(connect(pg_url)) as db:
        chain = audit_chain.verify(db)
        assert isinstance(chain, audit_chain.Intact) and chain.rows == before["audit"]
    app = create_app(on_pg, start_jobs=False)  # the copied accounts sign in; new rows carry on the chain
    clients(app, "clerk_b")
    app.state.console.close()
    with closing(connect(pg_url)) as db:
        chain = audit_chain.verify(db)
        assert isinstance(chain, audit_chain.Intact) and chain.rows == before["audit"] + 1
    capsys.readouterr()
    monkeypatch.setenv("JIAOZAO_DATABASE_URL", pg_url)
    assert main(["audit", "verify", "--anchor", chain.last_hash]) == 0
    assert f"操作日志完好：共 {chain.rows} 条" in capsys.readouterr().err
    monkeypatch.delenv("JIAOZAO_DATABASE_URL")

    assert main(["db", "copy", "--from", str(settings.db), "--to", pg_url]) == 1
    said = capsys.readouterr().err
    assert "目标数据库已有数据" in said and "不会覆盖" in said and "Traceback" not in said


def _registry_beside(path: Path) -> list[ReminderRecord]:
    """Fill the 登记簿 file with two records, a correction of one, an SMS file and a message claimed for a call."""
    cert = RegisteredCertificate("anshan", "C-1", "采矿许可证", "甲公司", date(2026, 12, 1))
    first = ReminderRecord(cert, "首次", "电话", date(2026, 11, 20), "张三", "未接通", "", "t")
    with Registry(path) as registry:
        registry.add([first, replace(first, kind="临期", result="已上门")])
        registry.correct(replace(first, result="已告知"), supersedes=1)
        registry.keep_sms_file(
            "anshan", date(2026, 11, 23), False, b"\xef\xbb\xbf\xe6\x89\x8b\xe6\x9c\xba", 1, "d"
        )
        records = registry.records()
    with SmsOutbox(path, "aliyun") as outbox:
        outbox.queue(date(2026, 11, 23), [Candidate("anshan", "甲公司", "13800138000", "鞍山审批", "SMS_1",
                                                    (("name", "甲公司"),), "x", ((cert, "首次"),))], 3)  # fmt: skip
        outbox.begin_call([outbox.messages()[0].id], date(2026, 11, 23))
    return records


def test_copy_refuses_a_database_not_upgraded(
    settings: ConsoleSettings, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "copy", "--from", str(settings.db), "--to", pg_url]) == 1
    assert "jiaozao db upgrade" in capsys.readouterr().err


def test_copy_refuses_a_file_that_is_not_sqlite_in_words_and_copies_nothing(
    settings: ConsoleSettings, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade", "--database-url", pg_url]) == 0
    folder = tmp_path / "var"
    folder.mkdir()
    (folder / "console.sqlite").write_bytes(settings.db.read_bytes())
    (folder / "登记簿.sqlite").write_text("用户名,密码\n", encoding="utf-8")  # a CSV saved under the name
    capsys.readouterr()
    assert main(["db", "copy", "--from", str(folder), "--to", pg_url]) == 1
    said = capsys.readouterr().err
    assert f"“{folder / '登记簿.sqlite'}”不是可读的 SQLite 数据库文件" in said and "没有复制任何数据" in said
    assert "程序内部错误" not in said and "Traceback" not in said
    with closing(connect(pg_url)) as db:
        assert db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0
