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
