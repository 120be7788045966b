"""jiaozao sms send / receipts against a fake 阿里云 and 腾讯云 on 127.0.0.1: never twice, receipts to the 登记簿."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from generator.cli import main
from generator.reminders.registry import Registry
from generator.reminders.smsoutbox import SmsOutbox
from tests.conftest import write_xlsx
from tests.generator.reminders.conftest import HEADER
from tests.smsfake import NO_RECEIPT, FakeSms

TODAY = "2026-11-23"
ROWS = [
    ["甲酒店", "公共场所卫生许可延续", "WJ-1", "2026-12-10", "王经理", "13800138000", "", ""],
    ["乙诊所", "公共场所卫生许可延续", "WJ-3", "2026-12-12", "李医生", "13900139000", "", ""],
    ["丙宾馆", "公共场所卫生许可延续", "WJ-4", "2026-12-13", "赵", "13900139001", "", ""],
    ["丁浴池", "公共场所卫生许可延续", "WJ-5", "2026-12-14", "钱", "13900139002", "", ""],
    ["己超市", "公共场所卫生许可延续", "WJ-7", "2026-12-20", "周", "0412-5551234", "", ""],  # landline
]
TEMPLATE = """
短信签名: 鞍山审批
短信模板编号: {code}
短信模板参数:
  {a}: '{{持证人}}'
  {b}: '{{证照}}'
  {c}: '{{期满日期}}'
"""


@pytest.fixture(params=["aliyun", "tencent"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeSms]:
    platform = FakeSms(request.param)
    platform.start()
    yield platform
    platform.stop()


@pytest.fixture
def args(
    fake: FakeSms,
    catalogs_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    registry_at: Path | str,
) -> list[str]:
    """The options of every command a test runs; its 登记簿 on each backend in turn (registry_at)."""
    yaml = catalogs_dir / "anshan-weijian" / "department.yaml"
    names = ("name", "cert", "date") if fake.provider == "aliyun" else ("1", "2", "3")
    code = "SMS_100" if fake.provider == "aliyun" else "1234567"
    yaml.write_text(
        yaml.read_text(encoding="utf-8") + TEMPLATE.format(code=code, a=names[0], b=names[1], c=names[2]),
        encoding="utf-8",
    )
    write_xlsx(tmp_path / "ledgers" / "anshan-weijian.xlsx", [HEADER, *ROWS])
    endpoint = f"http://127.0.0.1:{fake.server.server_address[1]}"
    for key, value in {
        "PROVIDER": fake.provider,
        "ENDPOINT": endpoint,
        "KEY_ID": "id",
        "KEY_SECRET": "secret",
        "APP_ID": "1400000000",
        "TIMEOUT": "2",
    }.items():
        monkeypatch.setenv(f"JIAOZAO_SMS_{key}", value)
    return [
        "--catalogs",
        str(catalogs_dir),
        "--ledgers",
        str(tmp_path / "ledgers"),
        *(
            ["--db", str(registry_at)] if isinstance(registry_at, Path) else []
        ),  # the URL: from the environment
    ]


def test_sent_once_even_when_run_twice_then_receipts_go_to_the_registry(
    fake: FakeSms, args: list[str], tmp_path: Path, registry_at: Path | str
) -> None:
    fake.receipts = {"13900139000": "MN:0001", "13900139001": NO_RECEIPT}
    assert main(["sms", "send", "--today", TODAY, *args]) == 0
    assert main(["sms", "send", "--today", TODAY, *args]) == 0
    assert fake.per_number() == {"13800138000": 1, "13900139000": 1, "13900139001": 1, "13900139002": 1}
    assert main(["sms", "receipts", "--today", TODAY, *args]) == 0
    with Registry(registry_at) as registry:
        records = {(r.certificate.number, r.result, r.by_whom) for r in registry.records()}
    platform = "短信平台（阿里云）" if fake.provider == "aliyun" else "短信平台（腾讯云）"
    assert records == {
        ("WJ-1", "已送达", platform),
        ("WJ-3", "号码有误", platform),
        ("WJ-5", "已送达", platform),
    }
    with SmsOutbox(registry_at) as outbox:
        assert sorted(m.state for m in outbox.messages()) == ["失败", "已提交", "已送达", "已送达"]


def test_the_next_remind_and_report_after_receipts(
    fake: FakeSms, args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.receipts = {"13900139000": "MN:0001", "13900139001": NO_RECEIPT}
    assert main(["sms", "send", "--today", TODAY, *args]) == 0
    assert main(["sms", "receipts", "--today", TODAY, *args]) == 0
    out = tmp_path / "remind"
    assert main(["remind", "--today", "2026-11-24", "--out", str(out), *args]) == 0
    rows = list(openpyxl.load_workbook(out / "anshan-weijian" / "电话提醒清单.xlsx").active.values)  # type: ignore[union-attr]
    holders = {row[3]: row for row in rows if row and row[0] and str(row[0]).isdigit()}
    assert set(holders) == {
        "乙诊所",
        "丙宾馆",
        "己超市",
    }  # delivered ones are done; 丙宾馆 still without receipt
    assert "短信：空号" in str(holders["乙诊所"])
    assert holders["乙诊所"][10] == "临期" and holders["丙宾馆"][10] != "临期"  # SMS refused: 联系不上 → 临期
    unreachable = list(openpyxl.load_workbook(out / "anshan-weijian" / "联系不上.xlsx").active.values)  # type: ignore[union-attr]
    assert [(row[1], str(row[9]).split("；")[0]) for row in unreachable[2:]] == [("乙诊所", "短信：空号")]
    problems = (out / "问题清单.csv").read_text(encoding="utf-8-sig")
    assert "13900139000 空号" in problems
    assert not (out / "anshan-weijian" / "短信.csv").exists()  # its SMS go through the platform
    capsys.readouterr()
    report = tmp_path / "督促检查.xlsx"
    assert (
        main(
            [
                "report",
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-30",
                "--today",
                "2026-11-24",
                "--out",
                str(report),
                *args,
            ]
        )
        == 0
    )
    shown = capsys.readouterr().err
    assert "已送达 2 条" in shown and "已提交未回执 1 条" in shown and "失败 1 条" in shown


def test_a_balance_error_stops_the_batch_and_nothing_is_lost(
    fake: FakeSms, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = (
        "isv.AMOUNT_NOT_ENOUGH"
        if fake.provider == "aliyun"
        else "FailedOperation.InsufficientBalanceInSmsPackage"
    )
    fake.refuse_call = [(code, "余额不足")]
    assert main(["sms", "send", "--today", TODAY, *args]) == 1
    assert "充值" in capsys.readouterr().err and fake.sent == []
    assert main(["sms", "send", "--today", TODAY, *args]) == 0
    assert set(fake.per_number().values()) == {1}


def test_a_timeout_after_the_platform_took_the_call_is_asked_about_never_resent(
    fake: FakeSms, args: list[str]
) -> None:
    fake.sleep_on_call = (1, 3.0)
    assert main(["sms", "send", "--today", TODAY, *args]) == 1
    assert main(["sms", "send", "--today", TODAY, *args]) == 0
    assert main(["sms", "receipts", "--today", TODAY, *args]) == 0
    assert set(fake.per_number().values()) == {1} and len(fake.per_number()) == 4


def test_killed_mid_batch_then_run_again_sends_each_number_once(
    fake: FakeSms, args: list[str], tmp_path: Path
) -> None:
    fake.hold_on_call = 1
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    child = subprocess.Popen(
        [sys.executable, "-m", "generator", "sms", "send", "--today", TODAY, *args], env=env
    )
    assert fake.held.wait(60)
    child.send_signal(signal.SIGKILL)
    child.wait()
    fake.release.set()
    assert main(["sms", "send", "--today", TODAY, *args]) == 0
    assert main(["sms", "receipts", "--today", TODAY, *args]) == 0
    assert set(fake.per_number().values()) == {1} and len(fake.per_number()) == 4


def test_dry_run_shows_each_department_messages_and_billed_parts_and_sends_nothing(
    fake: FakeSms,
    args: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    registry_at: Path | str,
) -> None:
    capsys.readouterr()
    assert main(["sms", "send", "--today", TODAY, "--dry-run", *args]) == 0
    shown = capsys.readouterr().err + capsys.readouterr().out
    assert "4 条短信" in shown and "计费" in shown and "13800138000" in shown
    assert fake.sent == [] and fake.calls == 0
    with SmsOutbox(registry_at) as outbox:
        assert list(outbox.messages()) == []


def test_flow_control_backs_off_to_the_next_working_day(
    fake: FakeSms, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    friday, saturday, monday = "2026-11-20", "2026-11-21", "2026-11-23"
    code = (
        "isv.BUSINESS_LIMIT_CONTROL" if fake.provider == "aliyun" else "LimitExceeded.DeliveryFrequencyLimit"
    )
    fake.refuse_call = [(code, "触发流控")]
    assert main(["sms", "send", "--today", friday, *args]) == 1
    shown = capsys.readouterr().err
    assert "推迟到下一个工作日" in shown and fake.sent == []
    calls = fake.calls
    assert main(["sms", "send", "--today", friday, *args]) == 0  # the same day again: still held back
    assert main(["sms", "send", "--today", saturday, *args]) == 0  # a rest day is not the next working day
    assert fake.sent == [] and fake.calls == calls
    assert main(["sms", "send", "--today", monday, *args]) == 0
    assert fake.per_number() == {"13800138000": 1, "13900139000": 1, "13900139001": 1, "13900139002": 1}


def test_duplicate_and_out_of_order_receipts_settle_each_message_once(
    fake: FakeSms, args: list[str], tmp_path: Path, registry_at: Path | str
) -> None:
    fake.receipts = {"13900139000": "MN:0001"}
    fake.duplicate_receipts = True  # every receipt twice, the second time in reverse order
    assert main(["sms", "send", "--today", TODAY, *args]) == 0
    assert main(["sms", "receipts", "--today", TODAY, *args]) == 0
    assert main(["sms", "receipts", "--today", "2026-11-24", *args]) == 0  # asked again: nothing new
    with Registry(registry_at) as registry:
        records = sorted((r.certificate.number, r.result) for r in registry.records())
    assert records == [("WJ-1", "已送达"), ("WJ-3", "号码有误"), ("WJ-4", "已送达"), ("WJ-5", "已送达")]
    with SmsOutbox(registry_at) as outbox:
        assert sorted(m.state for m in outbox.messages()) == ["失败", "已送达", "已送达", "已送达"]
    assert set(fake.per_number().values()) == {1}


def test_receipts_that_never_come_become_no_receipt_after_the_query_window(
    fake: FakeSms, args: list[str], tmp_path: Path, registry_at: Path | str
) -> None:
    from datetime import date, timedelta

    from generator.sms.aliyun import Aliyun
    from generator.sms.tencent import Tencent

    window = (Aliyun if fake.provider == "aliyun" else Tencent).window
    fake.receipts = {"13900139001": NO_RECEIPT}
    assert main(["sms", "send", "--today", TODAY, *args]) == 0
    inside = (date.fromisoformat(TODAY) + timedelta(days=window)).isoformat()
    assert main(["sms", "receipts", "--today", inside, *args]) == 0
    with SmsOutbox(registry_at) as outbox:
        assert [m.state for m in outbox.messages() if m.phone == "13900139001"] == ["已提交"]
    after = (date.fromisoformat(TODAY) + timedelta(days=window + 1)).isoformat()
    assert main(["sms", "receipts", "--today", after, *args]) == 0
    with SmsOutbox(registry_at) as outbox:
        assert [m.state for m in outbox.messages() if m.phone == "13900139001"] == ["未回执"]
    with Registry(registry_at) as registry:
        assert [r.result for r in registry.records() if r.certificate.number == "WJ-4"] == ["短信未回执"]
    assert main(["sms", "receipts", "--today", after, *args]) == 0
    with Registry(registry_at) as registry:
        assert len([r for r in registry.records() if r.certificate.number == "WJ-4"]) == 1
    assert fake.per_number()["13900139001"] == 1


def test_a_message_held_back_over_a_stage_change_is_still_one_message_that_day(
    fake: FakeSms, args: list[str]
) -> None:
    code = (
        "isv.BUSINESS_LIMIT_CONTROL" if fake.provider == "aliyun" else "LimitExceeded.DeliveryFrequencyLimit"
    )
    fake.refuse_call = [(code, "触发流控")]
    assert main(["sms", "send", "--today", "2026-11-27", *args]) == 1  # Friday: backed off to Monday
    assert (
        main(["sms", "send", "--today", "2026-11-30", *args]) == 0
    )  # 甲酒店's second reminder is due by now
    assert set(fake.per_number().values()) == {1} and len(fake.per_number()) == 4
