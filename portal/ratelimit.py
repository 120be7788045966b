"""Lookups per client address per minute (a token bucket each), against bulk scraping of the ledger."""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class RateLimited(Exception):
    """Too many lookups from one address; retry_after is in whole seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class RateLimiter:
    """Allows `per_minute` lookups a minute per address, in bursts of up to `per_minute`; 0 allows all."""

    _PRUNE_AT = 50_000  # addresses remembered before full buckets are forgotten

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # address → (tokens, when)

    def check(self, address: str) -> None:
        """Spend one lookup for address; raises RateLimited when its bucket is empty."""
        if self.per_minute <= 0:
            return
        now = self._clock()
        tokens, when = self._buckets.get(address, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - when) * self._rate)
        if tokens < 1.0:
            self._buckets[address] = (tokens, now)
            raise RateLimited(max(1, math.ceil((1.0 - tokens) / self._rate)))
        self._buckets[address] = (tokens - 1.0, now)
        if len(self._buckets) > self._PRUNE_AT:
            self._prune(now)

    def _prune(self, now: float) -> None:
        full = 60.0  # seconds after which any bucket is full again
        self._buckets = {a: (t, w) for a, (t, w) in self._buckets.items() if now - w < full}
