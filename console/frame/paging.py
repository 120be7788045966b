"""Long lists shown a page at a time (台账, 今日提醒, 登记簿, 督促检查 lists, 操作日志): the one paging rule."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """The page shown of a list: its number (from 1), how many pages there are, and how many rows one holds."""

    number: int
    pages: int
    size: int

    @property
    def offset(self) -> int:
        """Return how many rows come before this page."""
        return (self.number - 1) * self.size

    @property
    def rows(self) -> slice:
        """Return the slice of the whole list this page shows."""
        return slice(self.offset, self.offset + self.size)


def page_of(asked: str | None, count: int, size: int) -> Page:
    """Return the page asked for (?page=) of count rows: the first when it is not a page number, the last past the end."""
    pages = max(1, -(-count // size))
    wanted = int(asked) if asked and asked.isascii() and asked.isdigit() and len(asked) <= 9 else 1
    return Page(min(max(wanted, 1), pages), pages, size)
