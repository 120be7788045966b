"""A new build is taken up without a restart; a missing or damaged index gives 503 and keeps the last good one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from portal.config import PortalConfig
from portal.format import CURRENT_FILE
from tests.portal.client import AppClient
from tests.portal.conftest import PortalData, build_index, make_app, write_extra_ledger


def _copy(portal_data: PortalData, tmp_path: Path) -> tuple[Path, Path]:
    catalogs, folder = tmp_path / "catalogs", tmp_path / "index"
    shutil.copytree(portal_data.catalogs_dir, catalogs)
    shutil.copytree(portal_data.index_dir, folder)
    return catalogs, folder


def _take_up(client: AppClient) -> None:
    client.app.state.portal.store.refresh()


def test_a_new_build_is_taken_up_without_restart(portal_data: PortalData, tmp_path: Path) -> None:
    catalogs, folder = _copy(portal_data, tmp_path)
    with AppClient(make_app(PortalConfig(folder, rate_limit=0))) as client:
        assert client.get("/api/v1/certificates/HY-0000").status_code == 200
        (catalogs / "_ledgers" / "anshan-portal.xlsx").unlink()
        build_index(catalogs, folder)
        _take_up(client)
        assert client.get("/api/v1/certificates/HY-0000").status_code == 404
        write_extra_ledger(catalogs)
        build_index(catalogs, folder)
        _take_up(client)
        assert client.get("/api/v1/certificates/HY-0000").status_code == 200
        assert client.get("/healthz").json()["generation"] == (folder / CURRENT_FILE).read_text().strip()


def test_no_index_gives_a_friendly_503(tmp_path: Path) -> None:
    with AppClient(make_app(PortalConfig(tmp_path / "nothing-here"))) as client:
        page = client.get("/lookup?no=HY-0000")
        assert page.status_code == 503 and "暂时不可用" in page.text and "Traceback" not in page.text
        api = client.get("/api/v1/certificates/HY-0000")
        assert api.status_code == 503 and api.json()["error"]["code"] == "index_unavailable"
        assert api.headers["retry-after"] == "60"
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["status"] == "unavailable"
        assert client.get("/lookup").status_code == 200  # the form itself still shows


def test_a_damaged_new_index_keeps_the_last_good_one_serving(portal_data: PortalData, tmp_path: Path) -> None:
    catalogs, folder = _copy(portal_data, tmp_path)
    with AppClient(make_app(PortalConfig(folder, rate_limit=0))) as client:
        good = (folder / CURRENT_FILE).read_text().strip()
        build_index(catalogs, folder)
        damaged = (folder / CURRENT_FILE).read_text().strip()
        for toc in (folder / damaged).glob("*.toc"):
            toc.write_bytes(b"not a table of contents")
        _take_up(client)
        assert client.get("/api/v1/certificates/HY-0000").status_code == 200  # still the old one
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["status"] == "degraded"
        assert health.json()["generation"] == good and damaged in health.json()["problem"]
    with AppClient(
        make_app(PortalConfig(folder, rate_limit=0))
    ) as restarted:  # after a restart: the older one
        assert restarted.get("/api/v1/certificates/HY-0000").status_code == 200
        assert restarted.get("/healthz").json()["generation"] == good


def test_a_garbage_current_file_is_refused(portal_data: PortalData, tmp_path: Path) -> None:
    _, folder = _copy(portal_data, tmp_path)
    (folder / CURRENT_FILE).write_text("../../etc\n")
    with AppClient(make_app(PortalConfig(folder, rate_limit=0))) as client:
        assert client.get("/api/v1/certificates/HY-0000").status_code == 200  # newest good generation on disk
        assert client.get("/healthz").status_code == 503


def test_healthz_never_shows_a_server_path(
    portal_data: PortalData, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "nothing-here"
    with AppClient(make_app(PortalConfig(missing))) as client:
        health = client.get("/healthz")
        assert health.status_code == 503 and "jiaozao build" in health.json()["problem"]
        assert str(tmp_path) not in health.text and "nothing-here" not in health.text
    assert any("nothing-here" in r.getMessage() for r in caplog.records)  # the details go to the log
    _, folder = _copy(portal_data, tmp_path)
    with AppClient(make_app(PortalConfig(folder, rate_limit=0))) as client:
        for damage in ("meta", "toc", "current"):
            generation = (folder / CURRENT_FILE).read_text().strip()
            fresh = folder / f"gen-9{len(damage):05d}{damage[0]}"
            shutil.copytree(folder / generation, fresh)
            if damage == "meta":
                (fresh / "meta.json").unlink()
                (fresh / "meta.json").mkdir()  # the OSError names the full path
            elif damage == "toc":
                for toc in fresh.glob("*.toc"):
                    toc.write_bytes(b"not a table of contents")
            (folder / CURRENT_FILE).write_text(str(fresh) if damage == "current" else fresh.name)
            _take_up(client)
            health = client.get("/healthz")
            assert health.status_code == 503 and health.json()["status"] == "degraded", damage
            assert str(tmp_path) not in health.text and "/" not in health.json()["problem"], damage
            (folder / CURRENT_FILE).write_text(generation)
            _take_up(client)
