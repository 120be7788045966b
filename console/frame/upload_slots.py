"""At most one upload check per clerk and a set number in all at a time: a flood of large uploads cannot take
every core and all memory from the other users (issue 18 item 6: four parallel 23 MB CSVs took 306 s and 4.6 GB).

A check that finds no free place is answered at once (429, in Chinese) instead of queueing without bound.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from console.frame.errors import ConsoleError

BUSY = "正在检查的上传已满，请稍候再试"


class UploadSlots:
    """Places for upload checks: one per user, `limit` in all."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._users: set[str] = set()

    @contextmanager
    def held(self, user: str) -> Iterator[None]:
        """Hold a place for the user's check while the block runs; raise a 429 page when there is none."""
        with self._lock:
            if user in self._users:
                raise ConsoleError(429, "upload_busy", "您上传的另一个文件还在检查中，请等它检查完再上传",
                                   "检查完成后刷新页面即可再次上传。")  # fmt: skip
            if len(self._users) >= self.limit:
                raise ConsoleError(429, "upload_busy", BUSY,
                                   f"同时最多检查 {self.limit} 个上传，现在 {len(self._users)} 个正在检查。")  # fmt: skip
            self._users.add(user)
        try:
            yield
        finally:
            with self._lock:
                self._users.discard(user)
