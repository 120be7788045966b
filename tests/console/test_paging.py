"""The one paging rule of the console's long lists."""

from __future__ import annotations

from console.frame.paging import page_of


def test_the_page_asked_for_within_the_pages_there_are() -> None:
    page = page_of("2", 120, 50)
    assert (page.number, page.pages, page.offset) == (2, 3, 50)
    assert list(range(120))[page.rows] == list(range(50, 100))
    assert page_of("9", 120, 50).number == 3  # past the end: the last page
    assert page_of("0", 120, 50).number == 1
    assert (page_of(None, 0, 50).number, page_of(None, 0, 50).pages) == (1, 1)  # an empty list has one page


def test_anything_but_a_page_number_is_the_first_page() -> None:
    """The copies took any str.isdigit(): a superscript ² or a 5,000-digit number made int() fail (a 500)."""
    for asked in ("", "-1", "abc", "²", "٣", "9" * 5000, " 2"):
        assert page_of(asked, 1000, 50).number == 1
