"""A console over a private copy of the demo data with a built site, its users, and signed-in clients.

The console's database is SQLite unless the test module sets BOTH_BACKENDS = True: its tests then run once on
SQLite and once on PostgreSQL (a fresh database copied from one holding PEOPLE, on the test cluster of
tests/pg.py). JIAOZAO_TEST_BACKEND=postgresql runs every console test on PostgreSQL.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from console.app import create_app
from console.settings import ConsoleSettings
from console.store import users
from console.store.db import connect
from generator.config import DEMO_CATALOGS, Settings
from generator.database import schema
from generator.database.connection import open_postgres
from generator.workflows.build import build_site
from tests.pg import BACKENDS, Cluster
from tests.portal.client import AppClient

TODAY = date(2026, 11, 23)
SLUGS = ("anshan", "anshan-weijian", "anyang", "dongli", "lvliang")
PASSWORD = "Kx7-lantern-harbor"
PEOPLE = {  # name → (role, departments)
    "admin": (users.Role.ADMIN, []),
    "clerk_a": (users.Role.CLERK, ["anshan"]),
    "clerk_b": (users.Role.CLERK, ["dongli"]),
    "inspector": (users.Role.INSPECTOR, []),
}


@dataclass(frozen=True)
class Built:
    """The demo data with a published site, ready to copy for each test that changes it."""

    root: Path


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("console-built")
    shutil.copytree(DEMO_CATALOGS, root / "catalogs")
    settings = _settings(root)
    build_site(settings.inputs, TODAY, settings.site, settings.src, index_dir=settings.index)
    with closing(connect(settings.database)) as db:
        for name, (role, departments) in PEOPLE.items():
            users.add_user(db, name, role, departments, PASSWORD, SLUGS)
    return Built(root)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames and getattr(metafunc.module, "BOTH_BACKENDS", False):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The console's database: "sqlite", or "postgresql" (parametrised in BOTH_BACKENDS modules)."""
    return str(getattr(request, "param", os.environ.get("JIAOZAO_TEST_BACKEND", "sqlite")))


@pytest.fixture(scope="session")
def people_database(postgres: Cluster) -> str:
    """The name of a PostgreSQL database with the console's schema and PEOPLE, the template of each test's."""
    url = postgres.create()
    with closing(open_postgres(url, check=False)) as db:
        schema.upgrade(db)
    with closing(connect(url)) as db:
        for name, (role, departments) in PEOPLE.items():
            users.add_user(db, name, role, departments, PASSWORD, SLUGS)
    return url.rsplit("/", 1)[1]


def _settings(root: Path, database_url: str = "", **extra: object) -> ConsoleSettings:
    """The console's settings over root; with database_url its state, the 登记簿 and the SMS outbox live there."""
    catalogs = root / "catalogs"
    inputs = Settings(
        catalogs,
        catalogs / "_ledgers",
        db=root / "var" / "登记簿.sqlite",
        out=root / "out",
        database_url=database_url,
    )
    return ConsoleSettings(
        inputs=inputs,
        database_url=database_url,
        site=root / "site",
        src=root / "src",
        index=root / "site-index",
        db=root / "var" / "console.sqlite",
        public_url="http://127.0.0.1:8000/",
        today=TODAY,
        **{"inputs_recheck": 0.0, **extra},  # type: ignore[arg-type]
    )  # fmt: skip  (a file a test edits by hand stands for an edit made before the next page: seen at once)


@pytest.fixture
def workdir(built: Built, tmp_path: Path) -> Path:
    """A private copy of the built data (catalogs, ledgers, site, index, console database)."""
    target = tmp_path / "w"
    shutil.copytree(built.root, target, symlinks=True)
    return target


@pytest.fixture
def settings(workdir: Path, backend: str, request: pytest.FixtureRequest) -> Iterator[ConsoleSettings]:
    if backend == "sqlite":
        yield _settings(workdir)
        return
    cluster: Cluster = request.getfixturevalue("postgres")
    url = cluster.create(template=request.getfixturevalue("people_database"))
    yield _settings(workdir, database_url=url)
    cluster.drop(url)


class Staff(AppClient):
    """An httpx client of the console that knows how to sign in and post forms with the CSRF token."""

    csrf = ""

    def __init__(self, app: Starlette, client_address: str = "203.0.113.9", https: bool = False) -> None:
        super().__init__(app, client_address)
        if https:
            self._client.base_url = httpx.URL("https://console.test")

    def sign_in(self, name: str, password: str = PASSWORD) -> httpx.Response:
        page = self.get("/login")
        token = re.search(r'name="token" value="([^"]+)"', page.text)
        assert token, page.text
        response = self.post("/login", data={"token": token.group(1), "name": name, "password": password})
        if response.status_code == 303:
            home = self.get("/")
            found = re.search(r'name="csrf" value="([^"]+)"', home.text)
            self.csrf = found.group(1) if found else ""
        return response

    def submit(self, url: str, data: dict[str, object] | None = None, **kwargs: object) -> httpx.Response:
        return self.post(url, data={"csrf": self.csrf, **(data or {})}, **kwargs)


@pytest.fixture
def app(settings: ConsoleSettings) -> Iterator[Starlette]:
    """The console with its publish worker running in this process."""
    application = create_app(settings)
    yield application
    application.state.console.close()


@pytest.fixture
def quiet_app(settings: ConsoleSettings) -> Iterator[Starlette]:
    """The console without its publish worker: a publish is queued, never run."""
    application = create_app(settings, start_jobs=False)
    yield application
    application.state.console.close()


Clients = Callable[..., "Staff"]


@pytest.fixture
def clients() -> Iterator[Clients]:
    """Make clients of an app, signed in as someone or not; all are closed at the end of the test."""
    made: list[Staff] = []

    def make(
        app: Starlette, name: str | None = None, address: str = "203.0.113.9", https: bool = False
    ) -> Staff:
        client = Staff(app, address, https)
        made.append(client)
        if name is not None:
            assert client.sign_in(name).status_code == 303
        return client

    yield make
    for client in made:
        client.close()


def text_of(html: str) -> str:
    """Return a page's text: tags dropped, runs of white space made one space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def edited_catalog(settings: ConsoleSettings, slug: str, cells: dict[tuple[int, int], object]) -> bytes:
    """Return the department's current catalog.xlsx with some cells changed ((row, column), 1-based as Excel)."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(settings.inputs.catalogs / slug / "catalog.xlsx")
    for (row, column), value in cells.items():
        book.active.cell(row, column).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def wait_for_job(client: Staff, location: str, seconds: float = 120) -> dict[str, object]:
    """Follow a job page's JSON twin until the job has finished; return its last state."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        state: dict[str, object] = client.get(location + ".json").json()
        if state["state"] in ("done", "failed") or time.monotonic() > deadline:
            return state
        time.sleep(0.2)
