"""Writing a file whole or not at all: a temporary file beside the target, renamed over it on success."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.problems import JiaozaoError


class OutputError(JiaozaoError):
    """An output file that cannot be written."""


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside path; on success it replaces path, on any failure path is untouched."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
        os.close(handle)
    except OSError as error:
        raise OutputError(
            f"无法写入“{path}”：{error.strerror}。请检查文件夹是否存在、是否有写权限"
        ) from error
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; staff and the web server need to read it
        os.replace(temp, path)
    except OSError as error:
        raise OutputError(
            f"写入“{path}”失败：{error.strerror}。原文件保持不变；请检查磁盘空间和权限"
        ) from error
    finally:
        temp.unlink(missing_ok=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
