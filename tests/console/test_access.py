"""Every route with every role: 科员 only their department, 督查 reads and changes nothing, 管理员 everything.

A refused request changes nothing: the test counts every table and reads the 目录 files before and after.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from console.app import create_app
from console.settings import ConsoleSettings
from console.store.audit import now_text
from console.store.db import connect
from generator.reminders.store import read_only
from tests.console.conftest import Clients

ROLES = ("anonymous", "clerk_a", "clerk_b", "inspector", "admin")
READERS_OF_ANSHAN = {"clerk_a", "inspector", "admin"}
CHANGERS_OF_ANSHAN = {"clerk_a", "admin"}
ADMINS = {"admin"}
STAFF_OF_ANSHAN = {"clerk_a"}  # who sees anshan's contacts (console/frame/privacy.py)
EVERYONE = {"clerk_a", "clerk_b", "inspector", "admin"}
D = "/departments/anshan"

# (method, path, who may) — {upload}, {ledger_upload}, {version}, {ledger_version}, {job} are filled in from the seeded rows.
ROUTES = [
    ("GET", "/", EVERYONE),
    ("GET", D, READERS_OF_ANSHAN),
    ("GET", D + "/catalog", READERS_OF_ANSHAN),
    ("GET", D + "/catalog/file", READERS_OF_ANSHAN),
    ("GET", D + "/catalog/template", READERS_OF_ANSHAN),
    ("GET", D + "/catalog/uploads/{upload}", READERS_OF_ANSHAN),
    ("GET", D + "/catalog/uploads/{upload}/problems.xlsx", READERS_OF_ANSHAN),
    ("GET", D + "/catalog/versions/{version}/file", READERS_OF_ANSHAN),
    ("GET", D + "/ledger", READERS_OF_ANSHAN),
    ("GET", D + "/sms", READERS_OF_ANSHAN),
    ("GET", D + "/unreachable", READERS_OF_ANSHAN),
    ("GET", D + "/unreachable.xlsx", READERS_OF_ANSHAN),
    ("GET", D + "/ledger/uploads/{ledger_upload}", READERS_OF_ANSHAN),
    ("GET", D + "/ledger/uploads/{ledger_upload}/problems.xlsx", READERS_OF_ANSHAN),
    ("GET", D + "/ledger/versions/{ledger_version}/file", STAFF_OF_ANSHAN),
    ("GET", D + "/facts", READERS_OF_ANSHAN),
    ("GET", "/jobs/{job}", READERS_OF_ANSHAN),
    ("GET", "/jobs/{job}.json", READERS_OF_ANSHAN),
    ("GET", D + "/today", READERS_OF_ANSHAN),
    ("GET", D + "/today?monthly=1&kind=二次&reach=短信&mobile=有", READERS_OF_ANSHAN),
    ("GET", D + "/today/worklist.xlsx", READERS_OF_ANSHAN),
    ("GET", D + "/today/sms.csv", READERS_OF_ANSHAN),
    ("GET", D + "/today/letters", READERS_OF_ANSHAN),
    ("GET", D + "/today/letters/1", READERS_OF_ANSHAN),
    ("GET", D + "/records", READERS_OF_ANSHAN),
    ("GET", D + "/records.xlsx", READERS_OF_ANSHAN),
    ("GET", D + "/certificates/AS-03-2021-000088", READERS_OF_ANSHAN),
    ("GET", "/users", ADMINS),
    ("GET", "/audit", ADMINS),
    ("GET", "/settings", ADMINS),
    ("GET", "/holidays", ADMINS),
    ("GET", "/holidays/previews/{holidays_preview}", ADMINS),
    ("GET", "/supervision", EVERYONE),
    ("GET", "/supervision.xlsx", EVERYONE),
    ("GET", "/supervision/anshan", READERS_OF_ANSHAN),
    ("GET", "/supervision/anshan/not-done", READERS_OF_ANSHAN),
    ("GET", "/supervision/_all/due", EVERYONE),
    ("GET", "/supervision-loop", EVERYONE),
    ("GET", "/supervision-loop/anshan/closed", READERS_OF_ANSHAN),
    ("GET", "/supervision-loop/_all/unreachable", EVERYONE),
    ("POST", D + "/certificates/AS-03-2021-000088/contact", CHANGERS_OF_ANSHAN),
    ("POST", D + "/ledger/hand", CHANGERS_OF_ANSHAN),
    ("POST", D + "/today/contact", CHANGERS_OF_ANSHAN),
    ("POST", D + "/ledger/hand/1/remove", CHANGERS_OF_ANSHAN),
    ("POST", D + "/catalog", CHANGERS_OF_ANSHAN),
    ("POST", D + "/catalog/uploads/{upload}/publish", CHANGERS_OF_ANSHAN),
    ("POST", D + "/catalog/versions/{version}/restore", CHANGERS_OF_ANSHAN),
    ("POST", D + "/ledger", CHANGERS_OF_ANSHAN),
    ("POST", D + "/ledger/uploads/{ledger_upload}/accept", CHANGERS_OF_ANSHAN),
    ("POST", D + "/ledger/versions/{ledger_version}/restore", CHANGERS_OF_ANSHAN),
    ("POST", D + "/facts", CHANGERS_OF_ANSHAN),
    ("POST", D + "/today/record", CHANGERS_OF_ANSHAN),
    ("POST", D + "/today/worklist", CHANGERS_OF_ANSHAN),
    ("POST", D + "/today/sms", CHANGERS_OF_ANSHAN),
    ("POST", D + "/today/files", STAFF_OF_ANSHAN),
    ("POST", D + "/today/email", CHANGERS_OF_ANSHAN),
    ("POST", D + "/records/1/correct", CHANGERS_OF_ANSHAN),
    ("POST", "/users", ADMINS),
    ("POST", "/settings", ADMINS),
    ("POST", "/holidays/preview", ADMINS),
    ("POST", "/holidays/previews/{holidays_preview}/import", ADMINS),
    ("POST", "/users/nobody/disable", ADMINS),
    ("POST", "/users/nobody/password", ADMINS),
    ("POST", "/logout", EVERYONE),
]

BOTH_BACKENDS = True  # every test using the console's database runs on SQLite and on PostgreSQL


HOLIDAYS_PREVIEW = (
    '{"preview": {"title": "t", "table": [], "counts": "c", "replaced": [], "cleared": [], "impact": [], '
    '"impact_note": "", "unchanged": false, "written": false}, "holidays_sha256": "x"}'
)


@pytest.fixture
def seeded(settings: ConsoleSettings) -> dict[str, int]:
    """An anshan 目录 upload with an error, a ledger upload with no usable row, a version and a finished job."""
    db = connect(settings.database)
    ids: dict[str, int] = {}
    for key, kind, report in (
        ("upload", "catalog", '{"rows": 0, "problems": [{"level": "错误", "file": "f", "row": "5", "column": "c", "value": "v", "message": "m", "fix": "x", "is_error": true}]}'),
        ("ledger_upload", "ledger", '{"rows_read": 1, "accepted": 0, "problems": []}'),
        ("holidays_preview", "holidays", HOLIDAYS_PREVIEW),
    ):  # fmt: skip
        cursor = db.execute(
            "INSERT INTO uploads (department, kind, ext, sha256, content, client_name, user, created_at, report) "
            "VALUES (?, ?, 'csv', 'x', x'00', 'a.csv', 'admin', ?, ?)",
            ("" if kind == "holidays" else "anshan", kind, now_text(), report),
        )
        ids[key] = int(cursor.lastrowid or 0)
    content = (settings.inputs.catalogs / "anshan" / "catalog.xlsx").read_bytes()
    cursor = db.execute(
        "INSERT INTO catalog_versions (department, ext, sha256, content, user, created_at, state) "
        "VALUES ('anshan', 'xlsx', 'x', ?, 'admin', ?, 'published')",
        (content, now_text()),
    )
    ids["version"] = int(cursor.lastrowid or 0)
    cursor = db.execute(
        "INSERT INTO catalog_versions (department, kind, ext, sha256, content, user, created_at, state) "
        "VALUES ('anshan', 'ledger', 'xlsx', 'x', ?, 'admin', ?, 'published')",
        ((settings.inputs.ledgers / "anshan.xlsx").read_bytes(), now_text()),
    )
    ids["ledger_version"] = int(cursor.lastrowid or 0)
    cursor = db.execute(
        "INSERT INTO jobs (kind, department, user, created_at, state, stage, percent) "
        "VALUES ('catalog', 'anshan', 'admin', ?, 'done', '完成', 100)",
        (now_text(),),
    )
    ids["job"] = int(cursor.lastrowid or 0)
    db.close()
    return ids


def snapshot(settings: ConsoleSettings) -> tuple[object, ...]:
    """Return everything a change could touch: table sizes, users' state, the 目录 and 台账 files."""
    with closing(connect(settings.database)) as db:
        tables = tuple(
            db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("uploads", "catalog_versions", "jobs")
        )
        people = tuple(
            tuple(r) for r in db.execute("SELECT name, disabled, password FROM users ORDER BY name")
        )
    files = tuple(
        (str(p), hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(settings.inputs.catalogs.rglob("*"))
        if p.is_file()
    )
    return tables, people, files, registry_rows(settings)


def registry_rows(settings: ConsoleSettings) -> tuple[object, ...]:
    """Return every row of the 登记簿, in its file or in PostgreSQL (empty when there is none yet)."""
    db = read_only(settings.inputs.registry)
    if db is None:
        return ()
    try:
        return tuple(tuple(row) for row in db.execute("SELECT * FROM reminders ORDER BY id"))
    except sqlite3.OperationalError:  # a file with no records table yet
        return ()
    finally:
        db.close()


@pytest.mark.parametrize("role", ROLES)
def test_every_route_with_every_role(
    quiet_app: Starlette, settings: ConsoleSettings, seeded: dict[str, int], role: str, clients: Clients
) -> None:
    outcomes = []
    client = clients(quiet_app, None if role == "anonymous" else role)  # /logout, which ends it, comes last
    for method, template, allowed in ROUTES:
        path = template.format(**seeded)
        before = snapshot(settings)
        response = client.get(path) if method == "GET" else client.submit(path, {"name": "", "role": "科员"})
        if role == "anonymous":
            expected = "303→/login" if method == "GET" else "403"
            got = (
                f"303→{response.headers.get('location', '').split('?')[0]}"
                if response.status_code == 303
                else str(response.status_code)
            )
        else:
            expected = "allowed" if role in allowed else "403"
            got = (
                "403"
                if response.status_code == 403
                else ("allowed" if response.status_code < 500 else str(response.status_code))
            )
        if got == "403":
            assert snapshot(settings) == before, f"{role} {method} {path} was refused but changed something"
            assert "没有权限" in response.text or "请先登录" in response.text
        outcomes.append((method, path, expected, got))
    wrong = [o for o in outcomes if o[2] != o[3]]
    assert not wrong, wrong


def test_a_clerk_cannot_reach_another_departments_upload_through_their_own_address(
    quiet_app: Starlette, seeded: dict[str, int], clients: Clients
) -> None:
    clerk_b = clients(quiet_app, "clerk_b")
    assert clerk_b.get(f"/departments/dongli/catalog/uploads/{seeded['upload']}").status_code == 404
    assert clerk_b.get(f"/departments/dongli/catalog/versions/{seeded['version']}/file").status_code == 404
    assert clerk_b.get("/departments/nowhere/catalog").status_code == 404
    assert clerk_b.get("/departments/dongli/catalog").status_code == 200


def test_a_post_without_the_right_csrf_token_is_refused_and_changes_nothing(
    quiet_app: Starlette, settings: ConsoleSettings, seeded: dict[str, int], clients: Clients
) -> None:
    admin, other = clients(quiet_app, "admin"), clients(quiet_app, "clerk_a")
    before = snapshot(settings)
    restore = f"{D}/catalog/versions/{seeded['version']}/restore"
    for token in ("", "forged", other.csrf):  # none, made up, another user's session's
        response = admin.post(restore, data={"csrf": token})
        assert response.status_code == 403 and "表单已失效" in response.text
        response = admin.post("/users", data={"csrf": token, "name": "mallory", "role": "管理员",
                                              "password": "Unusual-phrase-42", "password2": "Unusual-phrase-42"})  # fmt: skip
        assert response.status_code == 403
    assert admin.post(restore).status_code == 403
    assert snapshot(settings) == before


def test_the_sign_in_form_needs_its_own_token(quiet_app: Starlette, clients: Clients) -> None:
    client = clients(quiet_app)
    response = client.post("/login", data={"name": "admin", "password": "Kx7-lantern-harbor"})
    assert response.status_code == 403
    assert client.get("/").status_code == 303


def test_error_pages_are_chinese_and_json_errors_have_the_portal_shape(
    quiet_app: Starlette, clients: Clients
) -> None:
    admin = clients(quiet_app, "admin")
    page = admin.get("/no/such/page")
    assert page.status_code == 404 and "没有找到" in page.text and "Traceback" not in page.text
    data = admin.get("/jobs/999999.json")
    assert data.status_code == 404
    assert set(data.json()["error"]) == {"status", "code", "message", "hint"}
    assert admin.request("PUT", "/users").status_code == 405


def test_security_headers_on_every_page(quiet_app: Starlette, clients: Clients) -> None:
    admin = clients(quiet_app, "admin")
    for path in ("/login", "/", f"{D}/ledger", "/users", "/no/such/page"):
        headers = admin.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["cache-control"] == "no-store"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_cookies_are_httponly_strict_and_secure_behind_https(
    settings: ConsoleSettings, clients: Clients
) -> None:
    for https in (False, True):
        app = create_app(replace(settings, https=https), start_jobs=False)
        response = clients(app, https=https).sign_in("admin")
        assert response.status_code == 303
        cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "login=" not in v)
        assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Path=/" in cookie
        assert ("Secure" in cookie) is https
        assert cookie.startswith("__Host-jiaozao=") is https
        assert "strict-transport-security" in response.headers if https else True
        app.state.console.close()


def test_the_portal_never_imports_the_console() -> None:
    portal = Path(__file__).resolve().parents[2] / "portal"
    for source in portal.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "import console" not in text and "from console" not in text, source


# POSTs that carry no session: the sign-in form (its own token) and the SMS platforms' receipt pushes (a secret
# in the address, compared in constant time).
WITHOUT_SESSION = {"/login", "/sms/receipts/{provider}/{secret}"}


def _routes(app: Starlette) -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in app.routes
        if isinstance(route, Route)
        for method in (route.methods or ()) - {"HEAD"}
    }


def test_every_route_of_the_console_is_in_the_access_table(quiet_app: Starlette) -> None:
    """A new page cannot skip the role checks above: the table must name every route the app has."""

    def listed(method: str, route: str) -> bool:
        pattern = re.sub(
            r"\\\{[^}]+\\\}", "[^/]+", re.escape(route)
        )  # a {name} of the route: any one segment
        return any(m == method and re.fullmatch(pattern, path) for m, path, _ in ROUTES)

    missing = [(m, p) for m, p in sorted(_routes(quiet_app)) if p not in WITHOUT_SESSION and not listed(m, p)]
    assert not missing


def test_every_post_of_the_console_checks_the_form_token(
    quiet_app: Starlette, settings: ConsoleSettings, seeded: dict[str, int], clients: Clients
) -> None:
    """Each POST route of the app, as the administrator without the form's token: refused, nothing changed."""
    admin = clients(quiet_app, "admin")
    before = snapshot(settings)
    accepted = []
    for method, path in sorted(_routes(quiet_app)):
        if method != "POST" or path in WITHOUT_SESSION or path == "/logout":
            continue
        filled = re.sub(r"\{[^}]+\}", lambda m: "anshan" if m.group(0) == "{slug}" else "1", path)
        response = admin.post(filled, data={"csrf": "forged", "name": "x"})
        if response.status_code < 400:
            accepted.append((path, response.status_code))
    assert not accepted
    assert snapshot(settings) == before
