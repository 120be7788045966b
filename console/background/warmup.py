"""Load, before anyone asks, what the first page views need — at start and after each publish.

One after another in one thread: the 目录 and the calendar; then the day, plan and 今日提醒 list of the clerks'
departments, those of the most recently seen clerk first, as many as the console keeps (JIAOZAO_CONSOLE_DEPARTMENTS_KEPT; a department
no clerk works on is read from its own 台账 when someone opens it, a fraction of a second); then this quarter's
督促检查 figures, department by department (each department's 台账 read and let go: the province is never held at
once). One thread, so that a page asked for meanwhile shares the processor with one task, not three.
"""

from __future__ import annotations

import threading
from contextlib import closing

from console.settings import ConsoleSettings
from console.state import figures, inputs, plans
from console.state.holders import day_list
from console.store import users
from console.store.db import connect

THREAD_NAME = "console-warm"


def warm(settings: ConsoleSettings) -> None:
    inputs.warm(settings)
    _warm_departments(settings)
    figures.warm(settings)


def _warm_departments(settings: ConsoleSettings) -> None:
    try:
        with closing(connect(settings.database)) as db:
            slugs = users.clerks_departments(db)
    except Exception:  # no database yet, or it cannot be read: the pages say so properly
        return
    for slug in reversed(slugs[: settings.departments_kept]):  # the most recent last: the last to be let go
        try:  # its day and plan, and the 今日提醒 list of its holders (thousands in a province's department)
            day_list(settings, plans.day_plan(settings, slug), slug, False)
        except Exception:  # the page will meet the same problem and say it properly
            continue


def start(settings: ConsoleSettings) -> None:
    """Warm up in the background (a warm-up already running is left to finish)."""
    if any(t.name == THREAD_NAME for t in threading.enumerate()):
        return
    threading.Thread(target=warm, args=(settings,), name=THREAD_NAME, daemon=True).start()
