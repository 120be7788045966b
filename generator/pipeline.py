"""Load and validate everything a command needs: 目录, holiday supplement, 台账."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from generator.catalog.load import load_catalogs
from generator.catalog.model import Catalogs
from generator.config import Settings
from generator.ledger.load import Progress, load_ledgers
from generator.ledger.model import Ledger
from generator.problems import InputError, Level, ProblemList
from generator.schedule import late_reminder_problems
from generator.workdays import WorkdayCalendar, load_holiday_supplement


@dataclass
class Inputs:
    """Everything loaded for a run, with every problem found on the way."""

    catalogs: Catalogs
    calendar: WorkdayCalendar
    ledger: Ledger
    problems: ProblemList


def load_calendar(settings: Settings) -> WorkdayCalendar:
    """Return the working-day calendar with the staff supplement; a bad supplement raises InputError."""
    supplement, problems = load_holiday_supplement(settings.holidays)
    if any(p.level is Level.ERROR for p in problems):
        raise InputError(problems)
    return WorkdayCalendar.build(supplement)


def load_inputs(settings: Settings, today: date, progress: Progress | None = None) -> Inputs:
    """Return validated inputs; catalogue errors raise InputError, ledger row problems are collected."""
    problems = ProblemList()
    supplement, holiday_problems = load_holiday_supplement(settings.holidays)
    try:
        catalogs, catalog_problems = load_catalogs(settings.catalogs)
    except InputError as error:
        raise InputError([*holiday_problems, *error.problems]) from None
    if any(p.level is Level.ERROR for p in holiday_problems):
        raise InputError([*holiday_problems, *catalog_problems])
    calendar = WorkdayCalendar.build(supplement)
    problems.extend(holiday_problems)
    problems.extend(catalog_problems)
    problems.extend(late_reminder_problems(catalogs, calendar, today))
    ledger, ledger_problems = load_ledgers(settings.ledgers, catalogs, progress, settings.cache)
    problems.extend(ledger_problems)
    return Inputs(catalogs, calendar, ledger, problems)
