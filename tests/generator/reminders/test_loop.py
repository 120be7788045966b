"""续证闭环 on the CLI: a later 台账 read by `jiaozao remind` closes the reminders it shows renewed (the same
number later, or a new certificate replacing it) or applied for, once, and cancels their waiting SMS."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from generator.cli import main
from generator.reminders.registry import RegisteredCertificate, Registry, ReminderRecord
from generator.reminders.smsoutbox import CANCELLED, WAITING, Candidate, SmsOutbox
from generator.workflows.loop import BY_SYSTEM, CHANNEL
from tests.conftest import write_xlsx
from tests.generator.reminders.conftest import HEADER, ROWS, TODAY

WEIJIAN = "anshan-weijian"
LATER = "2026-11-25"


@pytest.fixture
def remind_args(catalogs_dir: Path, ledger_dir: Path, registry_at: Path | str) -> list[str]:
    """As the folder's remind_args, the 登记簿 on each backend in turn (the URL from the environment)."""
    where = ["--db", str(registry_at)] if isinstance(registry_at, Path) else []
    return ["--catalogs", str(catalogs_dir), "--ledgers", str(ledger_dir), *where]


def _remind(args: list[str], out: Path, today: str) -> int:
    return main(["remind", *args, "--today", today, "--out", str(out)])


def _queue(db: Path | str, number: str, holder: str, expires: str, phone: str) -> None:
    c = RegisteredCertificate(WEIJIAN, number, "公共场所卫生许可证", holder, date.fromisoformat(expires))
    candidate = Candidate(WEIJIAN, holder, phone, "签名", "SMS_1", (), f"提醒 {number}", ((c, "首次"),))
    with SmsOutbox(db) as outbox:
        assert outbox.queue(date.fromisoformat(TODAY), [candidate], 10) == []


def _later_ledger(folder: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][3] = "2029-12-10"  # WJ-1: the same number, a later 期满日期
    rows[1][2], rows[1][3] = "WJ-2-2029", "2029-12-15"  # WJ-2: replaced by a new certificate
    rows[2][7] = "已申请延续"  # WJ-3: applied for
    write_xlsx(folder / "anshan-weijian.xlsx", [HEADER, *rows])


def test_a_later_ledger_closes_renewed_and_applied_reminders_once(
    remind_args: list[str], ledger_dir: Path, tmp_path: Path, registry_at: Path | str
) -> None:
    db = registry_at
    assert _remind(remind_args, tmp_path / "day1", TODAY) == 0  # the plan names WJ-1, WJ-2, WJ-3, WJ-7
    with Registry(db) as registry:
        certificate = {c.number: c.certificate for c in registry.tracked([WEIJIAN])}
    _queue(db, "WJ-1", "甲酒店", "2026-12-10", "13800138000")
    _queue(db, "WJ-7", "己超市", "2026-12-20", "13900000007")
    _later_ledger(ledger_dir)
    assert _remind(remind_args, tmp_path / "day2", LATER) == 0
    with Registry(db) as registry:
        closed = [r for r in registry.records(WEIJIAN) if r.channel == CHANNEL]
    seen = {(r.certificate.number, r.kind, r.result, r.reminded_on.isoformat(), r.by_whom) for r in closed}
    assert seen == {
        (number, kind, result, LATER, BY_SYSTEM)
        for number, result in (("WJ-1", "已续证"), ("WJ-2", "已续证"), ("WJ-3", "已申请延续"))
        for kind in ("首次", "二次", "临期")  # the staff's 临期 task ends with them
    }
    wj1 = next(r for r in closed if r.certificate.number == "WJ-1")
    assert "anshan-weijian.xlsx 第 2 行" in wj1.source and "2029-12-10" in wj1.remark
    wj2 = next(r for r in closed if r.certificate.number == "WJ-2")
    assert "WJ-2-2029" in wj2.remark and wj2.certificate.certificate == certificate["WJ-2"]
    with SmsOutbox(db) as outbox:
        states = {m.text: m.state for m in outbox.messages(WEIJIAN)}
    assert states == {"提醒 WJ-1": CANCELLED, "提醒 WJ-7": WAITING}
    assert _remind(remind_args, tmp_path / "day3", "2026-11-26") == 0  # the same 台账 again: nothing new
    with Registry(db) as registry:
        again = [r for r in registry.records(WEIJIAN) if r.channel == CHANNEL]
    assert len(again) == len(closed) == 9


def _record(db: Path | str, number: str, holder: str, expires: str, kind: str, on: str, result: str) -> None:
    with Registry(db) as registry:
        name = {c.number: c.certificate for c in registry.tracked([WEIJIAN])}.get(
            number, "公共场所卫生许可证"
        )
        c = RegisteredCertificate(WEIJIAN, number, name, holder, date.fromisoformat(expires))
        registry.add([ReminderRecord(c, kind, "电话", date.fromisoformat(on), "张三", result, "", "测试")])


def test_the_report_counts_the_loop_per_department_and_for_the_province(
    remind_args: list[str], ledger_dir: Path, tmp_path: Path, registry_at: Path | str
) -> None:
    db = registry_at
    assert _remind(remind_args, tmp_path / "day1", TODAY) == 0
    _record(db, "WJ-7", "己超市", "2026-12-20", "首次", TODAY, "号码有误")  # 联系不上
    _record(db, "WJ-6", "戊商场", "2027-03-01", "首次", "2026-11-20", "未接通")  # twice only: still reachable
    _record(db, "WJ-6", "戊商场", "2027-03-01", "首次", "2026-11-21", "未接通")
    for kind, on in (("首次", "2026-10-01"), ("二次", "2026-10-20")):  # WJ-5: every stage done, then expired
        _record(db, "WJ-5", "丁浴池", "2026-11-01", kind, on, "已告知")
    _later_ledger(ledger_dir)
    assert _remind(remind_args, tmp_path / "day2", LATER) == 0
    out = tmp_path / "督促检查.xlsx"
    period = ["--from", "2026-11-01", "--to", "2026-12-31", "--today", "2026-11-26", "--out", str(out)]
    assert main(["report", *remind_args, *period]) == 0
    sheet = openpyxl.load_workbook(out)["闭环"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0][:6] == ["部门", "应闭环", "已闭环", "联系不上", "全部提醒后过期未续证", "闭环率"]
    weijian = next(r for r in rows if r[0] and "卫" in str(r[0]))
    assert weijian[1:6] == [6, 4, 1, 1, "67%"]  # WJ-1..5 and WJ-7 expire in the period; 1, 2, 3, 4 closed
    province = next(r for r in rows if r[0] == "合计（全省）")
    assert province[1:5] == [6, 4, 1, 1]
    lines = {(r[1], r[4]) for r in rows if r[1] in ("已闭环", "联系不上", "全部提醒后过期未续证")}
    assert lines == {
        ("已闭环", "WJ-1"), ("已闭环", "WJ-2"), ("已闭环", "WJ-3"), ("已闭环", "WJ-4"),
        ("联系不上", "WJ-7"), ("全部提醒后过期未续证", "WJ-5"),
    }  # fmt: skip
    summary = openpyxl.load_workbook(out)["汇总"]
    assert all(
        c.value != "台账" for row in summary.iter_rows() for c in row
    )  # a closure is not a reminder done
