"""The province's 目录 and 台账 scheduled for today: one copy in the console, loaded once per state of the inputs.

Only 督促检查 (console/state/figures.py) reads this copy: a province's 台账 is millions of rows, loading it takes
minutes and each copy costs gigabytes. A clerk's pages read their department's own day (department_day.py).
"""

from __future__ import annotations

from console.settings import ConsoleSettings
from console.state.inputs import files_state, today_of
from generator.workflows.remind import LoadedDay, load_day


def input_stamp(settings: ConsoleSettings) -> object:
    """Return what changes when a 目录, department file, holidays.csv or 台账 file changes (one walk a request)."""
    return files_state(settings)


def loaded_day(settings: ConsoleSettings) -> LoadedDay:
    """Return today's inputs and schedule, loaded again only when an input file changed or the day did."""
    return stamped_day(settings)[1]


def stamped_day(settings: ConsoleSettings) -> tuple[object, LoadedDay]:
    """Return today's loaded inputs with the state of the input files they were loaded from."""
    stamp = (today_of(settings), input_stamp(settings))
    # One load at a time: a second caller waits for the first and shares its result.
    return stamp, settings.memory.kept_long("province", stamp, lambda: load_day(settings.inputs, stamp[0]))


def loaded_if_ready(settings: ConsoleSettings, stamp: object | None = None) -> LoadedDay | None:
    """Return today's loaded inputs if they are in memory and current, without waiting for a load.

    stamp: (today, input_stamp(settings)) when the caller has just taken it.
    """
    if stamp is None:
        stamp = (today_of(settings), input_stamp(settings))
    found = settings.memory.current("province", stamp)
    return found if isinstance(found, LoadedDay) else None
