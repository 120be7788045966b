"""函告 printed by a real browser: headless chromium (Page.printToPDF, A4) on letters served from 127.0.0.1.

An ordinary holder's letter is one page; a holder with many certificates runs on to a second page cleanly
(every row once, the table's header repeated, the signature never alone); a day's three letters print as
exactly three pages, one letter each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.reminders.due import HolderGroup
from generator.reminders.letters import render_letter, render_letters
from tests.browser import chromium, pdf_pages, print_a4, require_browser, serve
from tests.generator.reminders.test_letters import DAY, day_groups, many_certificates

Printer = Callable[[str], list[str]]
HEADER = "证照名称证照编号期满日期剩余天数"
CLOSING = "本函为证照到期提醒服务"


@pytest.fixture
def printed(tmp_path: Path) -> Iterator[Printer]:
    """Yield print(html) -> the text of each A4 page chromium prints of it."""
    require_browser()
    folder = tmp_path / "letters"
    folder.mkdir()
    with serve(folder) as base, chromium() as driver:
        count = 0

        def print_pages(html: str) -> list[str]:
            nonlocal count
            count += 1
            (folder / f"{count}.html").write_text(html, encoding="utf-8")
            driver.get(f"{base}{count}.html")
            return pdf_pages(print_a4(driver))

        yield print_pages


@pytest.fixture
def groups(catalogs_dir: Path, ledger_dir: Path, tmp_path: Path) -> list[HolderGroup]:
    return day_groups(catalogs_dir, ledger_dir, tmp_path)


def test_an_ordinary_holders_letter_is_one_a4_page(printed: Printer, groups: list[HolderGroup]) -> None:
    for (
        group
    ) in groups:  # 乙诊所 (a second reminder, the consequence told), 甲酒店 (two certificates), 己超市
        assert 1 <= len(group.reminders) <= 2
        (page,) = printed(render_letter(group, DAY, "ref"))
        assert group.holder in page and CLOSING in page
        assert all(r.certificate.number in page for r in group.reminders)


@pytest.mark.parametrize("count", [12, 15, 30])
def test_a_holder_with_many_certificates_continues_on_a_second_page_cleanly(
    printed: Printer, groups: list[HolderGroup], count: int
) -> None:
    group = many_certificates(groups[1], count)
    pages = printed(render_letter(group, DAY, "ref"))
    assert len(pages) >= 2
    numbers = [r.certificate.number for r in group.reminders]
    assert all(sum(page.count(n) for page in pages) == 1 for n in numbers)  # every row once, none cut
    for page in pages:
        if any(n in page for n in numbers):  # a page with rows of the table starts them with its header
            assert page.index(HEADER) < min(page.index(n) for n in numbers if n in page)
    last = pages[-1]
    assert CLOSING in last and last.index("鞍山市行政审批局") > 0  # the signature is not alone on the page
    assert CLOSING not in "".join(pages[:-1])


def test_a_days_three_letters_print_as_three_pages_one_letter_each(
    printed: Printer, groups: list[HolderGroup]
) -> None:
    department = groups[0].department
    pages = printed(render_letters(department, list(enumerate(groups, 1)), DAY))
    assert len(pages) == 3
    for number, (group, page) in enumerate(zip(groups, pages, strict=True), 1):
        assert (
            page.startswith("证照到期提醒函")
            and f"anshan-weijian-20261123-{number:03d}{group.holder}" in page
        )
        assert page.count("证照到期提醒函") == 1 and CLOSING in page
        assert "函告(共" not in page  # the heading is for the screen, not printed
