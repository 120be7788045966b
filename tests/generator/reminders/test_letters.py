from __future__ import annotations

from pathlib import Path

from generator.cli import main
from tests.conftest import write_xlsx
from tests.generator.reminders.conftest import HEADER, ROWS, TODAY


def test_one_printable_letter_per_holder_listing_all_its_certificates(
    remind_args: list[str], tmp_path: Path
) -> None:
    assert main(["remind", *remind_args, "--today", TODAY, "--out", str(tmp_path / "out")]) == 0
    letters = sorted((tmp_path / "out" / "anshan-weijian" / "函告").glob("*.html"))
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
    (letter,) = (tmp_path / "out" / "anshan-weijian" / "函告").glob("*.html")
    text = letter.read_text(encoding="utf-8")
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
