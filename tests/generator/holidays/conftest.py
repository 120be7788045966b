"""Notice fixtures: one notice text per year 2007–2026 in the notices' own forms, the in-year changes, bad texts."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
NOTICES = HERE / "notices"
CHANGES = HERE / "changes"
BAD = HERE / "bad"
YEARS = range(2007, 2027)


def notice_file(year: int) -> Path:
    return NOTICES / f"{year}.txt"


def changes_of(year: int) -> list[Path]:
    """Return the in-year change notices of a year, in the order they were issued."""
    return sorted(CHANGES.glob(f"{year}-*.txt"))
