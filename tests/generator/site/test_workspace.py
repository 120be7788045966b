"""A killed build leaves its scratch folder beside the site; the next build removes it (and no live one)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from generator.config import DEMO_CATALOGS, Settings
from generator.workflows.build import build_site


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_next_build_clears_workspaces_of_killed_builds(tmp_path: Path) -> None:
    killed = tmp_path / f".site-build-{_dead_pid()}-k1ll3d"
    older = tmp_path / ".site-build-x8f2q0zz"  # named before builds put their process id in it
    running = tmp_path / f".site-build-{os.getppid()}-busy"  # another build, still running
    for folder in (killed, older, running):
        (folder / "docs").mkdir(parents=True)
        (folder / "docs" / "index.md").write_text("half a build", encoding="utf-8")
    os.utime(older, (0, 0))
    index = tmp_path / "site-index"
    (index / ".gen-000009-tmp").mkdir(parents=True)  # an index generation killed while written
    build_site(Settings.read(str(DEMO_CATALOGS)), date(2026, 11, 23), tmp_path / "site", tmp_path / "src",
               index_dir=index)  # fmt: skip
    assert not killed.exists() and not older.exists()
    assert running.exists()
    assert not list(index.glob(".gen-*"))
    assert (tmp_path / "site" / "index.html").exists()
