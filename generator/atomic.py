"""Writing whole or not at all: a file (or a folder's files) written beside the target, renamed over it on success."""

from __future__ import annotations

import os
import shutil
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


@contextmanager
def replacing_folder(path: Path, whole: bool = False) -> Iterator[Path]:
    """Yield an empty folder beside path; on success each of its entries replaces the same-named one in path.

    Entries of path that the new folder does not have stay (with whole, the folder is replaced as one);
    on any failure path is left exactly as it was.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent))
    except OSError as error:
        raise OutputError(
            f"无法写入“{path}”：{error.strerror}。请检查文件夹是否存在、是否有写权限"
        ) from error
    try:
        yield stage
        os.chmod(stage, 0o777 & ~_umask())  # mkdtemp makes 0700
        _merge(stage, path, whole)
    except OSError as error:
        raise OutputError(
            f"写入“{path}”失败：{error.strerror}。原有文件保持不变；请检查磁盘空间和权限"
        ) from error
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _merge(stage: Path, path: Path, whole: bool) -> None:
    """Move stage's entries into path by renames; the old ones go aside first and come back on failure."""
    if not path.exists():
        stage.rename(path)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
    if whole:
        path.rename(aside / path.name)
        try:
            stage.rename(path)
        except OSError:
            (aside / path.name).rename(path)
            aside.rmdir()
            raise
        shutil.rmtree(aside, ignore_errors=True)
        return
    placed: list[str] = []
    try:
        for entry in sorted(stage.iterdir()):
            target = path / entry.name
            if target.exists() or target.is_symlink():
                target.rename(aside / entry.name)
            entry.rename(target)
            placed.append(entry.name)
    except OSError:
        for name in placed:
            _remove(path / name)
        for old in aside.iterdir():
            old.rename(path / old.name)
        aside.rmdir()
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
