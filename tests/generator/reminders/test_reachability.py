"""The 临期 stage and 联系不上, walked with a real ledger .xlsx and real 登记簿 records (and `jiaozao remind`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from generator.cli import main
from generator.config import Settings
from generator.ledger.corrections import Correction, add_correction
from generator.reminders.batch import UNREACHABLE_FILE, DayWork
from generator.reminders.due import FINAL, FIRST, DueReminder
from generator.reminders.reachability import load_history, unreachable_reasons
from generator.reminders.registry import DECLINED, RegisteredCertificate, Registry, ReminderRecord
from generator.workflows.remind import plan_today
from tests.conftest import write_xlsx
from tests.generator.reminders.conftest import HEADER

DEPT = "anshan-weijian"
LICENCE = "公共场所卫生许可延续"
# 期满 2026-10-09, just after the National Day holiday (10-01 … 10-07): three working days before it are 10-08,
# 09-30 and 09-29 — counting calendar days or plain weekdays would give 10-06.
ROWS = [
    ["甲酒店", LICENCE, "WJ-1", "2026-10-09", "王经理", "13800138000", "", ""],  # told, not applied
    ["乙诊所", LICENCE, "WJ-2", "2026-10-30", "李医生", "13800138001", "", ""],  # never answers
    ["丙宾馆", LICENCE, "WJ-3", "2026-10-30", "赵", "13800138002", "", ""],  # number wrong
    ["丁浴池", LICENCE, "WJ-4", "2026-10-09", "钱", "13800138003", "", ""],  # will not renew
    ["戊商场", LICENCE, "WJ-5", "2026-10-09", "孙", "13800138004", "", "已申请延续"],  # applied
    [
        "丙宾馆",
        "饮用水供水单位卫生许可延续",
        "WJ-6",
        "2026-10-30",
        "赵",
        "138 0013 8002",
        "",
        "",
    ],  # same holder
]


def _settings(catalogs_dir: Path, tmp_path: Path) -> Settings:
    write_xlsx(tmp_path / "ledgers" / f"{DEPT}.xlsx", [HEADER, *ROWS])
    return Settings(catalogs_dir, tmp_path / "ledgers", db=tmp_path / "登记簿.sqlite", out=tmp_path / "out")


def _certificate(row: list[str]) -> RegisteredCertificate:
    return RegisteredCertificate(DEPT, row[2], row[1], row[0], date.fromisoformat(row[3]))


def _record(settings: Settings, row: list[str], on: str, result: str, kind: str = FIRST) -> None:
    record = ReminderRecord(
        _certificate(row), kind, "电话", date.fromisoformat(on), "张三", result, "", "测试"
    )
    with Registry(settings.db) as registry:
        registry.add([record])


def _due(work: DayWork) -> dict[str, DueReminder]:
    return {r.certificate.number: r for d in work.departments for g in d.groups for r in g.reminders}


def test_told_but_not_applied_is_on_the_final_list_on_the_third_working_day_across_a_holiday(
    catalogs_dir: Path, tmp_path: Path
) -> None:
    settings = _settings(catalogs_dir, tmp_path)
    _record(settings, ROWS[0], "2026-09-08", "已告知")
    _record(settings, ROWS[0], "2026-09-28", "已告知", "二次")
    assert "WJ-1" not in _due(plan_today(settings, date(2026, 9, 28)))
    due = _due(plan_today(settings, date(2026, 9, 29)))["WJ-1"]
    assert (due.kind, due.due_on, due.unreachable) == (FINAL, date(2026, 9, 29), ())
    assert [(a.day, a.kind, a.result, a.by_whom) for a in due.attempts] == [
        (date(2026, 9, 8), "首次", "已告知", "张三"),
        (date(2026, 9, 28), "二次", "已告知", "张三"),
    ]
    assert "WJ-5" not in _due(plan_today(settings, date(2026, 9, 29)))  # applied: no 临期
    _record(settings, ROWS[0], "2026-09-29", "已上门", FINAL)
    assert "WJ-1" not in _due(plan_today(settings, date(2026, 9, 30)))  # a done 临期 settles every stage


def test_the_final_stage_comes_first_and_gets_no_sms(catalogs_dir: Path, tmp_path: Path) -> None:
    settings = _settings(catalogs_dir, tmp_path)
    item = plan_today(settings, date(2026, 9, 30)).departments[0]
    assert [g.kind for g in item.groups] == [FINAL, FINAL, FIRST, FIRST]
    assert sorted(g.holder for _, _, g in item.sms) == ["丙宾馆", "乙诊所"]


def test_never_answered_on_three_days_is_unreachable_and_on_the_final_list_early(
    catalogs_dir: Path, tmp_path: Path
) -> None:
    settings = _settings(catalogs_dir, tmp_path)
    for day in ("2026-09-30", "2026-10-08"):
        _record(settings, ROWS[1], day, "未接通")
    _record(settings, ROWS[1], "2026-10-08", "未接通", "二次")  # the same day twice counts once
    assert _due(plan_today(settings, date(2026, 10, 9)))["WJ-2"].kind == FIRST
    _record(settings, ROWS[1], "2026-10-09", "未接通")
    due = _due(plan_today(settings, date(2026, 10, 10)))["WJ-2"]  # its own 临期 date is 2026-10-27
    assert due.kind == FINAL and due.unreachable == ("3 天未接通（2026-09-30、2026-10-08、2026-10-09）",)
    assert len(due.attempts) == 4
    _record(settings, ROWS[1], "2026-10-10", "已告知", FINAL)  # reached at last: no longer 联系不上
    with Registry(settings.db) as registry:
        history = load_history(registry)
    assert unreachable_reasons(history, [_certificate(ROWS[1]).key], ROWS[1][5]) == []


def test_a_wrong_number_is_unreachable_and_listed_in_the_remind_output(
    catalogs_dir: Path, tmp_path: Path
) -> None:
    settings = _settings(catalogs_dir, tmp_path)
    _record(settings, ROWS[2], "2026-09-30", "号码有误")
    out = tmp_path / "remind"
    args = ["--catalogs", str(catalogs_dir), "--ledgers", str(settings.ledgers), "--db", str(settings.db)]
    assert main(["remind", *args, "--today", "2026-10-08", "--out", str(out), "--dry-run"]) == 0
    sheet = openpyxl.load_workbook(out / DEPT / UNREACHABLE_FILE).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [
        (r[1], r[6], r[9]) for r in rows
    ] == [  # a number wrong for one certificate is wrong for the holder
        ("丙宾馆", "WJ-3", "号码有误（2026-09-30 张三）"),
        ("丙宾馆", "WJ-6", "号码有误（2026-09-30 张三）"),
    ]
    assert "2026-09-30 首次 电话 号码有误 张三" in str(rows[0][10])
    assert sheet.cell(3, 4).data_type == "s"  # the phone number stays text


def test_declined_stops_every_reminder_and_stays_on_record(catalogs_dir: Path, tmp_path: Path) -> None:
    settings = _settings(catalogs_dir, tmp_path)
    assert "WJ-4" in _due(plan_today(settings, date(2026, 9, 9)))
    _record(settings, ROWS[3], "2026-09-09", DECLINED)
    for day in (date(2026, 9, 9), date(2026, 9, 28), date(2026, 9, 29), date(2026, 10, 9)):
        assert "WJ-4" not in _due(plan_today(settings, day))
    with Registry(settings.db) as registry:
        (kept,) = [r for r in registry.records(DEPT) if r.result == DECLINED]
    assert (kept.by_whom, kept.reminded_on) == ("张三", date(2026, 9, 9))


def test_an_old_registry_accepts_the_final_kind(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite"
    with Registry(path):
        pass
    db = sqlite3.connect(path)  # make it look like a 登记簿 from before 临期: its CHECK knows two kinds
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'reminders'").fetchone()[0]
    db.executescript(
        "DROP TABLE reminders;" + sql.replace(", '临期'", "") + ";"
        "INSERT INTO reminders (department, certificate_key, expires, number, certificate, holder, kind, channel, "
        "reminded_on, by_whom, result, done, remark, source, recorded_at) VALUES ('d', 'k', '2026-10-09', 'k', "
        "'c', 'h', '首次', '电话', '2026-09-01', '张三', '已告知', 1, '', 's', 'now')"
    )
    db.close()
    with Registry(path) as registry:
        c = RegisteredCertificate("d", "k", "c", "h", date(2026, 10, 9))
        assert (
            registry.add([ReminderRecord(c, FINAL, "上门", date(2026, 9, 29), "李四", "已上门", "", "s")])
            == 1
        )
        assert [r.kind for r in registry.records()] == [FIRST, FINAL]


def test_a_wrong_number_corrected_by_a_clerk_is_reachable_again(catalogs_dir: Path, tmp_path: Path) -> None:
    """The calls that failed on the old number do not count against the number a clerk put in its place."""
    settings = _settings(catalogs_dir, tmp_path)
    _record(settings, ROWS[2], "2026-09-30", "号码有误")
    before = plan_today(settings, date(2026, 10, 8))
    assert {g.holder for d in before.departments for g in d.unreachable} == {"丙宾馆"}
    for row in (ROWS[2], ROWS[5]):
        add_correction(
            settings.ledgers,
            Correction(DEPT, row[2], "phone", row[5], "13900139009", "张三", "2026-09-30 15:20:00"),
        )
    after = plan_today(settings, date(2026, 10, 8))
    assert not [g for d in after.departments for g in d.unreachable]
    assert "WJ-3" in _due(after)  # still reminded, now at the corrected number
    _record(settings, ROWS[2], "2026-10-08", "号码有误")  # the new number wrong too: unreachable again
    again = plan_today(settings, date(2026, 10, 9))
    assert {g.holder for d in again.departments for g in d.unreachable} == {"丙宾馆"}
