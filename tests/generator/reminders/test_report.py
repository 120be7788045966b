from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from generator.cli import main
from generator.reminders.due import FIRST, SECOND
from generator.reminders.registry import RegisteredCertificate, Registry, ReminderRecord
from generator.reminders.report import on_time_rate
from tests.generator.reminders.conftest import TODAY

WEIJIAN = "anshan-weijian"


def _done(
    number: str, certificate: str, holder: str, expires: str, kind: str, on: str, result: str
) -> ReminderRecord:
    c = RegisteredCertificate(WEIJIAN, number, certificate, holder, date.fromisoformat(expires))
    return ReminderRecord(c, kind, "电话", date.fromisoformat(on), "张三", result, "", "test")


@pytest.fixture
def recorded(remind_args: list[str]) -> list[str]:
    with Registry(Path(remind_args[-1])) as registry:
        registry.add([
            _done("WJ-1", "公共场所卫生许可延续", "甲酒店", "2026-12-10", FIRST, "2026-11-10", "已告知"),
            _done("WJ-2", "饮用水供水单位卫生许可延续", "甲酒店", "2026-12-15", FIRST, "2026-11-20", "已告知"),
            _done("WJ-3", "公共场所卫生许可延续", "乙诊所", "2026-11-30", SECOND, "2026-11-20", "未接通"),
        ])  # fmt: skip
    return remind_args


def test_the_figures_of_a_month(recorded: list[str], tmp_path: Path) -> None:
    out = tmp_path / "staff" / "report.xlsx"
    args = [
        "report",
        *recorded,
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--today",
        TODAY,
        "--out",
        str(out),
    ]
    assert main(args) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "汇总" and "鞍山市行政审批局（卫生健康审批）" in book.sheetnames
    summary = {row[0]: row for row in book["汇总"].iter_rows(min_row=3, values_only=True)}
    assert summary["鞍山市行政审批局（卫生健康审批）"][1:] == (4, 1, 1, 2, 0, 1, 1, 2, 0, 0, 0, "25%")
    details = list(book["鞍山市行政审批局（卫生健康审批）"].iter_rows(min_row=5, values_only=True))
    outcome = {(r[2], r[4]): r[7] for r in details}
    assert outcome == {
        ("WJ-1", FIRST): "按时完成",
        ("WJ-2", FIRST): "逾期完成",
        ("WJ-3", SECOND): "未完成",  # not reached is not done
        ("WJ-7", FIRST): "未完成",
    }
    page = out.with_suffix(".html").read_text(encoding="utf-8")
    assert "<td>4</td><td>1</td><td>1</td>" in page and "noindex" in page
    assert "甲酒店" not in page and "13800138000" not in page  # figures only


def test_the_staff_page_is_never_put_in_the_public_site(
    recorded: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    args = ["report", *recorded, "--from", "2026-11-01", "--to", "2026-11-30", "--site", str(site)]
    assert main([*args, "--out", str(tmp_path / "r.xlsx"), "--html", str(site / "staff.html")]) == 1
    assert "公开网站" in capsys.readouterr().err and not site.exists()


@pytest.mark.parametrize("where", ["out", "html"])
def test_a_report_is_refused_anywhere_inside_a_published_site_even_without_site(
    recorded: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    site = tmp_path / "www" / "jiaozao"
    (site / "departments").mkdir(parents=True)
    (site / "build-manifest.json").write_text("{}\n", encoding="utf-8")
    inside = site / "departments" / "staff" / ("r.xlsx" if where == "out" else "r.html")
    paths = (
        ["--out", str(inside)]
        if where == "out"
        else ["--out", str(tmp_path / "r.xlsx"), "--html", str(inside)]
    )
    assert main(["report", *recorded, "--from", "2026-11-01", "--to", "2026-11-30", *paths]) == 1
    err = capsys.readouterr().err
    assert "公开网站" in err and str(site) in err and "Traceback" not in err
    assert not (site / "departments" / "staff").exists() and not (tmp_path / "r.xlsx").exists()


def test_the_done_dates_read_for_counting_agree_with_the_records(recorded: list[str]) -> None:
    from generator.reminders.report import done_dates

    with Registry(Path(recorded[-1])) as registry:
        registry.add([
            _done("WJ-3", "公共场所卫生许可延续", "乙诊所", "2026-11-30", SECOND, "2026-11-21", "已告知"),
            _done("WJ-3", "公共场所卫生许可延续", "乙诊所", "2026-11-30", FIRST, "2026-11-22", "已告知"),
            _done("WJ-1", "公共场所卫生许可延续", "甲酒店", "2026-12-10", FIRST, "2026-11-09", "号码有误"),
        ])  # fmt: skip
        expected: dict[tuple[str, str, str, str], int] = {}
        for record in registry.records():  # the rule as written: a done second settles the first too
            kinds = (FIRST, SECOND) if record.kind == SECOND else (FIRST,)
            for kind in kinds if record.done else ():
                key = (*record.certificate.key, kind)
                expected[key] = min(
                    expected.get(key, record.reminded_on.toordinal()), record.reminded_on.toordinal()
                )
        assert done_dates(registry) == expected
        assert expected[(WEIJIAN, "WJ-3", "2026-11-30", FIRST)] == date(2026, 11, 21).toordinal()


def test_the_weeks_of_a_period_add_up_to_its_figures(recorded: list[str]) -> None:
    from generator.config import Settings
    from generator.workflows.report import report_period, weeks_of

    catalogs, ledgers, db = recorded[1], recorded[3], recorded[5]
    settings = Settings(Path(catalogs), Path(ledgers), db=Path(db))
    period = report_period(settings, date(2026, 11, 1), date(2026, 12, 31), date.fromisoformat(TODAY))
    assert [(w.start.isoformat(), w.end.isoformat()) for w in period.weeks[:2]] == [
        ("2026-11-01", "2026-11-01"),  # a Sunday: the first week is cut to the period
        ("2026-11-02", "2026-11-08"),
    ]
    weijian = next(d for d in period.departments if d.slug == WEIJIAN)
    assert weijian.figures["应提醒"] == 4
    for figure, counts in weijian.weekly.items():
        assert sum(counts) == weijian.figures[figure] == len(weijian.behind(figure)), figure
    assert len(weeks_of(date(2026, 11, 4), date(2026, 11, 4))) == 1


def test_sms_confirmed_by_hand_is_counted_apart_from_calls_and_from_messages_sent(
    remind_args: list[str], tmp_path: Path
) -> None:
    with Registry(Path(remind_args[-1])) as registry:
        registry.add([
            _done("WJ-1", "公共场所卫生许可延续", "甲酒店", "2026-12-10", FIRST, "2026-11-10", "已告知"),
            _done("WJ-2", "饮用水供水单位卫生许可延续", "甲酒店", "2026-12-15", FIRST, "2026-11-20", "已发送（未核实送达）"),
            _done("WJ-3", "公共场所卫生许可延续", "乙诊所", "2026-11-30", SECOND, "2026-11-20", "已发送"),
        ])  # fmt: skip
    out = tmp_path / "report.xlsx"
    period = ["--from", "2026-11-01", "--to", "2026-11-30", "--today", TODAY, "--out", str(out)]
    assert main(["report", *remind_args, *period]) == 0
    sheet = openpyxl.load_workbook(out)["汇总"]
    headers = [c.value for c in sheet[2]]
    assert headers[-5:-1] == [
        "完成中：人工提醒（电话等）",
        "完成中：短信已发送（未核实送达）",
        "完成中：邮件等已发送",
        "完成中：短信已送达",  # through the platform, delivery seen
    ]
    summary = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    done = summary["鞍山市行政审批局（卫生健康审批）"]
    assert done[2] + done[3] == 3 and done[-5:-1] == (1, 1, 1, 0)


def test_the_on_time_rate_is_one_rule_for_every_report() -> None:
    """按时率 (按时完成 / 应提醒): the workbook's total, the console's total and each department's, one function."""
    assert on_time_rate(Counter({"应提醒": 3, "按时完成": 2, "逾期完成": 1})) == "67%"
    assert on_time_rate(Counter({"应提醒": 8, "按时完成": 8})) == "100%"
    assert on_time_rate(Counter()) == "—"  # nothing was due
