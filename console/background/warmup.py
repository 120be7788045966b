"""Load, before anyone asks, what the first page views need — at start and after each publish.

One after another in one thread: the 目录 and the calendar, then the province's 台账 and this quarter's figures
(督促检查's alone). One thread, so that a page asked for meanwhile shares the processor with one task, not three.
No department's day or plan is warmed: each is read from the department's own 台账 when its clerk first opens it
(a fraction of a second; console/state/department_day.py), and warming 300 departments would fill the memory a
console keeps for the departments its clerks open.
"""

from __future__ import annotations

import threading

from console.settings import ConsoleSettings
from console.state import figures, inputs

THREAD_NAME = "console-warm"


def warm(settings: ConsoleSettings) -> None:
    inputs.warm(settings)
    figures.warm(settings)


def start(settings: ConsoleSettings) -> None:
    """Warm up in the background (a warm-up already running is left to finish)."""
    if any(t.name == THREAD_NAME for t in threading.enumerate()):
        return
    threading.Thread(target=warm, args=(settings,), name=THREAD_NAME, daemon=True).start()
