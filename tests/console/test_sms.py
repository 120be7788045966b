"""短信平台 in the console: the day's batch page, sending by itself on working days, and receipt pushes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path

import pytest
from starlette.applications import Starlette

from console.app import create_app
from console.background import sms_auto, sms_early
from console.settings import ConsoleConfigError, ConsoleSettings
from console.store import audit
from console.store.db import connect
from generator.reminders.registry import RegisteredCertificate, Registry
from generator.reminders.smsoutbox import Candidate, Message, SmsOutbox
from generator.sms.settings import SmsSettings
from tests.console.conftest import TODAY, Clients, text_of
from tests.smsfake import FakeSms

BOTH_BACKENDS = True  # the 登记簿 and the SMS outbox in SQLite files, then in PostgreSQL
SECRET = "s" * 32
TEMPLATE = """
短信签名: 鞍山审批
短信模板编号: SMS_100
短信模板参数:
  name: '{持证人}'
  cert: '{证照}'
  date: '{期满日期}'
"""


def _platform(settings: ConsoleSettings, provider: str = "aliyun", endpoint: str = "") -> ConsoleSettings:
    yaml = settings.inputs.catalogs / "anshan" / "department.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + TEMPLATE, encoding="utf-8")
    sms = SmsSettings(provider, endpoint or "http://127.0.0.1:9", "id", "key", "1400000000", 3, 2.0)
    return replace(settings, sms=sms, sms_push_secret=SECRET)


@pytest.fixture
def fake() -> Iterator[FakeSms]:
    platform = FakeSms("aliyun")
    platform.start()
    yield platform
    platform.stop()


@pytest.fixture
def on_fake(settings: ConsoleSettings, fake: FakeSms) -> ConsoleSettings:
    return _platform(settings, endpoint=f"http://127.0.0.1:{fake.server.server_address[1]}")


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute))


def _audit(settings: ConsoleSettings, action: str) -> list[str]:
    with closing(connect(settings.database)) as db:
        return [e.detail for e in audit.search(db, action=action)]


# -- sending by itself -------------------------------------------------------------------------------------


def test_sends_once_at_the_set_time_on_a_working_day_then_pulls_receipts(
    on_fake: ConsoleSettings, fake: FakeSms
) -> None:
    with closing(connect(on_fake.database)) as db:
        assert sms_auto.tick(on_fake, db, _at(TODAY, 9, 29)) == ""
        assert fake.sent == []
        assert sms_auto.tick(on_fake, db, _at(TODAY, 9, 30)).startswith("已提交")
        sent = len(fake.sent)
        assert sent > 0 and set(fake.per_number().values()) == {1}
        assert sms_auto.tick(on_fake, db, _at(TODAY, 9, 31)) == ""  # the day's batch went: not again
        assert sms_auto.tick(on_fake, db, _at(TODAY, 14, 0)).startswith("已送达")  # receipts, N minutes on
        assert len(fake.sent) == sent
    assert _audit(on_fake, "sms_send") and _audit(on_fake, "sms_receipts")
    with Registry(on_fake.inputs.registry) as registry:
        delivered = [r for r in registry.records() if r.result == "已送达"]
    assert len(delivered) >= sent and {r.by_whom for r in delivered} == {"短信平台（阿里云）"}


def test_nothing_on_a_rest_day_nor_after_eight_in_the_evening(
    on_fake: ConsoleSettings, fake: FakeSms
) -> None:
    saturday = date(2026, 11, 28)
    with closing(connect(on_fake.database)) as db:
        assert sms_auto.tick(replace(on_fake, today=saturday), db, _at(saturday, 10, 0)) == ""
        assert sms_auto.tick(on_fake, db, _at(TODAY, 20, 1)) == ""
    assert fake.sent == [] and fake.calls == 0


def test_a_balance_error_stops_the_batch_shows_a_banner_and_is_tried_again(
    on_fake: ConsoleSettings, fake: FakeSms, clients: Clients
) -> None:
    fake.refuse_call = [("isv.AMOUNT_NOT_ENOUGH", "余额不足")]
    with closing(connect(on_fake.database)) as db:
        sms_auto.tick(on_fake, db, _at(TODAY, 9, 30))
        assert fake.sent == [] and "充值" in sms_auto.alert(db)
        assert sms_auto.tick(on_fake, db, _at(TODAY, 9, 45)) == ""  # not every minute
    app = create_app(on_fake, start_jobs=False)
    try:
        assert "短信自动发送已停止" in clients(app, "admin").get("/").text
        assert "短信自动发送已停止" not in clients(app, "clerk_a").get("/").text
    finally:
        app.state.console.close()
    assert len(_audit(on_fake, "sms_stopped")) == 1
    with closing(connect(on_fake.database)) as db:
        assert sms_auto.tick(on_fake, db, _at(TODAY, 10, 0)).startswith("已提交")
        assert sms_auto.alert(db) == ""
    assert fake.sent and set(fake.per_number().values()) == {1}


@pytest.mark.parametrize(
    ("value", "ok"),
    [("07:59", False), ("20:01", False), ("08:00", True), ("20:00", True), ("9点", False), ("25:00", False)],
)
def test_the_send_time_is_refused_outside_eight_to_eight(
    settings: ConsoleSettings, value: str, ok: bool
) -> None:
    read = lambda: ConsoleSettings.read(  # noqa: E731
        settings.inputs, settings.site, settings.src, settings.index, str(settings.db),
        environ={"JIAOZAO_CONSOLE_SMS_SEND_AT": value},
    )  # fmt: skip
    if ok:
        assert read().sms_send_at.strftime("%H:%M") == value
    else:
        with pytest.raises(ConsoleConfigError, match="JIAOZAO_CONSOLE_SMS_SEND_AT"):
            read()


def test_the_platform_settings_are_read_with_the_console_settings(settings: ConsoleSettings) -> None:
    environ = {"JIAOZAO_SMS_PROVIDER": "tencent", "JIAOZAO_SMS_KEY_ID": "a"}
    with pytest.raises(ConsoleConfigError, match="KEY_SECRET"):
        ConsoleSettings.read(settings.inputs, settings.site, settings.src, settings.index, environ=environ)
    read = ConsoleSettings.read(settings.inputs, settings.site, settings.src, settings.index, environ={})
    assert read.sms is None and read.sms_send_at == time(9, 30) and read.sms_receipt_minutes == 30


# -- the page ----------------------------------------------------------------------------------------------


def _queue(
    settings: ConsoleSettings, provider: str, phones: list[str], answered: bool = True
) -> list[tuple[int, str]]:
    """Queue and submit one message per number for 鞍山 (as a call the platform took); return (key, out_id)."""
    candidates = [_candidate(i, phone) for i, phone in enumerate(phones)]
    with SmsOutbox(settings.inputs.registry, provider) as outbox:
        outbox.queue(TODAY, candidates, 3)
        keys = [m.id for m in outbox.waiting(TODAY)]
        out_id = outbox.begin_call(keys, TODAY)
        if answered:
            outbox.submitted([(k, f"B-{k}") for k in keys])
    return [(k, out_id) for k in keys]


def _candidate(i: int, phone: str) -> Candidate:
    certificate = RegisteredCertificate("anshan", f"N-{i}", "食品经营许可", f"持证人{i}", date(2026, 12, 10))
    text = f"【鞍山审批】持证人{i}：您的证照将于2026-12-10期满，请及时办理延续。"
    return Candidate(
        "anshan", f"持证人{i}", phone, "鞍山审批", "SMS_100", (("name", f"持证人{i}"),), text,
        ((certificate, "首次"),),
    )  # fmt: skip


@pytest.fixture
def platform_app(settings: ConsoleSettings) -> Iterator[Starlette]:
    application = create_app(_platform(settings), start_jobs=False)
    yield application
    application.state.console.close()


def test_the_page_shows_each_message_numbers_for_the_department_staff_only(
    platform_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    _queue(settings, "aliyun", ["13800138000", "13900139000"])
    own = clients(platform_app, "clerk_a").get("/departments/anshan/sms")
    assert own.status_code == 200
    text = text_of(own.text)
    assert "13800138000" in text and "B-1" in text and "已提交 2" in text and "待发送 0" in text
    assert "计费" in text
    for other in ("inspector", "admin"):
        page = text_of(clients(platform_app, other).get("/departments/anshan/sms").text)
        assert "13800138000" not in page and "13*******00" in page
    assert clients(platform_app, "clerk_b").get("/departments/anshan/sms").status_code == 403
    today = clients(platform_app, "clerk_a").get("/departments/anshan/today").text
    assert 'href="/departments/anshan/sms"' in today


def test_without_a_platform_the_page_says_sms_go_by_file(app: Starlette, clients: Clients) -> None:
    page = clients(app, "clerk_a").get("/departments/anshan/sms")
    assert page.status_code == 200 and "短信.csv" in text_of(page.text)


# -- receipt pushes ----------------------------------------------------------------------------------------

PHONES = ["13800138000", "13900139000", "13700137000"]


def _bodies(provider: str, sent: list[tuple[int, str]]) -> list[object]:
    """Return pushed bodies: delivered, 空号, 停机 — the last two first, then all three again in one batch."""
    codes = [("DELIVRD", True), ("MN:0001", False), ("MK:0005", False)]
    items = []
    for (key, out_id), phone, (code, ok) in zip(sent, PHONES, codes, strict=True):
        if provider == "aliyun":
            items.append({"phone_number": phone, "send_time": "2026-11-23 09:30:00", "report_time": "2026-11-23 09:30:05",
                          "success": ok, "err_code": "DELIVERED" if ok else code, "err_msg": "用户接收成功" if ok else "失败",
                          "sms_size": "1", "biz_id": f"B-{key}", "out_id": out_id})  # fmt: skip
        elif provider == "tencent":
            items.append({"user_receive_time": "2026-11-23 09:30:05", "nationcode": "86", "mobile": phone,
                          "report_status": "SUCCESS" if ok else "FAIL", "errmsg": "DELIVRD" if ok else code,
                          "description": "用户短信送达成功" if ok else code, "sid": f"B-{key}", "ext": out_id})  # fmt: skip
        else:
            items.append({"reportStatus": code, "mobile": phone, "submitDate": "20261123093000",
                          "receiveDate": "20261123093005", "errorCode": code, "msgGroup": f"B-{key}"})  # fmt: skip
    if provider == "cmas":  # one report a push
        return [items[2], items[1], items[0], items[0], *items]
    return [items[2:], items[1:2], items, items]


ACKS = {"aliyun": {"code": 0, "msg": "成功"}, "tencent": {"result": 0, "errmsg": "OK"}}


@pytest.mark.parametrize("provider", ["aliyun", "tencent", "cmas"])
def test_pushed_receipts_settle_each_message_once(
    settings: ConsoleSettings, provider: str, clients: Clients
) -> None:
    app = create_app(_platform(settings, provider), start_jobs=False)
    try:
        sent = _queue(settings, provider, PHONES)
        client = clients(app)
        for body in _bodies(provider, sent):
            answer = client.post(
                f"/sms/receipts/{provider}/{SECRET}", content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                headers={"content-type": "application/json"},
            )  # fmt: skip
            assert answer.status_code == 200
            assert answer.json() == ACKS[provider] if provider in ACKS else answer.text == "ok"
    finally:
        app.state.console.close()
    with SmsOutbox(settings.inputs.registry, provider) as outbox:
        states = {m.phone: (m.state, m.failure) for m in outbox.messages()}
    assert states == {
        "13800138000": ("已送达", ""),
        "13900139000": ("失败", "空号"),
        "13700137000": ("待发送", "停机或关机"),  # temporary: one retry on the next working day
    }
    with Registry(settings.inputs.registry) as registry:
        records = sorted((r.certificate.number, r.result) for r in registry.records())
    assert records == [("N-0", "已送达"), ("N-1", "号码有误")]
    assert (
        len(_audit(settings, "sms_push")) == 3
    )  # a row for each push that settled a message, none for repeats
    with closing(connect(settings.database)) as db:  # repeats for settled messages are not kept to try again
        assert sms_early.count(db) == 0


def test_a_wrong_secret_is_a_404_and_written_down(
    platform_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    client = clients(platform_app)
    for url in (
        f"/sms/receipts/aliyun/{'x' * 32}",
        f"/sms/receipts/tencent/{SECRET}",
        "/sms/receipts/aliyun/",
    ):
        assert client.post(url, content=b"[]").status_code == 404
    assert client.post(f"/sms/receipts/aliyun/{SECRET}", content=b"not json").status_code == 400
    assert client.post(f"/sms/receipts/aliyun/{SECRET}", content=b"[1]").status_code == 400
    assert client.post(f"/sms/receipts/aliyun/{SECRET}", content=b"[]").json() == ACKS["aliyun"]
    with closing(connect(settings.database)) as db:
        refused = [e.detail for e in audit.search(db, action="refused")]
    assert any("/sms/receipts/aliyun/xxxx" in d for d in refused)


def test_two_console_processes_at_once_send_each_message_once(
    on_fake: ConsoleSettings, fake: FakeSms, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The second console read the waiting messages before the first one claimed them: it sends none of them."""
    read = SmsOutbox.waiting
    seen: list[list[Message]] = []
    monkeypatch.setattr(SmsOutbox, "waiting", lambda self, day: seen.append(read(self, day)) or seen[-1])
    with closing(connect(on_fake.database)) as db:
        assert sms_auto.tick(on_fake, db, _at(TODAY, 9, 30)).startswith("已提交")
    sent = len(fake.sent)
    monkeypatch.setattr(SmsOutbox, "waiting", lambda self, day: seen[0])  # as read before the first one sent
    other = replace(
        on_fake, db=tmp_path / "other-console.sqlite", database_url=""
    )  # its own 'send done' state,
    # the same 登记簿 and outbox (on PostgreSQL too: on_fake.inputs.registry)
    with closing(connect(other.database)) as db:
        assert sms_auto.tick(other, db, _at(TODAY, 9, 30)).startswith("已提交 0 条")
    assert len(fake.sent) == sent and set(fake.per_number().values()) == {1}


def test_a_delivered_sms_shows_as_such_in_the_registry_and_on_the_certificate_page(
    platform_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    sent = _queue(settings, "aliyun", PHONES)
    body = _bodies("aliyun", sent)[2]
    answer = clients(platform_app).post(f"/sms/receipts/aliyun/{SECRET}", json=body)
    assert answer.json() == ACKS["aliyun"]
    own, inspector = clients(platform_app, "clerk_a"), clients(platform_app, "inspector")
    records = text_of(own.get(f"/departments/anshan/records?start={TODAY}&end={TODAY}").text)
    assert (
        "已送达 短信平台（阿里云） 13800138000" in records
        and "号码有误 短信平台（阿里云） 短信：空号（13900139000" in records
    )
    certificate = text_of(own.get("/departments/anshan/certificates/N-0").text)
    assert "已送达 短信平台（阿里云）" in certificate
    delivered = own.get("/departments/anshan/records?result=已送达").text
    assert "N-0" in delivered and "N-1" not in delivered
    for page in (f"/departments/anshan/records?start={TODAY}", "/departments/anshan/certificates/N-1"):
        shown = text_of(inspector.get(page).text)
        assert "13900139000" not in shown and "13*******00" in shown
    today = own.get("/departments/anshan/today").text
    assert "已送达" in today  # among today's records
    chosen = today[today.index('name="result"') :]
    assert "<option>已送达</option>" not in chosen[: chosen.index("</select>")]  # never a person's answer


def test_a_department_whose_files_cannot_be_read_is_a_banner_not_a_silent_failure(
    on_fake: ConsoleSettings, fake: FakeSms
) -> None:
    (on_fake.inputs.catalogs / "holidays.csv").write_text("日期,类型\n2026-13-45,休息日\n", encoding="utf-8")
    with closing(connect(on_fake.database)) as db:
        assert sms_auto.tick(on_fake, db, _at(TODAY, 9, 30)) == ""
        assert sms_auto.alert(db).startswith("短信自动发送没有运行")
    assert fake.sent == [] and len(_audit(on_fake, "sms_stopped")) == 1


def test_a_department_on_the_platform_gets_no_sms_file_to_upload_by_hand(
    platform_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(platform_app, "clerk_a")
    page = clerk.get("/departments/anshan/today").text
    assert "today/sms.csv" not in page and "确认今天的短信已上传短信平台" not in page
    assert clerk.submit("/departments/anshan/today/files").status_code == 303
    folder = settings.inputs.out / "remind" / TODAY.isoformat() / "anshan"
    assert (folder / "电话提醒清单.xlsx").is_file() and not (folder / "短信.csv").exists()
    assert clerk.get("/departments/anshan/today/sms.csv").status_code == 404


@pytest.mark.parametrize("provider", ["aliyun", "tencent", "cmas"])
def test_a_receipt_pushed_before_the_sends_answer_was_written_still_settles_it(
    settings: ConsoleSettings, provider: str, clients: Clients
) -> None:
    platform = _platform(settings, provider)
    app = create_app(platform, start_jobs=False)
    try:
        [(key, out_id)] = _queue(
            settings, provider, PHONES[:1], answered=False
        )  # 提交中: no BizId/msgGroup yet
        body = _bodies(provider, [(key, out_id), (0, ""), (0, "")])[
            2
        ]  # the first number's receipt (and others')
        assert clients(app).post(f"/sms/receipts/{provider}/{SECRET}", json=body).status_code == 200
    finally:
        app.state.console.close()
    with SmsOutbox(settings.inputs.registry, provider) as outbox:
        early = [m.state for m in outbox.messages()]
        outbox.submitted([(key, f"B-{key}")])  # the answer is written after the receipt came
    assert early == (
        ["提交中"] if provider == "cmas" else ["已送达"]
    )  # 云MAS names it by the answer's msgGroup
    with closing(connect(settings.database)) as db:
        sms_auto.tick(platform, db, _at(TODAY, 9, 0))  # a receipts pull tries the kept receipt again
    with SmsOutbox(settings.inputs.registry, provider) as outbox:
        assert [m.state for m in outbox.messages()] == ["已送达"]
    with Registry(settings.inputs.registry) as registry:
        assert [(r.certificate.number, r.result) for r in registry.records()] == [("N-0", "已送达")]


def test_a_long_batch_is_shown_a_page_at_a_time_with_counts_for_all(
    platform_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    _queue(settings, "aliyun", [f"139{i:08d}" for i in range(205)])
    clerk = clients(platform_app, "clerk_a")
    first = text_of(clerk.get("/departments/anshan/sms").text)
    assert "共 205 条" in first and "已提交 205" in first and "第 1 / 2 页" in first
    assert "13900000000" in first and "13900000204" not in first
    second = text_of(clerk.get(f"/departments/anshan/sms?day={TODAY}&page=2").text)
    assert "13900000204" in second and "13900000000" not in second
