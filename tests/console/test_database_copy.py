"""jiaozao db copy: a bureau's SQLite files into an empty PostgreSQL database, whole, counted, never twice."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from console.app import create_app
from console.settings import ConsoleSettings
from console.store import audit_chain
from console.store.db import connect
from generator.cli import main
from generator.reminders.registry import Registry
from tests.console.conftest import Clients


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
    with Registry(settings.inputs.db):
        pass  # a 登记簿 beside it: not on PostgreSQL yet, so named and left
    before = _sqlite_counts(settings.db)
    assert before["audit"] >= 2 and before["sessions"] == 1 and before["users"] == 4

    assert main(["db", "upgrade", "--database-url", pg_url]) == 0
    assert main(["db", "copy", "--from", str(settings.db.parent), "--to", pg_url]) == 0
    out, said = capsys.readouterr()
    for table in ("users", "sessions", "audit", "meta"):
        assert f"{table}\t{before[table]}\t{before[table]}\t{settings.db}" in out
    assert "未复制" in said and "登记簿.sqlite 的表 reminders（0 行）" in said and "-queue" not in said

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


def test_copy_refuses_a_database_not_upgraded(
    settings: ConsoleSettings, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "copy", "--from", str(settings.db), "--to", pg_url]) == 1
    assert "jiaozao db upgrade" in capsys.readouterr().err
