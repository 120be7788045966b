"""Load and validate everything a command needs: 目录, holiday supplement, 台账.

One department's broken 目录 or unreadable 台账 file leaves that department out of the run (Inputs.unusable,
with why); the other departments are loaded, scheduled and published as usual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from generator.catalog.load import CatalogsApart, load_catalogs_apart
from generator.catalog.model import Catalogs
from generator.config import Settings
from generator.ledger.corrections import overridden_problems, read_corrections, with_corrections
from generator.ledger.load import Progress, load_ledgers_apart
from generator.ledger.model import Ledger, LedgerColumns
from generator.problems import (
    DepartmentUnusable,
    InputError,
    Level,
    Problem,
    ProblemList,
    Unusable,
)
from generator.schedule import late_reminder_problems
from generator.workdays import WorkdayCalendar, load_holiday_supplement


@dataclass
class Inputs:
    """Everything loaded for a run, with every problem found on the way."""

    catalogs: Catalogs
    calendar: WorkdayCalendar
    ledger: Ledger
    problems: ProblemList
    unusable: dict[str, Unusable] = field(default_factory=dict)  # departments left out, by slug
    # (部门, certificate key) → the day a clerk last corrected its phone: failed calls before it are not the
    # new number's (reachability)
    phone_corrected: dict[tuple[str, str], date] = field(default_factory=dict)

    def require(self, slug: str) -> None:
        """Raise DepartmentUnusable when the department was left out of this run."""
        if slug in self.unusable:
            raise DepartmentUnusable(self.unusable[slug])


def refuse_broken_catalogs(inputs: Inputs, extra: list[Problem] | None = None) -> None:
    """Raise InputError with every problem when a department's 目录 is broken (check and schedule refuse it)."""
    if any(u.what == "目录" for u in inputs.unusable.values()):
        raise InputError([*inputs.problems.items, *(extra or [])])


def load_calendar(settings: Settings) -> WorkdayCalendar:
    """Return the working-day calendar with the staff supplement; a bad supplement raises InputError."""
    supplement, problems = load_holiday_supplement(settings.holidays)
    if any(p.level is Level.ERROR for p in problems):
        raise InputError(problems)
    return WorkdayCalendar.build(supplement)


def load_inputs(
    settings: Settings, today: date, progress: Progress | None = None, only: str | None = None, *,
    apart: CatalogsApart | None = None, calendar: WorkdayCalendar | None = None,
) -> Inputs:  # fmt: skip
    """Return validated inputs; a bad holiday supplement or no department at all raises InputError.

    A department whose 目录 has an error, or with a 台账 file of which no row can be used, is left out and
    named in Inputs.unusable; its problems are among Inputs.problems.

    With only (a department's slug): every 目录 (item indices as in a load of all), but only that department's
    台账 files, corrections and late-reminder warnings, and only it named in Inputs.unusable. apart and calendar:
    the 目录 and the calendar as already loaded from these settings (the console keeps them), else they are read.
    """
    problems = ProblemList()
    supplement, holiday_problems = load_holiday_supplement(settings.holidays)
    try:
        apart = apart or load_catalogs_apart(settings.catalogs)
    except InputError as error:
        raise InputError([*holiday_problems, *error.problems]) from None
    if any(p.level is Level.ERROR for p in holiday_problems):
        raise InputError([*holiday_problems, *apart.problems])
    calendar = calendar or WorkdayCalendar.build(supplement)
    unusable = {
        slug: Unusable(slug, apart.names.get(slug) or slug, "目录", tuple(found))
        for slug, found in apart.broken.items()
        if only in (None, slug)
    }
    if only is not None and only not in apart.catalogs.slugs:  # its 目录 cannot be used: no 台账 to read
        ledger = Ledger.from_columns([], LedgerColumns(), 0, 0)
        problems.extend([*holiday_problems, *apart.problems])
        return Inputs(apart.catalogs, calendar, ledger, problems, unusable)
    loaded = load_ledgers_apart(
        settings.ledgers, apart.catalogs, progress, settings.cache, apart.broken, only=only
    )
    catalogs, ledger = apart.catalogs, loaded.ledger
    for slug, found in loaded.unread.items():
        unusable[slug] = Unusable(slug, catalogs.department(slug).name, "台账", tuple(found))
    if loaded.unread:
        catalogs, ledger = _without(catalogs, ledger, set(loaded.unread))
    problems.extend(holiday_problems)
    problems.extend(apart.problems)
    problems.extend(late_reminder_problems(catalogs, calendar, today, only))
    problems.extend(loaded.problems)
    corrections = read_corrections(settings.ledgers, catalogs.slugs if only is None else [only])
    ledger, overridden = with_corrections(ledger, catalogs, corrections)
    problems.extend(overridden_problems(settings.ledgers, overridden))
    phones: dict[tuple[str, str], date] = {}
    for c in corrections:
        if c.field == "phone":
            on = date.fromisoformat(c.at[:10])
            phones[(c.department, c.key)] = max(on, phones.get((c.department, c.key), on))
    return Inputs(catalogs, calendar, ledger, problems, unusable, phones)


def _without(catalogs: Catalogs, ledger: Ledger, slugs: set[str]) -> tuple[Catalogs, Ledger]:
    """Return the 目录 and 台账 without these departments; their rows count as rows reported, not dropped."""
    kept = Catalogs(catalogs.root, tuple(d for d in catalogs.departments if d.slug not in slugs))
    keep_item = np.array([i.department not in slugs for i in catalogs.items], dtype=np.bool_)
    new_item = np.cumsum(keep_item) - 1  # an item's index among the items kept
    rows = keep_item[ledger.item] if len(ledger) else np.zeros(0, dtype=np.bool_)
    picked = np.flatnonzero(rows).tolist()

    def texts(values: list[str]) -> list[str]:
        return [values[i] for i in picked]

    return kept, Ledger(
        files=ledger.files, item=new_item[ledger.item[rows]], expires=ledger.expires[rows],
        issued=ledger.issued[rows], applied=ledger.applied[rows], person=ledger.person[rows],
        file=ledger.file[rows], row=ledger.row[rows], number=texts(ledger.number), holder=texts(ledger.holder),
        contact=texts(ledger.contact), phone=texts(ledger.phone), email=texts(ledger.email),
        id_number=texts(ledger.id_number), credit_code=texts(ledger.credit_code), rows_read=ledger.rows_read,
        rows_rejected=ledger.rows_rejected + int(len(ledger) - len(picked)),
    )  # fmt: skip
