"""A department's records in the 登记簿, read for the 登记簿 and 今日提醒 pages."""

from __future__ import annotations

from console.settings import ConsoleSettings
from generator.reminders.registry import CHANNELS, RESULTS, Entry, Registry

__all__ = ["CHANNELS", "RESULTS", "Entry", "count", "entries"]


def entries(
    settings: ConsoleSettings, slug: str, where: str = "", values: tuple[object, ...] = (), *,
    newest_first: bool = False, limit: int = -1, offset: int = 0,
) -> list[Entry]:  # fmt: skip
    """Return the department's 登记簿 records matching an SQL condition (values bound), oldest first or newest."""
    with Registry(settings.inputs.db) as registry:
        return registry.entries(slug, where, values, newest_first=newest_first, limit=limit, offset=offset)


def count(settings: ConsoleSettings, slug: str, where: str = "", values: tuple[object, ...] = ()) -> int:
    with Registry(settings.inputs.db) as registry:
        return registry.count(slug, where, values)
