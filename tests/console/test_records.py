"""登记簿 in the console: search, a certificate's page, export as .xlsx; e-mail over a real SMTP server."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from starlette.applications import Starlette

from console.app import create_app
from console.settings import ConsoleSettings
from generator.reminders.mail import SmtpSettings
from generator.reminders.registry import Registry
from tests.browser import free_port
from tests.console.conftest import Clients
from tests.console.today_helpers import holder_forms
from tests.generator.reminders.test_mail import Inbox

D = "/departments/anshan"
BOTH_BACKENDS = True  # the 登记簿 and the SMS outbox in SQLite files, then in PostgreSQL


def _record(client: object, picks: list[str], result: str, remark: str = "") -> None:
    response = client.submit(  # type: ignore[attr-defined]
        f"{D}/today/record", {"c": picks, "result": result, "channel": "电话", "remark": remark}
    )
    assert response.status_code == 303


@pytest.fixture
def recorded(quiet_app: Starlette, clients: Clients) -> tuple[object, list[list[str]]]:
    clerk = clients(quiet_app, "clerk_a")
    forms = holder_forms(clerk.get(f"{D}/today").text)[:3]
    _record(clerk, forms[0], "已告知", "=1+1")  # a formula-like remark stays text in the export
    _record(clerk, forms[1], "未接通")
    _record(clerk, forms[2], "号码有误", "空号")
    return clerk, forms


def test_search_by_number_holder_dates_and_result(recorded: tuple[object, list[list[str]]]) -> None:
    clerk, forms = recorded
    number = forms[1][0].split("\t")[0]
    every = clerk.get(f"{D}/records")  # type: ignore[attr-defined]
    assert every.status_code == 200 and every.headers["cache-control"] == "no-store"
    total = int(re.search(r"符合条件 (\d+) 条", every.text).group(1))  # type: ignore[union-attr]
    assert total == sum(len(f) for f in forms)
    by_number = clerk.get(f"{D}/records?number={number}")  # type: ignore[attr-defined]
    assert "符合条件 1 条" in by_number.text and "未接通" in by_number.text
    by_result = clerk.get(f"{D}/records?result=号码有误")  # type: ignore[attr-defined]
    assert f"符合条件 {len(forms[2])} 条" in by_result.text and "空号" in by_result.text
    assert "符合条件 0 条" in clerk.get(f"{D}/records?start=2026-11-24").text  # type: ignore[attr-defined]
    assert f"符合条件 {total} 条" in clerk.get(f"{D}/records?start=2026-11-23&end=2026-11-23").text  # type: ignore[attr-defined]
    holder = re.search(r'data-label="持证单位">([^<]+)<', by_number.text).group(1)  # type: ignore[union-attr]
    assert "符合条件 0 条" not in clerk.get(f"{D}/records", params={"holder": holder[:4]}).text  # type: ignore[attr-defined]
    assert clerk.get(f"{D}/records?start=not-a-date&result=乱写").status_code == 200  # type: ignore[attr-defined]
    first = clerk.get(f"{D}/records?page=1").text  # type: ignore[attr-defined]
    assert "第 1 / 1 页" in first and clerk.get(f"{D}/records?page=99").status_code == 200  # type: ignore[attr-defined]


def test_a_certificates_page_shows_its_dates_and_every_reminder(
    recorded: tuple[object, list[list[str]]],
) -> None:
    clerk, forms = recorded
    number = forms[0][0].split("\t")[0]
    page = clerk.get(f"{D}/certificates/{number}")  # type: ignore[attr-defined]
    assert page.status_code == 200 and "首次提醒日期" in page.text and "期满日期" in page.text
    assert "已告知" in page.text and "clerk_a" in page.text and "电话" in page.text
    assert clerk.get(f"{D}/certificates/NO-SUCH").status_code == 404  # type: ignore[attr-defined]


def test_the_export_is_the_filtered_list_with_text_kept_as_text(
    recorded: tuple[object, list[list[str]]],
) -> None:
    clerk, forms = recorded
    response = clerk.get(f"{D}/records.xlsx?result=已告知")  # type: ignore[attr-defined]
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("记录编号", "证照编号", "持证单位（个人）", "证照名称")
    assert len(rows) - 1 == len(forms[0]) and {r[9] for r in rows[1:]} == {"已告知"}
    remark = sheet.cell(2, 11)
    assert remark.value == "=1+1" and remark.data_type == "s"


class _Smtp:
    def __init__(self) -> None:
        self.inbox, self.port = Inbox(), free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)


@pytest.fixture
def smtp() -> Iterator[_Smtp]:
    server = _Smtp()
    server.controller.start()
    yield server
    server.controller.stop()


def _mail_app(settings: ConsoleSettings, port: int) -> Starlette:
    mail = SmtpSettings("127.0.0.1", port, False, "", "", "jiaozao@bureau.example", 2)
    return create_app(replace(settings, smtp=mail), start_jobs=False)


def test_the_days_emails_are_sent_over_smtp_and_each_one_sent_is_recorded(
    settings: ConsoleSettings, smtp: _Smtp, clients: Clients
) -> None:
    app = _mail_app(settings, smtp.port)
    try:
        clerk = clients(app, "clerk_b")
        page = clerk.get("/departments/dongli/today")
        count = int(re.search(r"发送今天的 (\d+) 封邮件", page.text).group(1))  # type: ignore[union-attr]
        sent = clerk.submit("/departments/dongli/today/email")
        assert sent.status_code == 200 and f"已发送并登记 {count} 封；失败 0 封" in sent.text
        assert len(smtp.inbox.messages) == count
        with Registry(settings.inputs.registry) as registry:
            mailed = {r.certificate.holder for r in registry.records("dongli") if r.channel == "电子邮件"}
        assert len(mailed) == count
        again = clerk.submit("/departments/dongli/today/email")  # the ones sent have left the list
        assert "已发送并登记 0 封" in again.text and len(smtp.inbox.messages) == count
    finally:
        app.state.console.close()


def test_nothing_is_marked_sent_when_the_server_is_down(settings: ConsoleSettings, clients: Clients) -> None:
    app = _mail_app(settings, free_port())  # nothing listens there
    try:
        clerk = clients(app, "clerk_b")
        sent = clerk.submit("/departments/dongli/today/email")
        assert (
            sent.status_code == 200 and "已发送并登记 0 封" in sent.text and "无法连接邮件服务器" in sent.text
        )
        with Registry(settings.inputs.registry) as registry:
            assert registry.records("dongli") == []
    finally:
        app.state.console.close()
