"""The 台账 workflow: an upload compared with the current 台账 (added, dropped, changed, the tick's rule), the
current 台账's refused rows named as staff know them, and the accepted file written in place."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from generator.catalog.load import load_catalogs
from generator.catalog.model import Catalogs
from generator.ledger.load import load_ledgers
from generator.ledger.model import Ledger
from generator.workflows import ledger as workflow

TODAY = date(2026, 11, 23)
HEADER = ("序号", "证照持有单位（个人）", "证照名称", "证照编号", "期满日期", "联系人", "联系方式")
Row = tuple[str, str, str, date, str, str]  # holder, certificate, number, expires, contact, phone


@pytest.fixture
def catalogs(catalogs_dir: Path) -> Catalogs:
    return load_catalogs(catalogs_dir)[0]


def far(days: int = 400) -> date:
    return TODAY + timedelta(days=days)


def written(path: Path, rows: list[Row]) -> Path:
    """Write a 鞍山 台账 .xlsx (title row, header, rows) and return its path."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["鞍山市行政审批局证照到期提醒台账"])
    sheet.append(list(HEADER))
    for n, row in enumerate(rows, 1):
        sheet.append([n, *row])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def loaded(path: Path, catalogs: Catalogs) -> Ledger:
    ledger, _ = load_ledgers(path, catalogs)
    assert ledger.rows_read == len(ledger) + ledger.rows_rejected
    return ledger


def certificates(count: int) -> list[Row]:
    return [
        (f"鞍山第{n}化工有限公司", "排污许可证", f"AS-03-2021-{n:06d}", far(), "张三", "13800000000")
        for n in range(count)
    ]


def test_added_dropped_and_changed_certificates_are_told_apart(tmp_path: Path, catalogs: Catalogs) -> None:
    before = [
        ("鞍山甲公司", "排污许可证", "N-1", far(), "张三", "13800000001"),
        ("鞍山乙公司", "排污许可证", "N-2", TODAY + timedelta(days=10), "李四", "13800000002"),
        ("鞍山丙公司", "排污许可证", "", far(), "王五", "13800000003"),  # no number: matched by holder
        ("鞍山丁公司", "采矿许可证", "N-4", far(), "赵六", "13800000004"),
    ]
    after = [
        ("鞍山甲公司", "排污许可证", "N-1", far(500), "张小三", "13800000001"),
        ("鞍山丙公司", "排污许可证", "", far(600), "王五", "13800000003"),
        ("鞍山丁公司", "采矿许可证", "N-4", far(), "赵六", "13800000004"),
        ("鞍山戊公司", "采矿许可证", "N-5", far(), "孙七", "13800000005"),
    ]
    old = loaded(written(tmp_path / "old" / "anshan.xlsx", before), catalogs)
    new = loaded(written(tmp_path / "new" / "anshan.xlsx", after), catalogs)
    preview = workflow.compare(catalogs, old, new, TODAY)
    assert [c.number for c in preview.added] == ["N-5"] and preview.added[0].row == 6
    assert [(c.number, c.due_soon, c.row) for c in preview.dropped] == [("N-2", True, 4)]
    assert [(c.holder, c.detail) for c in preview.changed] == [
        ("鞍山甲公司", f"期满日期 {far()}→{far(500)}；联系人 张三→张小三"),
        ("鞍山丙公司", f"期满日期 {far()}→{far(600)}"),
    ]
    assert (preview.rows_before, preview.rows_after, preview.certificates_before) == (4, 4, 4)
    assert preview.needs_consent
    assert preview.consent_label == "我知道：将有 1 张证照不再提醒，其中 1 张 30 天内到期"


@pytest.mark.parametrize(("dropped", "needed"), [(0, False), (10, False), (11, True)])
def test_dropping_more_than_a_tenth_needs_the_tick(
    tmp_path: Path, catalogs: Catalogs, dropped: int, needed: bool
) -> None:
    rows = certificates(100)
    old = loaded(written(tmp_path / "old" / "anshan.xlsx", rows), catalogs)
    new = loaded(written(tmp_path / "new" / "anshan.xlsx", rows[dropped:]), catalogs)
    preview = workflow.compare(catalogs, old, new, TODAY)
    assert (len(preview.dropped), preview.due_soon, preview.needs_consent) == (dropped, 0, needed)
    if needed:
        assert preview.consent_label == "我知道：将有 11 张证照不再提醒"


@pytest.mark.parametrize(("days", "soon"), [(-1, False), (0, True), (30, True), (31, False)])
def test_one_certificate_due_within_30_days_needs_the_tick(
    tmp_path: Path, catalogs: Catalogs, days: int, soon: bool
) -> None:
    rows = certificates(100)
    rows[0] = (*rows[0][:3], TODAY + timedelta(days=days), *rows[0][4:])
    old = loaded(written(tmp_path / "old" / "anshan.xlsx", rows), catalogs)
    new = loaded(written(tmp_path / "new" / "anshan.xlsx", rows[1:]), catalogs)
    preview = workflow.compare(catalogs, old, new, TODAY)
    assert (preview.due_soon, preview.needs_consent) == (int(soon), soon)


def test_a_checked_upload_names_the_file_as_the_clerk_called_it(tmp_path: Path, catalogs: Catalogs) -> None:
    rows = certificates(3)
    rows[2] = (rows[2][0], rows[2][1], rows[0][2], *rows[2][3:])  # the same 证照编号 twice
    content = written(tmp_path / "up.xlsx", rows).read_bytes()
    current = loaded(written(tmp_path / "old" / "anshan.xlsx", certificates(3)), catalogs)
    check = workflow.check_upload(catalogs, "anshan", current, content, "xlsx", TODAY, "上传的文件 导出.xlsx")
    assert (check.rows_read, check.accepted) == (3, 2)
    (problem,) = check.problems
    assert problem.file == "上传的文件 导出.xlsx" and problem.row == 5
    assert "与 上传的文件 导出.xlsx 第 3 行" in problem.fix and "jiaozao-ledger-" not in problem.fix
    assert [c.number for c in check.preview.dropped] == ["AS-03-2021-000002"]  # its row was refused


def test_refused_rows_name_each_file_without_its_path(tmp_path: Path, catalogs: Catalogs) -> None:
    first = certificates(3)
    first[1] = (first[1][0], "不存在的证照", *first[1][2:])
    second = certificates(6)[3:]
    second[0] = (*second[0][:3], "下个月", *second[0][4:])  # type: ignore[assignment]
    folder = tmp_path / "ledgers"
    written(folder / "anshan-1.xlsx", first)
    written(folder / "anshan-2.xlsx", second)
    ledger, problems = load_ledgers(folder, catalogs)
    refused = workflow.refused_rows(problems)
    assert ledger.rows_rejected == 2
    assert [(p.file, p.row, p.value) for p in refused] == [
        ("当前台账（第 1 个文件）", 4, "不存在的证照"),
        ("当前台账（第 2 个文件）", 3, "下个月"),
    ]
    assert not any(str(tmp_path) in p.message + p.fix for p in refused)


def test_replacing_writes_the_department_file_and_removes_its_others(
    tmp_path: Path, catalogs: Catalogs
) -> None:
    folder = tmp_path / "ledgers"
    written(folder / "anshan-2025.xlsx", certificates(2))
    other = written(folder / "dongli.xlsx", certificates(1))
    target = workflow.replace_ledger(folder, catalogs, "anshan", b"a,b\n", "csv")
    assert target == folder / "anshan.csv" and target.read_bytes() == b"a,b\n"
    assert sorted(p.name for p in folder.iterdir()) == ["anshan.csv", "dongli.xlsx"] and other.exists()
    assert workflow.fingerprint([target]) != workflow.fingerprint([other])
