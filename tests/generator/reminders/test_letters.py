from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from generator.cli import main
from generator.config import Settings
from generator.reminders.due import HolderGroup
from generator.reminders.letters import ALL_LETTERS_FILE, render_letter, render_letters
from generator.workflows.remind import plan_today
from tests.conftest import write_xlsx
from tests.generator.reminders.conftest import HEADER, ROWS, TODAY

DAY = date.fromisoformat(TODAY)


def day_groups(catalogs_dir: Path, ledger_dir: Path, tmp_path: Path) -> list[HolderGroup]:
    """Return the day's holders of 鞍山卫健 in the small ledger: 乙诊所, 甲酒店 (two certificates) and 己超市."""
    settings = Settings(catalogs_dir, ledger_dir, db=tmp_path / "db.sqlite", out=tmp_path / "out")
    (work,) = plan_today(settings, DAY).departments
    return work.groups


def many_certificates(group: HolderGroup, count: int) -> HolderGroup:
    """Return the holder with count certificates due (its first one, numbered WJ-100, WJ-101, …)."""
    first = group.reminders[0]
    reminders = [
        replace(first, certificate=replace(first.certificate, number=f"WJ-{100 + i}")) for i in range(count)
    ]
    return replace(group, reminders=reminders)


def test_one_printable_letter_per_holder_listing_all_its_certificates(
    remind_args: list[str], tmp_path: Path
) -> None:
    assert main(["remind", *remind_args, "--today", TODAY, "--out", str(tmp_path / "out")]) == 0
    letters = sorted((tmp_path / "out" / "anshan-weijian" / "函告").glob("0*.html"))
    assert [p.name for p in letters] == ["001-乙诊所.html", "002-甲酒店.html", "003-己超市.html"]
    jia = letters[1].read_text(encoding="utf-8")
    assert "@page { size: A4" in jia and "证照到期提醒函" in jia
    assert (
        "WJ-1" in jia and "WJ-2" in jia and "2026年12月10日" in jia and "anshan-weijian-20261123-002" in jia
    )
    assert "13800138000" not in jia and "http" not in jia.split("<body>")[0]  # no phone, nothing loaded
    yi = letters[0].read_text(encoding="utf-8")
    assert "请注意：" in yi  # a second reminder tells the consequence
    assert "我们此前已提醒过您" not in yi  # …but its first was never done


def test_letters_escape_what_the_ledger_says(catalogs_dir: Path, tmp_path: Path) -> None:
    rows = [["<b>坏</b>&公司", *ROWS[0][1:]]]
    write_xlsx(tmp_path / "l" / "anshan-weijian.xlsx", [HEADER, *rows])
    args = ["--catalogs", str(catalogs_dir), "--ledgers", str(tmp_path / "l"), "--db", str(tmp_path / "db")]
    assert main(["remind", *args, "--today", TODAY, "--out", str(tmp_path / "out")]) == 0
    folder = tmp_path / "out" / "anshan-weijian" / "函告"
    (letter,) = folder.glob("0*.html")
    for written in (letter, folder / ALL_LETTERS_FILE):
        text = written.read_text(encoding="utf-8")
        assert "&lt;b&gt;坏&lt;/b&gt;&amp;公司" in text and "<b>坏" not in text


def test_invisible_characters_and_line_breaks_stay_out_of_file_names_and_sms(
    catalogs_dir: Path, tmp_path: Path
) -> None:
    import csv

    rows = [
        ["\u202egpj.exe甲酒店", *ROWS[0][1:]],  # a right-to-left override: "甲酒店exe.jpg" in a file manager
        ["乙诊\u200b所\n分店", "公共场所卫生许可延续", "WJ-9", "2026-12-11", "李\r\n医生", "13800138001", "yi@example.com", ""],
    ]  # fmt: skip
    write_xlsx(tmp_path / "l" / "anshan-weijian.xlsx", [HEADER, *rows])
    args = ["--catalogs", str(catalogs_dir), "--ledgers", str(tmp_path / "l"), "--db", str(tmp_path / "db")]
    out = tmp_path / "out"
    assert main(["remind", *args, "--today", TODAY, "--out", str(out), "--dry-run"]) == 0
    names = [p.name for p in (out / "anshan-weijian").rglob("*") if p.is_file()]
    assert "001-gpj.exe甲酒店.html" in names or "002-gpj.exe甲酒店.html" in names, names
    assert any(n.endswith("-乙诊所_分店.eml") for n in names), names
    assert all(n.isprintable() for n in names), names
    sms = list(csv.reader((out / "anshan-weijian" / "短信.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(sms) == 3 and all(text.isprintable() and "\u200b" not in text for _, text in sms[1:])
    assert any("乙诊所 分店" in text for _, text in sms[1:])


def test_remind_also_writes_the_days_letters_as_one_document_to_print(
    remind_args: list[str], tmp_path: Path
) -> None:
    assert main(["remind", *remind_args, "--today", TODAY, "--out", str(tmp_path / "out"), "--dry-run"]) == 0
    folder = tmp_path / "out" / "anshan-weijian" / "函告"
    every = (folder / ALL_LETTERS_FILE).read_text(encoding="utf-8")
    assert every.count('<article class="letter">') == 3
    for number in (1, 2, 3):
        assert f"anshan-weijian-20261123-{number:03d}" in every  # each letter keeps its 编号


def test_the_days_letters_are_titled_by_department_and_day_each_on_its_own_page(
    catalogs_dir: Path, ledger_dir: Path, tmp_path: Path
) -> None:
    groups = day_groups(catalogs_dir, ledger_dir, tmp_path)
    department = groups[0].department
    html = render_letters(department, list(enumerate(groups, 1)), DAY)
    title = f"{department.name} 2026年11月23日 函告（共 3 份）"
    assert re.search(r"<title>(.*?)</title>", html, re.S)[1] == title  # type: ignore[index]
    assert re.search(r'<h1 class="batch">(.*?)</h1>', html, re.S)[1] == title  # type: ignore[index]
    assert all(g.holder not in title for g in groups)
    letters = re.findall(r'<article class="letter">(.*?)</article>', html, re.S)
    assert len(letters) == 3
    for number, (group, letter) in enumerate(zip(groups, letters, strict=True), 1):
        assert f'<p class="to">{group.holder}：</p>' in letter
        assert f"anshan-weijian-20261123-{number:03d}" in letter
        assert all(r.certificate.number in letter for r in group.reminders)
    # every letter after the first starts a new page, in print; the screen-only heading is not printed
    assert ".letter + .letter { break-before: page;" in html
    assert re.search(r"@media print \{[^}]*h1\.batch \{ display: none; \}", html)


def test_one_letter_alone_is_titled_by_its_holder_and_has_no_batch_heading(
    catalogs_dir: Path, ledger_dir: Path, tmp_path: Path
) -> None:
    group = day_groups(catalogs_dir, ledger_dir, tmp_path)[1]
    html = render_letter(group, DAY, "ref-1")
    assert f"<title>证照到期提醒函 · {group.holder}</title>" in html
    assert html.count('<article class="letter">') == 1 and 'class="batch"' not in html
    assert "thead { display: table-header-group; }" in html  # a long table repeats its header on every page


def test_the_days_letters_escape_holder_names(catalogs_dir: Path, ledger_dir: Path, tmp_path: Path) -> None:
    groups = day_groups(catalogs_dir, ledger_dir, tmp_path)
    hostile = replace(groups[0], holder="<script>alert(1)</script>&公司")
    html = render_letters(groups[0].department, [(1, hostile), (2, groups[1])], DAY)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;公司" in html
    assert "（共 2 份）</title>" in html


def test_a_holder_with_many_certificates_lists_them_all_in_one_letter(
    catalogs_dir: Path, ledger_dir: Path, tmp_path: Path
) -> None:
    group = many_certificates(day_groups(catalogs_dir, ledger_dir, tmp_path)[1], 15)
    html = render_letter(group, DAY, "ref")
    assert html.count("<tr><td>") == 15 and "WJ-100" in html and "WJ-114" in html
    assert html.index('<div class="closing">') > html.index("WJ-114")  # the signature after the whole table
