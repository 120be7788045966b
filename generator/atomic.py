"""Writing whole or not at all: a file (or a folder's files) written beside the target, renamed over it on success."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.problems import JiaozaoError


class OutputError(JiaozaoError):
    """An output file that cannot be written."""


PRIVATE_FILE, PRIVATE_FOLDER = (
    0o600,
    0o700,
)  # personal data: the server's own account only, whatever the umask


@contextmanager
def replacing(path: Path, private: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside path; on success it replaces path, on any failure path is untouched.

    private (personal data): the file is 0600 and the folders made for it 0700; otherwise as the umask allows.
    """
    try:
        _make_folder(path.parent, private)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
        os.close(handle)
    except OSError as error:
        raise OutputError(
            f"无法写入“{path}”：{error.strerror}。请检查文件夹是否存在、是否有写权限"
        ) from error
    temp = Path(name)
    try:
        yield temp
        # mkstemp makes 0600; unless private, staff and the web server need to read it
        os.chmod(temp, PRIVATE_FILE if private else 0o666 & ~_umask())
        os.replace(temp, path)
    except OSError as error:
        raise OutputError(
            f"写入“{path}”失败：{error.strerror}。原文件保持不变；请检查磁盘空间和权限"
        ) from error
    finally:
        temp.unlink(missing_ok=True)


@contextmanager
def replacing_folder(path: Path, whole: bool = False, private: bool = False) -> Iterator[Path]:
    """Yield an empty folder beside path; on success each of its entries replaces the same-named one in path.

    Entries of path that the new folder does not have stay (with whole, the folder is replaced as one);
    on any failure path is left exactly as it was. private (personal data): every file written into the
    folder is made 0600 and every folder 0700, path and the folders made above it too.
    """
    try:
        _make_folder(path.parent, private)
        stage = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent))
    except OSError as error:
        raise OutputError(
            f"无法写入“{path}”：{error.strerror}。请检查文件夹是否存在、是否有写权限"
        ) from error
    try:
        yield stage
        if private:
            _make_private(stage)
        else:
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


def private_database(path: Path) -> None:
    """Make an SQLite database file 0600 before it is opened (made empty when missing), its folders 0700.

    SQLite gives the -wal, -shm and -journal files it makes the database file's mode; those an earlier
    version left are made 0600 here.
    """
    private_folder(path.parent)
    with contextlib.suppress(FileExistsError):  # one there already is only tightened, never opened here
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    for companion in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):  # missing, or not ours to change
            os.chmod(f"{path}{companion}", PRIVATE_FILE)


def private_folder(path: Path) -> None:
    """Make the folder and those above it that are missing, each 0700 (folders there already are left alone)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile by another thread or process
            os.mkdir(folder, PRIVATE_FOLDER)
            os.chmod(folder, PRIVATE_FOLDER)


def _make_folder(path: Path, private: bool) -> None:
    if private:
        private_folder(path)
    else:
        path.mkdir(parents=True, exist_ok=True)


def _make_private(folder: Path) -> None:
    """Make every file under folder 0600 and every folder 0700 (symbolic links are left alone)."""
    os.chmod(folder, PRIVATE_FOLDER)
    for root, folders, files in os.walk(folder):
        for name in folders:
            if not os.path.islink(os.path.join(root, name)):
                os.chmod(os.path.join(root, name), PRIVATE_FOLDER)
        for name in files:
            if not os.path.islink(os.path.join(root, name)):
                os.chmod(os.path.join(root, name), PRIVATE_FILE)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
