from __future__ import annotations

import csv
import os
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from generator.demo import LAYOUTS, DemoItem, LedgerLayout, demo_rows, write_ledger
from generator.ledger import identifiers as ids

ANCHOR = date(2026, 9, 1)
ITEMS = (
    DemoItem("3", "排污许可证", "排污许可-延续", 5, False),
    DemoItem("4", "危险化学品经营许可证", "危险化学品经营许可", 3, False),
    DemoItem("5", "危险化学品安全使用许可证", "危险化学品安全使用许可", 3, False),
    DemoItem("7", "第二类、第三类非药品类易制毒化学品生产经营备案证明", "易制毒化学品生产经营备案", 3, False),
    DemoItem("13", "《药品经营许可证》", "《药品经营许可证》换发", 5, False),
    DemoItem("14", "医疗机构执业许可证", "医疗机构执业登记-延续", 5, False),
    DemoItem("20", "特种设备作业人员证", "特种设备作业人员资格认定", 4, True),
    DemoItem("21", "农药经营许可证", "农药经营许可", 5, False),
)
PERSON_CERTIFICATES = {item.certificate for item in ITEMS if item.held_by_person}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, object]]:
    return demo_rows(ITEMS, 3000, seed=42, anchor=ANCHOR, prefix="AS")


def _dates(rows: list[dict[str, object]], field: str) -> list[date]:
    values = [row[field] for row in rows]
    assert all(isinstance(value, date) for value in values)
    return [value for value in values if isinstance(value, date)]


def test_same_seed_same_rows(rows: list[dict[str, object]]) -> None:
    assert demo_rows(ITEMS, 3000, seed=42, anchor=ANCHOR, prefix="AS") == rows


def test_other_seed_other_rows(rows: list[dict[str, object]]) -> None:
    assert demo_rows(ITEMS, 3000, seed=43, anchor=ANCHOR, prefix="AS") != rows


def test_count_and_sequence(rows: list[dict[str, object]]) -> None:
    assert len(rows) == 3000
    assert [row["seq"] for row in rows] == list(range(1, 3001))
    assert demo_rows(ITEMS, 0, seed=1, anchor=ANCHOR, prefix="AS") == []


@pytest.mark.parametrize(
    ("items", "count", "region"), [(ITEMS, -1, "anshan"), ((), 5, "anshan"), (ITEMS, 5, "atlantis")]
)
def test_bad_arguments_are_refused(items: tuple[DemoItem, ...], count: int, region: str) -> None:
    with pytest.raises(ValueError):
        demo_rows(items, count, seed=1, anchor=ANCHOR, prefix="AS", region=region)


def test_identifiers_are_valid(rows: list[dict[str, object]]) -> None:
    for row in rows:
        credit, id_number, phone = str(row["credit_code"]), str(row["id_number"]), str(row["phone"])
        assert credit == "" or ids.is_valid_credit_code(credit), row
        assert ids.is_valid_id_number(id_number), row
        assert ids.is_mobile(phone) or ids.is_landline(phone), row
        assert ids.looks_like_person_name(str(row["contact"])), row
    phones = [str(row["phone"]) for row in rows]
    landlines = sum(not ids.is_mobile(phone) for phone in phones)
    assert 0.02 < landlines / len(phones) < 0.10
    assert all(phone.startswith("0412-") for phone in phones if not ids.is_mobile(phone))


def test_numbers_are_unique_text_some_with_leading_zero(rows: list[dict[str, object]]) -> None:
    numbers = [row["number"] for row in rows]
    assert len(set(numbers)) == len(numbers)
    assert all(isinstance(number, str) for number in numbers)
    assert any(str(number).startswith("0210") for number in numbers)
    assert any(str(number).startswith("AS-13-") for number in numbers)


def test_credit_codes_belong_to_one_organisation_each(rows: list[dict[str, object]]) -> None:
    holders: dict[object, set[object]] = {}
    for row in rows:
        if row["credit_code"]:
            holders.setdefault(row["credit_code"], set()).add(row["holder"])
    assert all(len(names) == 1 for names in holders.values())
    assert len({next(iter(names)) for names in holders.values()}) == len(holders)


def test_expiry_spread(rows: list[dict[str, object]]) -> None:
    expiries = _dates(rows, "expires_on")
    assert min(expiries) >= ANCHOR - timedelta(days=90)
    assert max(expiries) <= ANCHOR + timedelta(days=540)
    soon = sum(ANCHOR <= day <= ANCHOR + timedelta(days=90) for day in expiries)
    assert sum(day < ANCHOR for day in expiries) > 0.05 * len(rows)
    assert soon > 0.25 * len(rows)
    years = Counter(day.year for day in expiries)
    assert years[2027] > 0 and years[2028] > 0


def test_issued_on_is_validity_years_before_expiry(rows: list[dict[str, object]]) -> None:
    years = {item.certificate: item.validity_years for item in ITEMS}
    for row in rows:
        issued, expires = row["issued_on"], row["expires_on"]
        assert isinstance(issued, date) and isinstance(expires, date)
        day_before = issued - timedelta(days=1)
        assert day_before.year == expires.year - years[str(row["certificate"])]
        assert (day_before.month, day_before.day) == (expires.month, expires.day) or (
            expires.month,
            expires.day,
        ) == (2, 29)


def test_persons_hold_person_certificates_and_a_few_others(rows: list[dict[str, object]]) -> None:
    persons = [row for row in rows if not row["credit_code"]]
    assert {row["certificate"] for row in persons} >= PERSON_CERTIFICATES
    assert all(row["credit_code"] == "" for row in rows if row["certificate"] in PERSON_CERTIFICATES)
    others = [row for row in persons if row["certificate"] not in PERSON_CERTIFICATES]
    organisations = [row for row in rows if row["credit_code"]]
    assert 0.01 < len(others) / (len(others) + len(organisations)) < 0.06
    for row in persons:
        assert ids.looks_like_person_name(str(row["holder"])), row
        assert row["contact"] == row["holder"]
    for row in organisations:
        assert not ids.looks_like_person_name(str(row["holder"])), row


def test_some_organisations_hold_two_or_three_certificates(rows: list[dict[str, object]]) -> None:
    per_holder = Counter(row["credit_code"] for row in rows if row["credit_code"])
    counts = Counter(per_holder.values())
    assert counts[2] > 0 and counts[3] > 0 and max(counts) == 3
    multi = sum(1 for n in per_holder.values() if n > 1)
    assert 0.05 < multi / len(per_holder) < 0.15
    shared = [row for row in rows if per_holder.get(row["credit_code"], 0) > 1]
    by_holder: dict[object, set[tuple[object, ...]]] = {}
    for row in shared:
        by_holder.setdefault(row["credit_code"], set()).add((row["contact"], row["phone"], row["email"]))
    assert all(len(contacts) == 1 for contacts in by_holder.values())


def test_status_only_for_certificates_expiring_soon(rows: list[dict[str, object]]) -> None:
    applied = [row for row in rows if row["status"]]
    assert applied and all(row["status"] == "已申请延续" for row in applied)
    for row in applied:
        expires = row["expires_on"]
        assert isinstance(expires, date) and ANCHOR <= expires <= ANCHOR + timedelta(days=60)
    assert all(
        row[field] == "" for row in rows for field in ("reminded_on", "reminder_by", "method", "remark")
    )


def test_emails_use_reserved_domains_only(rows: list[dict[str, object]]) -> None:
    emails = [str(row["email"]) for row in rows if row["email"]]
    assert 0.5 < len(emails) / len(rows) < 0.7
    assert all(email.rsplit("@", 1)[1] in {"example.com", "example.org", "example.net"} for email in emails)


def test_holder_names_are_plain_text(rows: list[dict[str, object]]) -> None:
    assert not any(ch in str(row["holder"]) for row in rows for ch in "<>&\"'")
    assert all(row["matter_code"] in {item.code for item in ITEMS} for row in rows)


def test_regions_change_places_and_area_codes() -> None:
    rows = demo_rows(ITEMS, 400, seed=5, anchor=ANCHOR, prefix="DL", region="dongli")
    assert any(str(row["holder"]).startswith(("天津", "东丽")) for row in rows)
    assert sum(str(row["id_number"]).startswith("1201") for row in rows) > 0.6 * len(rows)
    assert all(str(row["phone"]).startswith("022-") for row in rows if not ids.is_mobile(str(row["phone"])))


def _headers(layout: LedgerLayout) -> list[str]:
    return [header for _, header in layout.columns]


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_xlsx_round_trip(tmp_path: Path, rows: list[dict[str, object]], layout: LedgerLayout) -> None:
    path = tmp_path / f"{layout.name}.xlsx"
    write_ledger(path, layout, rows[:300])
    sheet = load_workbook(path).worksheets[0]
    lines = list(sheet.iter_rows())
    titles = len(layout.title_rows)
    assert [line[0].value for line in lines[:titles]] == list(layout.title_rows)
    assert [cell.value for cell in lines[titles]] == _headers(layout)
    assert len(lines) == titles + 1 + 300
    for row, cells in zip(rows[:300], lines[titles + 1 :], strict=True):
        for (field, _), cell in zip(layout.columns, cells, strict=True):
            _check_xlsx_cell(field, row, cell)


def _check_xlsx_cell(field: str, row: dict[str, object], cell: Any) -> None:
    value, data_type, number_format = cell.value, cell.data_type, cell.number_format
    expected = row[field]
    if expected in ("", None):
        assert value is None
    elif field in ("number", "credit_code", "id_number", "phone", "matter_code"):
        assert (value, data_type, number_format) == (expected, "s", "@")
    elif field in ("issued_on", "expires_on"):
        assert isinstance(value, datetime) and value.date() == expected
        assert (data_type, number_format) == ("d", "yyyy-mm-dd")
    else:
        assert value == expected


def test_xlsx_keeps_leading_zeros(tmp_path: Path, rows: list[dict[str, object]]) -> None:
    zeros = [row for row in rows if str(row["number"]).startswith("0")][:5]
    path = tmp_path / "zeros.xlsx"
    write_ledger(path, LAYOUTS["anshan"], zeros)
    sheet = load_workbook(path).worksheets[0]
    column = 1 + [h for _, h in LAYOUTS["anshan"].columns].index("证照编号")
    assert [sheet.cell(row=4 + i, column=column).value for i in range(len(zeros))] == [
        r["number"] for r in zeros
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_csv_round_trip(
    tmp_path: Path, rows: list[dict[str, object]], layout: LedgerLayout, encoding: str
) -> None:
    path = tmp_path / f"{layout.name}.csv"
    write_ledger(path, layout, rows[:300], encoding=encoding)
    with path.open(encoding=encoding, newline="") as stream:
        lines = list(csv.reader(stream))
    titles = len(layout.title_rows)
    assert [line[0] for line in lines[:titles]] == list(layout.title_rows)
    assert all(len(line) == len(layout.columns) for line in lines)
    assert lines[titles] == _headers(layout)
    styles: Counter[str] = Counter()
    for row, line in zip(rows[:300], lines[titles + 1 :], strict=True):
        for (field, _), text in zip(layout.columns, line, strict=True):
            expected = row[field]
            if isinstance(expected, date):
                styles[_date_style(text, expected)] += 1
            else:
                assert text == str(expected)
    if "expires_on" in dict(layout.columns):
        assert styles["iso"] > 0.85 * sum(styles.values())
        assert styles["slash"] > 0 and styles["chinese"] > 0


def _date_style(text: str, day: date) -> str:
    forms = {
        "iso": day.isoformat(),
        "slash": f"{day.year}/{day.month}/{day.day}",
        "chinese": f"{day.year}年{day.month}月{day.day}日",
    }
    matches = [style for style, form in forms.items() if form == text]
    assert matches, (text, day)
    return matches[0]


def test_csv_dates_can_be_written_uniformly(tmp_path: Path, rows: list[dict[str, object]]) -> None:
    path = tmp_path / "plain.csv"
    write_ledger(path, LAYOUTS["dongli"], rows[:100], varied_dates=False)
    with path.open(encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream))[3:]
    assert [line[5] for line in lines] == [str(row["expires_on"]) for row in rows[:100]]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "ledger.csv"
    path.write_text("old", encoding="utf-8")
    unencodable = [{"seq": 1, "holder": "\U00020bb7记商店", "expires_on": ANCHOR}]  # 𠮷 is not in GBK
    with pytest.raises(UnicodeEncodeError):
        write_ledger(path, LAYOUTS["anshan"], unencodable, encoding="gbk")
    assert path.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["ledger.csv"]


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.xls"):
        write_ledger(tmp_path / "ledger.xls", LAYOUTS["anshan"], [])


def test_layout_headers_follow_the_seeds() -> None:
    assert _headers(LAYOUTS["anshan"])[:3] == ["序号", "证照持有单位（个人）", "证照名称"]
    assert "证照持有单位 (个人)" in _headers(LAYOUTS["anyang"])
    assert "联系人(提醒对象)" in _headers(LAYOUTS["anyang"])
    assert _headers(LAYOUTS["jiaozao"])[1] == "服务事项(填事项代码)"
    assert LAYOUTS["dongli"].title_rows == ("东丽区政务服务办公室许可证书到期前提醒台账", "科室名称：")
