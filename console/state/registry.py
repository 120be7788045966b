"""A department's records in the 登记簿, read for the 登记簿 and 今日提醒 pages."""

from __future__ import annotations

from console.settings import ConsoleSettings
from generator.workflows import today as today_work
from generator.workflows.today import CHANNELS, RESULTS, Entry

__all__ = ["CHANNELS", "RESULTS", "Entry", "count", "entries"]


def entries(
    settings: ConsoleSettings, slug: str, where: str = "", values: tuple[object, ...] = (), *,
    newest_first: bool = False, limit: int = -1, offset: int = 0,
) -> list[Entry]:  # fmt: skip
    """Return the department's 登记簿 records matching an SQL condition (values bound), oldest first or newest."""
    return today_work.entries(
        settings.inputs.registry, slug, where, values, newest_first=newest_first, limit=limit, offset=offset
    )


def count(settings: ConsoleSettings, slug: str, where: str = "", values: tuple[object, ...] = ()) -> int:
    return today_work.count(settings.inputs.registry, slug, where, values)
