from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.catalog.load import load_catalogs
from generator.catalog.model import Department
from generator.reminders.sms import LONGEST, fill, load_template, segments, sign, sms_length, too_long


@pytest.fixture
def department(catalogs_dir: Path) -> Department:
    return load_catalogs(catalogs_dir)[0].department("anshan-weijian")


@pytest.mark.parametrize(
    ("length", "parts"),
    [(1, 1), (69, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4), (500, 8)],
)
def test_70_is_one_message_then_67_per_part(length: int, parts: int) -> None:
    assert segments("字" * length) == parts


def test_every_character_counts_one_and_the_signature_counts(department: Department) -> None:
    body = "尊敬的A公司：您的证照将于2026年12月20日到期，请及时办理。"
    text = sign(body, department)
    assert text.endswith("【鞍山市行政审批局（卫生健康审批）】")
    assert sms_length(text) == len(body) + len("【鞍山市行政审批局（卫生健康审批）】")
    assert sms_length("ab，1 。") == 6


def test_a_signature_of_its_own_and_the_70_boundary_with_it(catalogs_dir: Path) -> None:
    yaml = catalogs_dir / "anshan-weijian" / "department.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + "短信签名: 鞍山审批\n", encoding="utf-8")
    department = load_catalogs(catalogs_dir)[0].department("anshan-weijian")
    assert sign("x" * 64, department) == "x" * 64 + "【鞍山审批】"
    assert segments(sign("x" * 64, department)) == 1  # 64 + 6 = 70
    assert segments(sign("x" * 65, department)) == 2  # 71: the signature tips it over


def test_more_than_500_is_refused() -> None:
    assert not too_long("字" * LONGEST) and too_long("字" * (LONGEST + 1))


def test_a_template_file_overrides_the_default(catalogs_dir: Path, department: Department) -> None:
    (catalogs_dir / "anshan-weijian" / "短信模板.txt").write_text(
        "{持证人}：{证照}{期满日期}到期。", encoding="utf-8"
    )
    template, problems = load_template(catalogs_dir, department)
    assert problems == [] and template.text == "{持证人}：{证照}{期满日期}到期。"


def test_unknown_placeholders_are_problems_and_the_default_is_used(
    catalogs_dir: Path, department: Department
) -> None:
    (catalogs_dir / "anshan-weijian" / "短信模板.txt").write_text("{持证人}{到期日}{证号}", encoding="utf-8")
    template, problems = load_template(catalogs_dir, department)
    assert [p.value for p in problems] == ["到期日", "证号"]
    assert "{持证人}" in problems[0].fix and template.source == "默认模板"


def test_fill_lists_every_certificate_of_the_holder(catalogs_dir: Path, ledger_dir: Path) -> None:
    from generator.config import Settings
    from generator.pipeline import load_inputs
    from generator.reminders.due import due_reminders, group_by_holder
    from generator.schedule import compute_schedule

    day = date(2026, 11, 23)
    inputs = load_inputs(Settings(catalogs_dir, ledger_dir), day)
    schedule = compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, day)
    groups = group_by_holder(due_reminders(inputs.ledger, schedule, inputs.catalogs, set()), inputs.catalogs)
    text = fill("{提醒}{持证人}|{证照}|{期满日期}|{剩余天数}", groups[1])
    assert text == (
        "甲酒店|公共场所卫生许可延续（编号WJ-1）、饮用水供水单位卫生许可延续（编号WJ-2）|2026年12月10日|17"
        # both statutory deadlines (30 days before expiry) are behind on 2026-11-23: said, never given as advice
        + groups[1].passed_deadline_notice()
    )
    assert "2026年11月10日、2026年11月15日）已过" in text
    assert fill("{提醒}", groups[0]) == "【再次提醒】" + groups[0].passed_deadline_notice()


def test_the_default_text_is_one_billed_message_for_one_certificate(tmp_path: Path) -> None:
    from generator.config import DEMO_CATALOGS, LEDGER_FOLDER, Settings
    from generator.reminders.sms import DEFAULT_TEMPLATE
    from generator.workflows.remind import plan_today

    settings = Settings(DEMO_CATALOGS, DEMO_CATALOGS / LEDGER_FOLDER, db=tmp_path / "db.sqlite", out=tmp_path)
    groups = [g for d in plan_today(settings, date(2026, 11, 23)).departments for g in d.groups]
    single = [g for g in groups if len(g.reminders) == 1 and not g.passed_deadline_notice()]
    assert len(single) > 100 and any(g.kind != "首次" for g in single)
    for group in single:
        body = fill(DEFAULT_TEMPLATE, group)
        # the longest holder name the rule promises (12) and a signature of 8 characters: 【鞍山市行政审批】
        worst = len(body) - len(group.holder) + 12 + len("【鞍山市行政审批】")
        assert worst <= 70, body
        assert "退订" not in body and group.earliest.certificate.number in body


def test_the_phone_script_keeps_the_full_default_text(catalogs_dir: Path, department: Department) -> None:
    from generator.reminders.sms import DEFAULT_SCRIPT, DEFAULT_TEMPLATE

    template, _ = load_template(catalogs_dir, department)
    assert template.text == DEFAULT_TEMPLATE and template.script == DEFAULT_SCRIPT
    (catalogs_dir / "anshan-weijian" / "短信模板.txt").write_text("{持证人}：{编号}到期。", encoding="utf-8")
    own, problems = load_template(catalogs_dir, department)
    assert problems == [] and own.script == own.text == "{持证人}：{编号}到期。"


def test_unsubscribe_wording_is_refused_a_reminder_is_a_notice(
    catalogs_dir: Path, department: Department
) -> None:
    (catalogs_dir / "anshan-weijian" / "短信模板.txt").write_text(
        "{持证人}：{证照}{期满日期}到期。回T退订", encoding="utf-8"
    )
    template, problems = load_template(catalogs_dir, department)
    assert template.source == "默认模板" and "通知短信" in problems[0].message


@pytest.mark.parametrize(
    ("extra", "fault"),
    [
        ("短信模板编号: SMS_1\n短信模板参数:\n  name: '{持证人}'\n", "短信签名"),
        ("短信签名: 鞍山审批\n短信模板编号: SMS_1\n", "短信模板参数"),
        (
            "短信签名: 鞍山审批\n短信模板编号: SMS_1\n短信模板参数:\n  name: '{名字}'\n",
            "不认识的占位符{名字}",
        ),
        ("短信签名: 鞍山审批\n短信模板编号: SMS_1\n短信模板参数:\n  name: '{持证人}，退订回T'\n", "退订"),
    ],
)
def test_preflight_refuses_with_the_reason(catalogs_dir: Path, extra: str, fault: str) -> None:
    from generator.reminders.smsplatform import preflight

    yaml = catalogs_dir / "anshan-weijian" / "department.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + extra, encoding="utf-8")
    department = load_catalogs(catalogs_dir)[0].department("anshan-weijian")
    faults = preflight(department, positional=False)
    assert len(faults) == 1 and fault in faults[0]


def test_preflight_wants_every_numbered_variable_mapped(catalogs_dir: Path) -> None:
    from generator.reminders.smsplatform import preflight

    yaml = catalogs_dir / "anshan-weijian" / "department.yaml"
    extra = "短信签名: 鞍山审批\n短信模板编号: '1234'\n短信模板参数:\n  '1': '{持证人}'\n  '3': '{证照}'\n"
    yaml.write_text(yaml.read_text(encoding="utf-8") + extra, encoding="utf-8")
    department = load_catalogs(catalogs_dir)[0].department("anshan-weijian")
    assert preflight(department, positional=False) == []
    assert "1、3" in preflight(department, positional=True)[0]
