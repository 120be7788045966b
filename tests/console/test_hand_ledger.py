"""手工补录 in the console: the clerk adds a certificate on the 台账 page (checked as an uploaded row), it is
listed, scheduled with the 台账, removable, audited; another department's clerk cannot add one."""

from __future__ import annotations

import openpyxl
from starlette.applications import Starlette

from console.settings import ConsoleSettings
from tests.console.conftest import Clients, text_of
from tests.console.test_ledger import L, audit_rows


def test_a_clerk_adds_lists_and_removes_a_certificate_by_hand(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    certificate = str(openpyxl.load_workbook(settings.inputs.ledgers / "anshan.xlsx").active.cell(4, 3).value)
    form = {"holder": "鞍山补录测试有限公司", "certificate": certificate, "number": "HAND-0001",
            "expires": "2027-06-30", "contact": "周", "phone": "13900000001", "email": "", "status": ""}  # fmt: skip
    bad = clerk.submit(f"{L}/hand", {**form, "certificate": "不存在的证照"})
    assert bad.status_code == 400 and "证照名称" in text_of(bad.text)
    assert clients(quiet_app, "clerk_b").submit(f"{L}/hand", form).status_code == 403
    assert clerk.submit(f"{L}/hand", form).status_code == 303
    page = clerk.get(L).text
    assert "手工补录的证照（1 张）" in page and "HAND-0001" in page
    assert "HAND-0001" in clerk.get("/departments/anshan/certificates/HAND-0001").text  # read with the 台账
    assert any("HAND-0001" in d for d in audit_rows(settings, "add_certificate"))
    assert clerk.submit(f"{L}/hand/1/remove").status_code == 303
    assert "手工补录的证照（0 张）" in clerk.get(L).text
    assert clerk.submit(f"{L}/hand/1/remove").status_code == 400
