"""续证闭环 in the console: accepting a 台账 that shows a reminded certificate renewed closes its reminders,
from the same workflow as `jiaozao remind`, naming the upload; the audit row says how many."""

from __future__ import annotations

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
    with Registry(settings.inputs.db) as registry:
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
    with Registry(settings.inputs.db) as registry:
        closed = [r for r in registry.records("anshan") if r.channel == CHANNEL]
    assert {(r.certificate.key, r.kind, r.result, r.reminded_on, r.by_whom) for r in closed} == {
        (told.key, kind, "已续证", TODAY, BY_SYSTEM) for kind in ("首次", "二次")
    }
    assert all(f"工作台上传编号 {upload}" in r.source and "2029-11-28" in r.remark for r in closed)
    (detail,) = audit_rows(settings, "accept_ledger")
    assert "台账显示已续证 1 张、已申请延续 0 张" in detail
