"""联系方式更正 in the console: the department's clerk corrects a number on the certificate page; 今日提醒 and
the certificate page use it; a newer 台账 with another number is shown on its upload preview; each is audited."""

from __future__ import annotations

import re

import openpyxl
from starlette.applications import Starlette

from console.settings import ConsoleSettings
from generator.reminders.registry import RegisteredCertificate
from generator.reminders.smsoutbox import CANCELLED, Candidate, SmsOutbox
from tests.console.conftest import TODAY, Clients, text_of
from tests.console.test_ledger import audit_rows, edited_ledger, uploaded

FIXED = "13911112222"


def test_a_clerk_corrects_a_number_used_everywhere_until_a_newer_ledger_overrides_it(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    sheet = openpyxl.load_workbook(settings.inputs.ledgers / "anshan.xlsx").active
    number, old = str(sheet.cell(8, 5).value), str(sheet.cell(8, 9).value)
    page = f"/departments/anshan/certificates/{number}"
    assert 'name="field"' in clerk.get(page).text
    refused = clerk.submit(page + "/contact", {"field": "phone", "value": "=1+1"})
    assert refused.status_code == 400 and "不像电话号码" in text_of(refused.text)
    assert (
        clients(quiet_app, "clerk_b")
        .submit(page + "/contact", {"field": "phone", "value": FIXED})
        .status_code
        == 403
    )
    c = RegisteredCertificate(
        "anshan", number, str(sheet.cell(8, 3).value), str(sheet.cell(8, 2).value), TODAY
    )
    to_old = Candidate("anshan", c.holder, old, "签名", "SMS_1", (), "提醒", ((c, "首次"),))
    with SmsOutbox(settings.inputs.registry) as outbox:  # a message to the wrong number, not sent yet
        assert outbox.queue(TODAY, [to_old], 10) == []
    done = clerk.submit(page + "/contact", {"field": "phone", "value": FIXED})
    assert done.status_code == 303 and done.headers["location"] == page
    assert FIXED in clerk.get(page).text
    with SmsOutbox(settings.inputs.registry) as outbox:
        assert [m.state for m in outbox.messages("anshan")] == [CANCELLED]  # the new number gets it instead
    assert FIXED in clerk.get("/departments/anshan/today").text
    (detail,) = audit_rows(settings, "correct_contact")
    assert number in detail and "联系方式" in detail and FIXED not in detail and old not in detail
    preview = clerk.get(uploaded(clerk, edited_ledger(settings, {(8, 9): "13700000000"})))
    said = text_of(preview.text)
    assert "这份台账改变了工作人员更正过的联系方式（1 处）" in said
    assert f"更正为“{FIXED}”，新台账为“13700000000”，现按新台账提醒" in said


def test_a_household_card_on_today_corrects_its_certificates(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    today = clerk.get("/departments/anshan/today").text
    card = re.search(
        r'name="card" value="(\d+)">\s*((?:<input type="hidden" name="n" value="[^"]+">)+)', today
    )
    assert card is not None
    numbers = re.findall(r'name="n" value="([^"]+)"', card.group(2))
    data = {"card": card.group(1), "n": numbers, "field": "contact", "value": "王前台"}
    done = clerk.submit("/departments/anshan/today/contact", data)
    assert done.status_code == 303 and done.headers["location"].endswith(f"#h{card.group(1)}")
    assert "王前台" in clerk.get(f"/departments/anshan/certificates/{numbers[0]}").text
    assert len(audit_rows(settings, "correct_contact")) == len(numbers)
