"""The province's 目录 and 台账 scheduled for today: one copy in the console, loaded once per state of the inputs.

The day's reminders, 督促检查 and the departments' certificate tables all read this copy: a province's 台账 is a
million rows, loading it takes seconds and each copy costs a gigabyte.
"""

from __future__ import annotations

from console.settings import ConsoleSettings
from console.state.inputs import department, files_state, today_of, unusable_catalog
from generator.problems import DepartmentUnusable
from generator.workflows.published import Department
from generator.workflows.remind import LoadedDay, load_day


def input_stamp(settings: ConsoleSettings) -> object:
    """Return what changes when a 目录, department file, holidays.csv or 台账 file changes."""
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


def usable_department(settings: ConsoleSettings, slug: str) -> Department:
    """Return the department when its 目录 and 台账 can be used today; else raise DepartmentUnusable (a 409)."""
    broken = unusable_catalog(settings, slug)
    if broken is not None:
        raise DepartmentUnusable(broken)
    loaded_day(settings).inputs.require(slug)
    found = department(settings, slug)
    assert found is not None  # its 目录 loaded, or unusable_catalog would have said why
    return found
