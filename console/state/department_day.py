"""One department's day: every 目录, and its own 台账 and corrections scheduled for today, kept in the console's
memory under the department's own key until the day or an input file changes.

A clerk only ever works on their own department: 今日提醒, its certificates and its 台账 page read this day, never
the province's 台账; 督促检查 counts department by department from these days too (console/state/figures.py).
Reading one department's 台账 takes a fraction of a second where the province takes minutes and gigabytes. At
most settings.departments_kept departments' days and plans are kept: opening one more lets the least recently
opened go (read again when it is next opened).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date

from console.settings import ConsoleSettings
from console.state.inputs import (
    calendar_of,
    department,
    department_stamps,
    input_stamp,
    published_apart,
    today_of,
    unusable_catalog,
)
from generator.problems import DepartmentUnusable, InputError
from generator.workflows.published import Department
from generator.workflows.remind import LoadedDay, load_department_day

_ORDER = "departments kept"  # the departments whose day is kept, the least recently opened first


def day_key(slug: str) -> tuple[str, str]:
    return ("day", slug)


def plan_key(slug: str, monthly: bool) -> tuple[str, str, bool]:
    return ("plan", slug, monthly)


def holders_key(slug: str, monthly: bool) -> tuple[str, str, bool]:
    return ("today holders", slug, monthly)


def _keys(slug: str) -> tuple[Hashable, ...]:
    """Return what is kept of a department and made from its day (plans, 今日提醒's lists, the certificate table,
    the refused count)."""
    return (
        day_key(slug),
        plan_key(slug, False),
        plan_key(slug, True),
        holders_key(slug, False),
        holders_key(slug, True),
        ("certificates", slug),
        ("refused count", slug),
    )


def stamp_of(settings: ConsoleSettings, slug: str) -> tuple[date, object]:
    """Return what the department's day is loaded from: the day and the state of the files it reads (every 目录,
    its own 台账: console/state/inputs.py, department_stamps)."""
    return stamps_of(settings)(slug)


def stamps_of(settings: ConsoleSettings) -> Callable[[str], tuple[date, object]]:
    """Return stamp_of for every department from one walk of the input folders (the home page, 督促检查)."""
    today, stamps = today_of(settings), department_stamps(settings)
    return lambda slug: (today, stamps(slug))


def inputs_stamp(settings: ConsoleSettings) -> tuple[date, object]:
    """Return what every department's day is loaded from: the day and the state of all the input files."""
    return (today_of(settings), input_stamp(settings))


def department_day(
    settings: ConsoleSettings, slug: str, stamp: tuple[date, object] | None = None
) -> LoadedDay:
    """Return the department's day, loaded again only when an input file changed or the day did."""
    stamp = stamp or stamp_of(settings, slug)
    day = settings.memory.kept(day_key(slug), stamp, lambda: _load(settings, slug, stamp[0]))
    kept(settings, slug)
    return day


def _load(settings: ConsoleSettings, slug: str, today: date) -> LoadedDay:
    """Load the department's day with the 目录 and calendar the console keeps (reading 300 目录 takes seconds)."""
    try:
        calendar = calendar_of(settings)
    except InputError:  # a bad holidays.csv: the load says so with every other problem
        calendar = None
    return load_department_day(settings.inputs, today, slug, published_apart(settings), calendar)


def day_if_ready(
    settings: ConsoleSettings, slug: str, stamp: tuple[date, object] | None = None
) -> LoadedDay | None:
    """Return the department's day if it is in memory and current, without loading it (stamp: its stamp_of, when
    the caller has just taken it)."""
    found = settings.memory.current(day_key(slug), stamp or stamp_of(settings, slug))
    return found if isinstance(found, LoadedDay) else None


def read_department_day(
    settings: ConsoleSettings, slug: str, stamp: tuple[date, object] | None = None
) -> LoadedDay:
    """Return the department's day as kept, else read it and let it go: counting every department (督促检查) must
    not push the clerks' own days out of memory, nor hold the province's 台账 at once."""
    stamp = stamp or stamp_of(settings, slug)
    return day_if_ready(settings, slug, stamp) or _load(settings, slug, stamp[0])


def kept(settings: ConsoleSettings, slug: str) -> None:
    """Note the department as just opened; past settings.departments_kept, the least recently opened goes.

    Called after whatever was made of the department is put in memory, so a department let go by another thread
    meanwhile is noted again: nothing stays in memory unnoted."""
    memory = settings.memory
    with memory.turn(_ORDER):
        found = memory.get(_ORDER)
        order = [s for s in (found[1] if found else ()) if s != slug] + [slug]  # type: ignore[attr-defined]
        limit = max(settings.departments_kept, 1)
        gone, order = order[:-limit], order[-limit:]
        memory.put(_ORDER, None, tuple(order))
        for old in gone:
            for key in _keys(old):
                memory.drop(key)


def usable_department(settings: ConsoleSettings, slug: str) -> Department:
    """Return the department when its 目录 and 台账 can be used today; else raise DepartmentUnusable (a 409)."""
    broken = unusable_catalog(settings, slug)
    if broken is not None:
        raise DepartmentUnusable(broken)
    department_day(settings, slug).inputs.require(slug)
    found = department(settings, slug)
    assert found is not None  # its 目录 loaded, or unusable_catalog would have said why
    return found
