from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.config import Settings
from generator.pipeline import load_inputs
from generator.reminders.due import FIRST, SECOND, contact_problems, due_reminders, group_by_holder
from generator.reminders.registry import RegisteredCertificate, Registry, ReminderRecord
from generator.schedule import compute_schedule

DAY = date(2026, 11, 23)


def _due(catalogs_dir: Path, ledger_dir: Path, done: set[tuple[str, str, str, str]] | None = None):  # type: ignore[no-untyped-def]
    inputs = load_inputs(Settings(catalogs_dir, ledger_dir), DAY)
    schedule = compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, DAY)
    reminders = due_reminders(inputs.ledger, schedule, inputs.catalogs, done or set())
    return reminders, group_by_holder(reminders, inputs.catalogs)


def test_due_skips_expired_renewed_and_not_yet(catalogs_dir: Path, ledger_dir: Path) -> None:
    reminders, _ = _due(catalogs_dir, ledger_dir)
    kinds = {r.certificate.number: (r.kind, r.first_missed) for r in reminders}
    assert kinds == {
        "WJ-1": (FIRST, False),
        "WJ-2": (FIRST, False),
        "WJ-3": (SECOND, True),  # both dates passed, nothing done: once, as the second
        "WJ-7": (FIRST, False),
    }


def test_one_holder_with_two_certificates_is_one_group(catalogs_dir: Path, ledger_dir: Path) -> None:
    _, groups = _due(catalogs_dir, ledger_dir)
    assert [(g.holder, [r.certificate.number for r in g.reminders]) for g in groups] == [
        ("乙诊所", ["WJ-3"]),
        ("甲酒店", ["WJ-1", "WJ-2"]),  # the same phone written two ways
        ("己超市", ["WJ-7"]),
    ]
    assert groups[1].email == "jia@example.com" and groups[0].kind == SECOND


def test_the_same_holder_name_with_another_phone_is_another_group(catalogs_dir: Path, tmp_path: Path) -> None:
    from tests.conftest import write_xlsx
    from tests.generator.reminders.conftest import HEADER, ROWS

    rows = [ROWS[0], [*ROWS[1][:5], "13700137000", "", ""]]
    write_xlsx(tmp_path / "other" / "anshan-weijian.xlsx", [HEADER, *rows])
    _, groups = _due(catalogs_dir, tmp_path / "other")
    assert len(groups) == 2


def test_done_reminders_are_not_due_again(catalogs_dir: Path, ledger_dir: Path, tmp_path: Path) -> None:
    with Registry(tmp_path / "db.sqlite") as registry:
        expiry = date(2026, 12, 10)
        done = RegisteredCertificate("anshan-weijian", "WJ-1", "公共场所卫生许可延续", "甲酒店", expiry)
        unreached = RegisteredCertificate(
            "anshan-weijian", "WJ-2", "饮用水供水单位卫生许可延续", "甲酒店", date(2026, 12, 15)
        )
        second = RegisteredCertificate(
            "anshan-weijian", "WJ-3", "公共场所卫生许可延续", "乙诊所", date(2026, 11, 30)
        )
        registry.add([
            ReminderRecord(done, FIRST, "电话", DAY, "张", "已告知", "", "t"),
            ReminderRecord(unreached, FIRST, "电话", DAY, "张", "未接通", "", "t"),
            ReminderRecord(second, SECOND, "电话", DAY, "张", "已告知", "", "t"),
        ])  # fmt: skip
        reminders, _ = _due(catalogs_dir, ledger_dir, registry.done_keys())
    assert sorted(r.certificate.number for r in reminders) == ["WJ-2", "WJ-7"]


def test_missing_or_landline_phones_are_problems_with_row_and_column(
    catalogs_dir: Path, ledger_dir: Path
) -> None:
    reminders, _ = _due(catalogs_dir, ledger_dir)
    problems = {r.certificate.number: contact_problems(r) for r in reminders}
    assert problems["WJ-1"] == [] and problems["WJ-2"] == []
    (landline,) = problems["WJ-3"]
    assert landline.row == 4 and landline.column == "联系方式" and landline.value == "0412-5551234"
    assert "不能发短信" in landline.message and landline.file.endswith("anshan-weijian.xlsx")
    (missing,) = problems["WJ-7"]
    assert missing.row == 8 and "没有联系电话" in missing.message and missing.fix
