"""Every refused request is in the audit log (who or 未登录, address, path, why), and a flood stays bounded."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing

from starlette.applications import Starlette

from console.frame.refusals import PER_ADDRESS
from console.settings import ConsoleSettings
from console.store.audit import now_text
from console.store.db import connect
from tests.console.conftest import Clients, Staff

BOTH_BACKENDS = True  # every test using the console's database runs on SQLite and on PostgreSQL


def _rows(settings: ConsoleSettings, address: str) -> list[sqlite3.Row]:
    with closing(connect(settings.database)) as db:
        return db.execute("SELECT * FROM audit WHERE address = ? ORDER BY id", (address,)).fetchall()


def _anshan_upload(settings: ConsoleSettings) -> int:
    with closing(connect(settings.database)) as db:
        cursor = db.execute(
            "INSERT INTO uploads (department, kind, ext, sha256, content, client_name, user, created_at, report) "
            "VALUES ('anshan', 'catalog', 'csv', 'x', x'00', 'a.csv', 'clerk_a', ?, '{}')",
            (now_text(),),
        )
        return int(cursor.lastrowid or 0)


def test_each_kind_of_refusal_leaves_one_row_with_who_where_and_why(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    upload = _anshan_upload(settings)
    clerk_b = clients(quiet_app, "clerk_b", address="198.51.100.31")
    stranger = clients(quiet_app, address="198.51.100.32")
    answers = {
        "csrf": clerk_b.post("/logout", data={"csrf": "forged"}),
        "other department's id": clerk_b.get(f"/departments/dongli/catalog/uploads/{upload}"),
        "forbidden": clerk_b.get("/departments/anshan/catalog"),
        "405": clerk_b.request("DELETE", "/users"),
        "signed out": stranger.post("/departments/anshan/catalog", data={"csrf": "x"}),
        "405 signed out": stranger.request("PUT", "/login"),
    }
    assert [r.status_code for r in answers.values()] == [403, 404, 403, 405, 403, 405]
    mine = [r for r in _rows(settings, "198.51.100.31") if r["action"] != "login"]
    assert [(r["user"], r["action"], r["detail"]) for r in mine] == [
        ("clerk_b", "refused", "表单已失效或来源不明，没有做任何修改：POST /logout"),
        ("clerk_b", "refused", f"没有找到这次上传：GET /departments/dongli/catalog/uploads/{upload}"),
        ("clerk_b", "forbidden", "您没有权限查看或修改这里的内容：GET /departments/anshan/catalog"),
        ("clerk_b", "refused", "不支持这种请求方式：DELETE /users"),
    ]
    theirs = _rows(settings, "198.51.100.32")
    assert [(r["user"], r["action"], r["detail"]) for r in theirs] == [
        ("未登录", "refused", "请先登录，再提交：POST /departments/anshan/catalog"),
        ("未登录", "refused", "不支持这种请求方式：PUT /login"),
    ]
    admin = clients(quiet_app, "admin")
    assert "请求被拒绝" in admin.get("/audit").text


def test_a_thousand_refused_requests_from_one_address_leave_a_bounded_number_of_rows(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    flood = "198.51.100.40"

    def refused(n: int) -> int:
        with Staff(quiet_app, flood) as client:
            codes = {client.post(f"/departments/anshan/catalog?n={i}").status_code for i in range(n)}
            codes |= {client.request("PATCH", f"/?n={i}").status_code for i in range(n)}
        assert codes == {403, 405}
        return 2 * n

    with ThreadPoolExecutor(4) as pool:
        assert sum(pool.map(refused, [125] * 4)) == 1000
    assert len(_rows(settings, flood)) == PER_ADDRESS
    other = clients(quiet_app, address="198.51.100.41")
    assert other.post("/logout").status_code == 403  # another address is still written down
    assert len(_rows(settings, "198.51.100.41")) == 1
    quiet_app.state.console.close()  # the minute ends with the console at the latest: the count is written
    rows = _rows(settings, flood)
    assert len(rows) == PER_ADDRESS + 1
    assert rows[-1]["action"] == "refused_left_out" and f"另有 {1000 - PER_ADDRESS} 次" in rows[-1]["detail"]
