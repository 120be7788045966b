"""A throw-away PostgreSQL cluster for the tests: initdb in a temporary folder as the unprivileged postgres user,
listening on 127.0.0.1 on a free port, stopped and deleted at the end of the session.

`.ci/install-postgres` (run by `make test`) installs Debian's server; without it the PostgreSQL half of the
parameterised tests is skipped, saying so.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

BACKENDS = ("sqlite", "postgresql")
INSTALL = "PostgreSQL 未安装：运行 .ci/install-postgres（make test 会自动安装）"


def _bin() -> Path | None:
    """Return the folder of initdb and pg_ctl, from PATH or Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """A running test cluster: URLs of its databases, and fresh databases made from templates."""

    port: int
    _names: Iterator[int] = field(default_factory=itertools.count)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create(self, template: str = "template1") -> str:
        """Return the URL of a new, empty database (a copy of template)."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}".encode())
        return self.url(name)

    def drop(self, url: str) -> None:
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)".encode())


def _as_postgres(command: Sequence[str]) -> list[str]:
    """Return the command run as the postgres user when we are root (PostgreSQL refuses to run as root)."""
    if os.geteuid() != 0:
        return list(command)
    return ["runuser", "-u", "postgres", "--", *command]


class NotInstalled(Exception):
    """No PostgreSQL server binaries on this machine."""


@contextmanager
def cluster(durable: bool = False) -> Iterator[Cluster]:
    """Start a PostgreSQL cluster of its own (fsync off: throw-away data, unless durable, as a server runs);
    stop and delete it afterwards."""
    binaries = _bin()
    if binaries is None:
        raise NotInstalled(INSTALL)
    folder = Path(tempfile.mkdtemp(prefix="jiaozao-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    run = dict(check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
    subprocess.run(
        _as_postgres([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                      "-E", "UTF8", "--no-locale", "--no-sync"]), **run,  # type: ignore[call-overload]
    )  # fmt: skip
    port = _free_port()
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    try:
        subprocess.run(
            _as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
                          "-w", "-t", "60", "start"]), **run,  # type: ignore[call-overload]
        )  # fmt: skip
        yield Cluster(port)
    finally:
        subprocess.run(
            _as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60, check=False,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """A PostgreSQL cluster of its own for this test session."""
    try:
        with cluster() as running:
            yield running
    except NotInstalled:
        pytest.skip(INSTALL)


@pytest.fixture
def pg_url(postgres: Cluster) -> Iterator[str]:
    """The URL of an empty database of its own for one test, dropped afterwards."""
    url = postgres.create()
    yield url
    postgres.drop(url)


@pytest.fixture(scope="session")
def upgraded_database(postgres: Cluster) -> str:
    """The name of a database with this program's schema (every migration applied), the template of a test's."""
    from generator.database import schema
    from generator.database.connection import open_postgres

    url = postgres.create()
    db = open_postgres(url, check=False)
    try:
        schema.upgrade(db)
    finally:
        db.close()
    return url.rsplit("/", 1)[1]


@pytest.fixture(params=BACKENDS)
def registry_at(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path | str]:
    """Where a test's 登记簿 and SMS outbox live, once on each backend: the SQLite file tmp_path/登记簿.sqlite, or
    an upgraded PostgreSQL database of its own; JIAOZAO_DATABASE_URL says which to the commands the test runs."""
    if request.param == "sqlite":
        monkeypatch.delenv("JIAOZAO_DATABASE_URL", raising=False)
        yield tmp_path / "登记簿.sqlite"
        return
    running: Cluster = request.getfixturevalue("postgres")
    url = running.create(template=request.getfixturevalue("upgraded_database"))
    monkeypatch.setenv("JIAOZAO_DATABASE_URL", url)
    yield url
    running.drop(url)
