"""Load, before anyone asks, what the first page views need — at start and after each publish.

One after another in one thread: the 目录 and the calendar, then the province's 台账 (shared by 督促检查, 今日提醒
and the certificate tables), this quarter's figures, and today's plan. One thread, so that a page asked for
meanwhile shares the processor with one task, not three.
"""

from __future__ import annotations

import threading

from console.settings import ConsoleSettings
from console.state import figures, inputs, plans

THREAD_NAME = "console-warm"


def warm(settings: ConsoleSettings) -> None:
    inputs.warm(settings)
    figures.warm(settings)
    plans.warm(settings)


def start(settings: ConsoleSettings) -> None:
    """Warm up in the background (a warm-up already running is left to finish)."""
    if any(t.name == THREAD_NAME for t in threading.enumerate()):
        return
    threading.Thread(target=warm, args=(settings,), name=THREAD_NAME, daemon=True).start()
