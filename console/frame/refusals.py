"""Refused requests in the audit log: every one, but at most a few rows per address a minute.

A flood of refused requests (a script posting without a token, probing other departments' ids) must not fill
the disk: past PER_ADDRESS rows an address's refusals are only counted, and once its minute is over one row says
how many were left out. ALL_ADDRESSES bounds the rows of every address together the same way.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from console.store import audit

PER_ADDRESS = 20  # rows per address per minute
ALL_ADDRESSES = 300  # rows per minute from all addresses together
WINDOW = 60.0  # seconds
_ALL = ""  # the key of the window shared by all addresses
SIGNED_OUT = "未登录"


@dataclass
class _Window:
    started: float
    written: int = 0
    left_out: int = 0


class RefusalLog:
    """Writes refused requests to the audit log within the limits; thread-safe; close() writes what is pending."""

    def __init__(
        self,
        db: sqlite3.Connection,
        clock: Callable[[], float] = time.monotonic,
        per_address: int = PER_ADDRESS,
        overall: int = ALL_ADDRESSES,
    ) -> None:
        self.db, self.clock = db, clock
        self.per_address, self.overall = per_address, overall
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()

    def note(self, user: str, address: str, action: str, detail: str) -> None:
        """Write one refusal, or count it when its address (or everyone) has had its rows this minute."""
        with self._lock:
            now = self.clock()
            self._summarise(lambda w: now - w.started >= WINDOW)
            everyone = self._windows.setdefault(_ALL, _Window(now))
            if everyone.written >= self.overall:
                everyone.left_out += 1
                return
            mine = self._windows.setdefault(address, _Window(now))
            if mine.written >= self.per_address:
                mine.left_out += 1
                return
            mine.written += 1
            everyone.written += 1
            audit.log(self.db, user, address, action, detail=detail)

    def close(self) -> None:
        """Write the rows saying how many refusals were left out, for every window still open."""
        with self._lock:
            self._summarise(lambda w: True)

    def _summarise(self, over: Callable[[_Window], bool]) -> None:
        for key, window in list(self._windows.items()):
            if not over(window):
                continue
            del self._windows[key]
            if window.left_out:
                limit = (
                    f"每个地址每分钟最多记 {self.per_address} 条"
                    if key
                    else f"每分钟最多记 {self.overall} 条"
                )
                where = "这个地址" if key else "所有地址"
                detail = f"{where}一分钟内另有 {window.left_out} 次被拒绝的请求没有逐条记录（{limit}）"
                audit.log(self.db, SIGNED_OUT, key or "（全部）", "refused_left_out", detail=detail)
