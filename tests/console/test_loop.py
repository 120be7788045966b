"""续证闭环 in the console: accepting a 台账 that shows a reminded certificate renewed closes its reminders,
from the same workflow as `jiaozao remind`, naming the upload; the audit row says how many."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
from starlette.applications import Starlette

from console.settings import ConsoleSettings
from generator.reminders.registry import RegisteredCertificate, Registry, ReminderRecord
from generator.workflows.loop import BY_SYSTEM, CHANNEL
from tests.console.conftest import TODAY, Clients
from tests.console.test_ledger import audit_rows, edited_ledger, uploaded


def _told(settings: ConsoleSettings, row: int) -> RegisteredCertificate:
    """Record that the certificate of an Excel row of the demo 鞍山 台账 was told by phone; return it."""
    sheet = openpyxl.load_workbook(settings.inputs.ledgers / "anshan.xlsx").active
    holder, certificate, number = (str(sheet.cell(row, c).value or "") for c in (2, 3, 5))
    expires = sheet.cell(row, 7).value
    assert isinstance(expires, datetime)
    c = RegisteredCertificate("anshan", number, certificate, holder, expires.date())
    with Registry(settings.inputs.registry) as registry:
        registry.add([ReminderRecord(c, "首次", "电话", date(2026, 11, 2), "clerk_a", "已告知", "", "测试")])
    return c


def test_accepting_a_ledger_closes_a_renewed_certificate_as_renewed(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    told = _told(settings, 8)  # AS-13-2021-000266, expires 2026-11-28
    location = uploaded(clerk, edited_ledger(settings, {(8, 7): datetime(2029, 11, 28)}))
    upload = location.rsplit("/", 1)[-1]
    assert clerk.submit(location + "/accept").status_code == 303
    with Registry(settings.inputs.registry) as registry:
        closed = [r for r in registry.records("anshan") if r.channel == CHANNEL]
    assert {(r.certificate.key, r.kind, r.result, r.reminded_on, r.by_whom) for r in closed} == {
        (told.key, kind, "已续证", TODAY, BY_SYSTEM) for kind in ("首次", "二次", "临期")
    }
    assert all(f"工作台上传编号 {upload}" in r.source and "2029-11-28" in r.remark for r in closed)
    (detail,) = audit_rows(settings, "accept_ledger")
    assert "台账显示已续证 1 张、已申请延续 0 张" in detail


def test_the_loop_figures_link_to_their_certificates_and_match_the_download(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    told = _told(settings, 8)
    location = uploaded(clerk, edited_ledger(settings, {(8, 7): datetime(2029, 11, 28)}))
    assert clerk.submit(location + "/accept").status_code == 303
    span = "from=2026-11-01&to=2026-12-31"
    page = clerk.get(f"/supervision-loop?{span}")
    assert page.status_code == 200 and "合计（全省）" in page.text
    assert f'href="/supervision-loop/anshan/closed?{span.replace("&", "&amp;")}"' in page.text
    listing = clerk.get(f"/supervision-loop/anshan/closed?{span}")
    assert told.number in listing.text and f"{TODAY.isoformat()} 台账显示已续证" in listing.text
    assert clerk.get(f"/supervision-loop/dongli/closed?{span}").status_code == 403
    book = openpyxl.load_workbook(io.BytesIO(clerk.get(f"/supervision.xlsx?{span}").content))
    rows = [[c.value for c in row] for row in book["闭环"].iter_rows(min_row=3, max_col=6)]
    anshan = next(r for r in rows if r[0] and "鞍山" in str(r[0]))
    assert f">{anshan[2]}</a>" in page.text and anshan[2] >= 1
