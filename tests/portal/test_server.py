"""`jiaozao serve` for real: uvicorn on 127.0.0.1, and a new index swapped in under load with no failed request."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.browser import running_jiaozao
from tests.portal.conftest import PortalData, build_index

JIAOZAO = [sys.executable, "-m", "generator"]


@contextmanager
def running_portal(catalogs: Path, index_dir: Path, *extra: str) -> Iterator[str]:
    """Run `jiaozao serve` on a free port of 127.0.0.1 and yield its base URL once /healthz answers."""
    with running_jiaozao(
        ["serve", "--catalogs", str(catalogs), "--index", str(index_dir), *extra], "/healthz"
    ) as base:
        yield base


def _unlimited_copy(portal_data: PortalData, tmp_path: Path) -> tuple[Path, Path]:
    catalogs, index_dir = tmp_path / "catalogs", tmp_path / "index"
    shutil.copytree(portal_data.catalogs_dir, catalogs)
    shutil.copytree(portal_data.index_dir, index_dir)
    (catalogs / "portal.yaml").write_text("每分钟查询次数: 0\n", encoding="utf-8")
    return catalogs, index_dir


def test_serve_runs_uvicorn_on_localhost(portal_data: PortalData, tmp_path: Path) -> None:
    catalogs, index_dir = _unlimited_copy(portal_data, tmp_path)
    with running_portal(catalogs, index_dir, "--no-site") as base:
        response = httpx.get(base + "/api/v1/certificates/hy-0000")
        assert response.status_code == 200 and response.json()["holder"] == "无锡华宇科技有限公司"
        assert "server" not in response.headers
        assert httpx.get(base + "/lookup", params={"no": "HY-0000"}).status_code == 200
        assert httpx.get(base + "/").headers["location"] == "/lookup"
        spoofed = httpx.get(base + "/healthz", headers={"X-Forwarded-For": "1.2.3.4"})
        assert spoofed.status_code == 200


def test_a_new_index_is_swapped_in_under_load_with_no_failed_request(
    portal_data: PortalData, tmp_path: Path
) -> None:
    catalogs, index_dir = _unlimited_copy(portal_data, tmp_path)
    statuses: list[int] = []
    failures: list[str] = []
    stop = threading.Event()

    def hammer() -> None:
        with httpx.Client(base_url=base, timeout=10) as client:
            while not stop.is_set():
                try:
                    response = client.get("/api/v1/certificates/HY-0000")
                    statuses.append(response.status_code)
                    if response.status_code != 200 or response.json()["number"] != "HY-0000":
                        failures.append(response.text[:200])
                except httpx.HTTPError as error:
                    failures.append(repr(error))

    with running_portal(catalogs, index_dir, "--no-site") as base:
        first = httpx.get(base + "/healthz").json()["generation"]
        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for thread in threads:
            thread.start()
        for _ in range(3):
            build_index(catalogs, index_dir)
            time.sleep(1.3)  # the portal looks at CURRENT once a second
        stop.set()
        for thread in threads:
            thread.join()
        last = httpx.get(base + "/healthz").json()["generation"]
    assert failures == []
    assert len(statuses) > 100
    assert last != first and last == (index_dir / "CURRENT").read_text().strip()


def test_serve_refuses_without_an_index(tmp_path: Path) -> None:
    result = subprocess.run(
        [*JIAOZAO, "serve", "--index", str(tmp_path / "none")], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert (
        "还没有查询索引" in result.stderr
        and "jiaozao build" in result.stderr
        and "Traceback" not in result.stderr
    )


def test_the_portal_does_not_import_pandas() -> None:
    code = "import sys, portal.app; print(sorted(m for m in ('pandas', 'generator', 'numpy', 'mkdocs') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_serve_explains_a_busy_port(portal_data: PortalData, tmp_path: Path) -> None:
    import socket

    catalogs, index_dir = _unlimited_copy(portal_data, tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [*JIAOZAO, "serve", "--catalogs", str(catalogs), "--index", str(index_dir), "--port", str(port)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode == 1 and "端口可能已被占用" in result.stderr and "Traceback" not in result.stderr
