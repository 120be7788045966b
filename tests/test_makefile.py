"""make demo's preparation leaves the tracked files alone, and the site, portal and console follow the ports."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.config import PROJECT_ROOT

DAY = "2026-12-09"
pytestmark = pytest.mark.skipif(
    shutil.which("make") is None or shutil.which("git") is None, reason="需要 make 和 git"
)


def _git(repo: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=测试", "-c", "user.email=test@example.invalid", *args]
    return subprocess.run(command, cwd=repo, check=True, capture_output=True, text=True).stdout


def _make(repo: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run make in the copy with the venv running the tests (never installing into it), its code the copy's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIAOZAO_")}
    env.update(PYTHONPATH=str(repo), JIAOZAO_CACHE=str(tmp_path / "cache"))
    venv = Path(sys.prefix)
    command = ["make", "-o", f"{venv}/.installed", f"VENV={venv}", *args]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def fresh_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh repository holding the working tree's files (tracked and new, not ignored), committed."""
    repo = tmp_path_factory.mktemp("clone") / "jiaozao"
    listed = _git(PROJECT_ROOT, "ls-files", "-co", "--exclude-standard", "-z").split("\0")
    for name in filter(None, listed):
        source = PROJECT_ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "fresh")
    return repo


def test_demo_prepare_changes_no_tracked_file_and_follows_the_port(fresh_copy: Path, tmp_path: Path) -> None:
    for _ in range(2):  # the first run copies the demo data, the second works on the copy it finds
        run = _make(fresh_copy, tmp_path, "demo-prepare", "PORT=8765", f"TODAY={DAY}")
        assert run.returncode == 0, run.stdout + run.stderr
        assert _git(fresh_copy, "status", "--porcelain") == ""
        ignored = _git(fresh_copy, "status", "--porcelain", "--ignored").splitlines()
        assert all(line.startswith("!! var/") or "__pycache__" in line for line in ignored), ignored
    demo = fresh_copy / "var" / "demo"
    assert "演示登记簿" in run.stderr and (demo / "登记簿.sqlite").is_file()
    assert "http://127.0.0.1:8765/" in (demo / "catalogs" / "site.yaml").read_text(encoding="utf-8")
    for folder in (demo / "site", demo / "site-index"):
        texts = [p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.stat().st_size < 5_000_000]
        assert any(b"http://127.0.0.1:8765/" in t for t in texts), folder
        assert not any(b"127.0.0.1:8000" in t for t in texts), folder


def test_demo_passes_the_ports_to_the_portal_and_the_console(fresh_copy: Path, tmp_path: Path) -> None:
    run = _make(fresh_copy, tmp_path, "-n", "demo", "PORT=8765", "CONSOLE_PORT=8766")
    assert run.returncode == 0, run.stderr
    console = next(line for line in run.stdout.splitlines() if "jiaozao console" in line)
    serve = next(line for line in run.stdout.splitlines() if "jiaozao serve" in line)
    assert "--port 8766" in console and "JIAOZAO_CONSOLE_PUBLIC_URL=http://127.0.0.1:8765/" in console
    assert "--port 8765" in serve and "JIAOZAO_SITE=var/demo/site" in serve
    assert "http://127.0.0.1:8765/" in run.stdout and "http://127.0.0.1:8766/" in run.stdout
