"""The audit log on PostgreSQL: one hash chain under parallel appends from threads and processes, and a
console account that can append but neither change the log nor drop its triggers."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing

import psycopg
import pytest

from console.store import audit, audit_chain, users
from console.store.db import connect
from generator.database import schema
from generator.database.connection import open_postgres
from tests.console.conftest import PASSWORD, SLUGS

# What the README tells the DBA to run after `jiaozao db upgrade`, as the owner: the console's own account.
GRANTS = """
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
"""


@pytest.fixture
def upgraded(pg_url: str) -> str:
    with closing(open_postgres(pg_url, check=False)) as db:
        schema.upgrade(db)
    return pg_url


def test_parallel_appends_from_threads_and_processes_keep_one_chain(upgraded: str) -> None:
    writer = (
        "import sys; from console.store import audit; from console.store.db import connect\n"
        "db = connect(sys.argv[1])\n"
        "for i in range(60): audit.log(db, 'process', '127.0.0.1', 'login', detail=str(i))\n"
        "db.close()\n"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", writer, upgraded], env=dict(os.environ)) for _ in range(2)
    ]
    shared = connect(upgraded)  # as the console: one connection, many request threads

    def write(own: bool) -> None:
        db = connect(upgraded) if own else shared
        for i in range(60):
            audit.log(db, "thread", "127.0.0.1", "logout", detail=str(i))
        if own:
            db.close()

    threads = [threading.Thread(target=write, args=(n % 2 == 0,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    chain = audit_chain.verify(shared)
    shared.close()
    assert isinstance(chain, audit_chain.Intact) and chain.rows == 6 * 60


@pytest.fixture
def console_account(upgraded: str) -> Iterator[str]:
    """The URL of the same database under an account with the README's grants (not the owner)."""
    role = f"console_{os.getpid()}"
    with psycopg.connect(upgraded, autocommit=True) as owner:
        owner.execute(f"CREATE ROLE {role} LOGIN".encode())
        owner.execute(GRANTS.format(role=role).encode())
    yield upgraded.replace("postgresql://postgres@", f"postgresql://{role}@")
    with psycopg.connect(upgraded, autocommit=True) as owner:
        owner.execute(f"DROP OWNED BY {role}; DROP ROLE {role}".encode())


def test_the_console_account_appends_but_cannot_change_the_log_or_drop_its_triggers(
    console_account: str,
) -> None:
    with closing(connect(console_account)) as db:
        users.add_user(db, "admin", users.Role.ADMIN, [], PASSWORD, SLUGS)
        audit.log(db, "admin", "127.0.0.1", "login")
        for tamper in (
            "UPDATE audit SET user = 'x'",
            "DELETE FROM audit",
            "TRUNCATE audit",
            "DROP TRIGGER audit_no_update ON audit",
            "ALTER TABLE audit DISABLE TRIGGER ALL",
        ):
            with pytest.raises(sqlite3.DatabaseError, match=r"permission denied|must be owner|append-only"):
                db.execute(tamper)
        assert isinstance(audit_chain.verify(db), audit_chain.Intact)
