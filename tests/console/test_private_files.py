"""The console's files with personal data are the server account's only, whatever the umask: its database (and
the -wal/-shm beside it), the publish queue, an accepted 台账, the day's files a clerk downloads, the 登记簿;
the public site it publishes stays readable."""

from __future__ import annotations

import io

import openpyxl
import pytest

from console.app import create_app
from console.settings import ConsoleSettings
from tests.console.conftest import Clients, wait_for_job
from tests.console.today_helpers import holder_forms
from tests.modes import database_files, loose_umask, mode, not_private

pytestmark = pytest.mark.parametrize(
    "backend", ["sqlite"], indirect=True
)  # file modes of the SQLite files that hold personal data

D = "/departments/anshan"


def test_upload_accept_and_record_leave_private_files(settings: ConsoleSettings, clients: Clients) -> None:
    settings.db.chmod(0o644)  # as an earlier version left it
    with loose_umask():
        app = create_app(settings)
        try:
            clerk = clients(app, "clerk_a")
            book = openpyxl.load_workbook(settings.inputs.ledgers / "anshan.xlsx")
            book.active.cell(4, 2).value = "鞍山新名字科技有限公司"
            content = io.BytesIO()
            book.save(content)
            upload = clerk.submit(f"{D}/ledger", files={"file": ("导出.xlsx", content.getvalue())})
            job = clerk.submit(upload.headers["location"] + "/accept").headers["location"]
            assert wait_for_job(clerk, job)["state"] == "done"
            assert clerk.submit(f"{D}/today/files").status_code in (200, 303)  # a clerk makes the day's files
            assert clerk.get(f"{D}/today/worklist.xlsx").status_code == 200
            assert clerk.get(f"{D}/today/sms.csv").status_code == 200
            picks = holder_forms(clerk.get(f"{D}/today").text)[0]
            answer = clerk.submit(f"{D}/today/record", {"c": picks, "result": "已告知", "channel": "电话"})
            assert answer.status_code == 303
        finally:
            app.state.console.close()
    assert mode(settings.inputs.ledgers / "anshan.xlsx") == 0o600
    for database in (settings.db, settings.queue_db, settings.inputs.db):
        files = database_files(database)
        assert files and {mode(p) for p in files} == {0o600}, [(p, oct(mode(p))) for p in files]
    assert mode(settings.db.parent) == 0o700
    assert not (settings.db.parent / "console-ledgers").exists()  # one department's 台账 is read in place
    day = settings.inputs.out / "remind"
    assert any(p.name == "短信.csv" for p in day.rglob("*")) and not not_private(settings.inputs.out)
    published = settings.site / "index.html"
    assert (
        mode(published) & 0o044 == 0o044 and mode(settings.site) & 0o055 == 0o055
    )  # public: readable by all
