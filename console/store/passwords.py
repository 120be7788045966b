"""Passwords: argon2id hashes, at least 10 characters, common ones refused; never stored or logged in clear."""

from __future__ import annotations

import asyncio
import os
import threading
from collections import deque
from types import TracebackType

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
_HASHER = PasswordHasher()  # argon2id with the library's current recommended cost
# Each hash takes 64 MiB and a core: more at once than there are cores only adds memory and slows every page.
HASHES_AT_ONCE = max(1, len(os.sched_getaffinity(0)))
# A few of the passwords most often found in leaks and most often chosen in offices here.
_COMMON = frozenset(
    [
        "1234567890",
        "0123456789",
        "12345678910",
        "123456789a",
        "1q2w3e4r5t",
        "qwertyuiop",
        "1qaz2wsx3edc",
        "qazwsxedc123",
        "password123",
        "password1234",
        "passw0rd123",
        "administrator",
        "admin12345",
        "admin123456",
        "abc1234567",
        "abcd123456",
        "a123456789",
        "aa12345678",
        "iloveyou123",
        "woaini1314",
        "woaini520",
        "88888888888",
        "66666666666",
        "11111111111",
        "00000000000",
        "zxcvbnm123",
        "asdfghjkl1",
        "qwerty12345",
        "1234qwer!@",
        "p@ssw0rd12",
        "welcome123",
        "changeme123",
        "letmein1234",
        "jiaozao123",
        "jiaozao2026",
        "123123123123",
        "gov12345678",
        "zhengwu1234",
        "shenpi12345",
    ]
)


class WeakPassword(Exception):
    """A password the console refuses; the message says why, in Chinese."""


def check_strength(password: str, user_name: str = "") -> None:
    """Raise WeakPassword for a password that is too short, too common or the user's own name."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"密码至少 {MIN_LENGTH} 个字符")
    lowered = password.lower()
    if lowered in _COMMON or len(set(password)) < 4 or (user_name and user_name.lower() in lowered):
        raise WeakPassword("这个密码太常见或太容易猜到（含用户名、重复字符等），请换一个")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


class Turns:
    """At most n holders at once; the others wait first come, first served on their own event loop.

    A waiting sign-in holds no thread and no hash memory. Unlike asyncio.Semaphore it serves requests of
    several event loops (the console's tests run one per client).
    """

    def __init__(self, n: int) -> None:
        self._free = n
        self._lock = threading.Lock()
        self._waiting: deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = deque()

    async def __aenter__(self) -> None:
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return
            loop = asyncio.get_running_loop()
            turn: asyncio.Future[None] = loop.create_future()
            self._waiting.append((loop, turn))
        try:
            await turn
        except asyncio.CancelledError:
            with self._lock:
                if (loop, turn) in self._waiting:
                    self._waiting.remove((loop, turn))
                    raise
            if turn.done() and not turn.cancelled():  # given the turn as it was cancelled: pass it on
                self._release()
            raise

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._release()

    def _release(self) -> None:
        with self._lock:
            while self._waiting:
                loop, turn = self._waiting.popleft()
                try:
                    loop.call_soon_threadsafe(self._give, turn)
                    return
                except RuntimeError:  # its event loop has closed: the next one gets the turn
                    continue
            self._free += 1

    def _give(self, turn: asyncio.Future[None]) -> None:
        if turn.cancelled():  # its request went away meanwhile: the next one gets the turn
            self._release()
        else:
            turn.set_result(None)


_TURNS = Turns(HASHES_AT_ONCE)


async def verify_in_turn(stored: str, password: str) -> bool:
    """Check a password in a worker thread, never more than HASHES_AT_ONCE at the same time."""
    async with _TURNS:
        return await anyio.to_thread.run_sync(verify_password, stored, password)


def verify_password(stored: str, password: str) -> bool:
    """Return whether password matches the stored argon2 hash (never raises for a wrong one)."""
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


# Checked against when the name is unknown, so a wrong name takes as long as a wrong password.
DUMMY_HASH = _HASHER.hash("jiaozao-no-such-user")
