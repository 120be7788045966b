"""What the console keeps in memory between requests: one object per app, one lock, one way to forget it.

Each thing kept (the published 目录, the calendar, each department's day and plan, a department's certificate
table, its refused 台账 rows, 督促检查's figures per department) sits under a key with the stamp of what it was made from
(the day, the state of the input files, of the 登记簿): a different stamp makes it again. One thread makes a key at a
time; another thread asking for it meanwhile waits and shares what the first one made.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar, cast

T = TypeVar("T")

# The stamps of the input files as this request first looked at them (None: not inside such a request). A page
# asks for the state of the 目录 and 台账 folders several times (the day, the plan, the department's facts, its
# refused rows): one walk of a province's folders per request instead of six or more.
_LOOKED: ContextVar[dict[Hashable, object] | None] = ContextVar("jiaozao_looked", default=None)


@contextmanager
def inputs_looked_at_once() -> Iterator[None]:
    """Within this block (a request that writes no input file: a page view, recording a result), each state of
    the input files is taken once and reused; the threads the request runs its work in see the same."""
    token = _LOOKED.set({})
    try:
        yield
    finally:
        _LOOKED.reset(token)


def looked_at(key: Hashable, look: Callable[[], T], reuse: tuple[Memory, float] | None = None) -> T:
    """Return the state look() takes (a walk of the input folders): taken once per request inside
    inputs_looked_at_once, every time elsewhere (background work, requests that write files).

    reuse (the memory, seconds): such a request takes the state another such request took less than that long
    ago, not a walk of its own — a province's folders hold hundreds of files and each page view asked. What the
    console itself writes is seen at once (a request or job that writes input files forgets what was taken:
    Memory.forget_looks); a change made elsewhere (the command line, another process, a hand edit) within the
    seconds given, as if the request had come that much earlier."""
    seen = _LOOKED.get()
    if seen is None:
        return look()
    if key not in seen:
        seen[key] = look() if reuse is None else reuse[0].recent(key, reuse[1], look)
    return cast(T, seen[key])


class Memory:
    """The console's in-memory state: what is kept, by key, with the stamp it was made from."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards the dictionaries below, held only to read or change them
        self._kept: dict[Hashable, tuple[object, object]] = {}  # key → (stamp, what was made)
        self._turns: dict[Hashable, threading.RLock] = {}  # key → the turn of the one thread making it
        # key → (when it was taken, the state): looked_at's reuse; when input files were last written here
        self._looks: dict[Hashable, tuple[float, object]] = {}
        self._written = 0.0

    def recent(self, key: Hashable, seconds: float, look: Callable[[], T]) -> T:
        """Return the state look() took less than seconds ago (by any thread; the time it started counts), else
        take it now and keep it."""
        started = time.monotonic()
        with self._lock:
            found = self._looks.get(key)
        if found is not None and started - found[0] < seconds:
            return cast(T, found[1])
        state = look()
        with self._lock:  # a walk begun before the files were last written here is not kept
            if started >= self._written and (key not in self._looks or self._looks[key][0] <= started):
                self._looks[key] = (started, state)
        return state

    def forget_looks(self) -> None:
        """Forget every state taken for reuse, and keep none taken before now: input files were written here."""
        with self._lock:
            self._looks.clear()
            self._written = time.monotonic()

    @contextmanager
    def turn(self, key: Hashable) -> Iterator[None]:
        """Hold the key's turn: one thread at a time makes or changes what is kept under it."""
        with self._lock:
            turn = self._turns.setdefault(key, threading.RLock())
        with turn:
            yield

    def get(self, key: Hashable) -> tuple[object, object] | None:
        """Return (stamp, what is kept) under the key, whatever its stamp, or None."""
        with self._lock:
            return self._kept.get(key)

    def put(self, key: Hashable, stamp: object, value: T) -> T:
        with self._lock:
            self._kept[key] = (stamp, value)
        return value

    def drop(self, key: Hashable) -> None:
        with self._lock:
            self._kept.pop(key, None)

    def current(self, key: Hashable, stamp: object) -> object | None:
        """Return what is kept under the key when it was made from this stamp, without waiting for a make."""
        found = self.get(key)
        return found[1] if found is not None and found[0] == stamp else None

    def kept(self, key: Hashable, stamp: object, make: Callable[[], T]) -> T:
        """Return what is kept under the key for this stamp, made now if it is not (an old one goes first)."""
        with self.turn(key):
            found = self.get(key)
            if found is not None and found[0] == stamp:
                return cast(T, found[1])
            self.drop(key)  # the old copy goes before the new one is made: a province's 台账 is a gigabyte
            return self.put(key, stamp, make())

    def kept_long(self, key: Hashable, stamp: object, make: Callable[[], T]) -> T:
        """As kept, for something of millions of objects (a province's 台账, the day's plan): once made it is moved
        out of the garbage collector's sight (gc.freeze), so each full collection does not walk it — at 300,000
        certificates every full collection stopped all requests for 0.4–0.5 s. What is made is freed as usual
        when dropped (by reference count); only garbage left in cycles at the moment of freezing would stay."""
        with self.turn(key):
            found = self.get(key)
            if found is not None and found[0] == stamp:
                return cast(T, found[1])
            made = self.kept(key, stamp, make)
            settle()
            return made

    def forget(self) -> None:
        """Drop everything kept, as a restart of the console would (figures kept on disk stay)."""
        with self._lock:
            self._kept.clear()


def settle() -> None:
    """Collect what is garbage now, then freeze every object left: long-lived data is no longer walked by each full
    collection (see Memory.kept_long)."""
    gc.collect()
    gc.freeze()
