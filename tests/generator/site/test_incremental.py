"""Rebuilds that take files over from the published build: always the same bytes as a full build."""

from __future__ import annotations

import filecmp
import shutil
from datetime import date, timedelta
from pathlib import Path

from generator.config import DEMO_CATALOGS, LEDGER_FOLDER, Settings
from generator.site.model import NoticeRow
from generator.site.notices import in_window
from generator.site.syndication import SITE_FEED_LIMIT, _nearest
from generator.workflows.build import build_site
from tests.generator.site.test_build import _differences

TODAY = date(2026, 11, 23)


def _settings(tmp_path: Path, catalogs_dir: Path) -> Settings:
    """Settings reading a private copy of the demo ledgers (the tests edit them)."""
    ledgers = tmp_path / "ledgers"
    shutil.copytree(DEMO_CATALOGS / LEDGER_FOLDER, ledgers)
    return Settings.read(str(catalogs_dir), str(ledgers))


def _both(settings: Settings, tmp_path: Path) -> tuple[Path, Path]:
    quick, full = tmp_path / "quick", tmp_path / "full"
    for root in (quick, full):
        build_site(settings, TODAY, root / "site", root / "src")
    return quick, full


def _rebuild_both(settings: Settings, quick: Path, full: Path) -> int:
    result = build_site(settings, TODAY, quick / "site", quick / "src")
    build_site(settings, TODAY, full / "site", full / "src", reuse=False)
    assert _differences(filecmp.dircmp(quick / "site", full / "site")) == []
    assert _differences(filecmp.dircmp(quick / "src", full / "src")) == []
    return result.reused


def test_a_ledger_edit_rebuilds_that_departments_notices_and_feeds(
    catalogs_dir: Path, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, catalogs_dir)
    quick, full = _both(settings, tmp_path)
    feed = quick / "site" / "notices" / "dongli" / "feed.json"
    before, untouched = feed.read_bytes(), (quick / "src" / "departments" / "anshan" / "catalog.xlsx").stat()
    ledger = settings.ledgers / "dongli.csv"
    soon = (TODAY + timedelta(days=8)).isoformat()  # a certificate now expiring within the 30-day window
    ledger.write_bytes(ledger.read_bytes().replace(b"2023-01-07,2028-01-06", f"2023-01-07,{soon}".encode()))
    reused = _rebuild_both(settings, quick, full)
    assert reused > 40
    assert feed.read_bytes() != before and "DL-07-2023-000086" in feed.read_text(encoding="utf-8")
    # the other departments' files were taken over (hard links), not written again
    after = (quick / "src" / "departments" / "anshan" / "catalog.xlsx").stat()
    assert (after.st_ino, after.st_dev) == (untouched.st_ino, untouched.st_dev)


def test_a_file_missing_from_the_published_sources_is_written_again(
    catalogs_dir: Path, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, catalogs_dir)
    quick, full = _both(settings, tmp_path)
    (quick / "src" / "notices" / "lvliang" / "feed.atom").unlink()
    (quick / "src" / "departments" / "anshan" / "guides").rename(tmp_path / "moved")
    _rebuild_both(settings, quick, full)
    assert (quick / "src" / "notices" / "lvliang" / "feed.atom").is_file()


def test_a_rebuild_never_writes_through_to_the_previous_build(catalogs_dir: Path, tmp_path: Path) -> None:
    settings = _settings(tmp_path, catalogs_dir)
    quick, full = _both(settings, tmp_path)
    kept = quick / "kept"
    shutil.copytree(quick / "src", kept / "src")
    shutil.copytree(quick / "site", kept / "site")
    old_src, old_site = quick / "src-old", quick / "site-old"
    for name in ("src", "site"):  # keep the published folders' files alive under another name
        shutil.copytree(quick / name, quick / f"{name}-old", copy_function=_hard_link)
    yaml_file = catalogs_dir / "dongli" / "department.yaml"
    yaml_file.write_text(
        yaml_file.read_text(encoding="utf-8").replace("名称: ", "名称: 新", 1), encoding="utf-8"
    )
    _rebuild_both(settings, quick, full)
    assert "新东丽区" in (quick / "site" / "notices" / "dongli" / "feed.json").read_text(encoding="utf-8")
    assert _differences(filecmp.dircmp(old_src, kept / "src")) == []
    assert _differences(filecmp.dircmp(old_site, kept / "site")) == []


def _hard_link(source: str, target: str) -> None:
    Path(target).hardlink_to(source)


def _row(number: str, day: int, days_left: int = 0) -> NoticeRow:
    return NoticeRow(number, "证", "单位", date(2026, 12, day), days_left, False, "1")


def test_the_site_feed_takes_the_nearest_rows_of_all_departments() -> None:
    # Each department's rows are by date then by the unmasked number, so masked numbers may be out of order.
    windows = {
        "b": [_row("zz**01", 1), _row("aa**02", 1), *(_row(f"b{k:04d}", 2) for k in range(SITE_FEED_LIMIT))],
        "a": [*(_row(f"a{k:04d}", 1 + k % 3) for k in range(SITE_FEED_LIMIT + 5))],
        "c": [_row("c1", 3)],
        "d": [],
    }
    windows["a"].sort(key=lambda r: r.expires_on)
    everything = [(slug, r) for slug, rows in windows.items() for r in rows]
    expected = sorted(everything, key=lambda pair: (pair[1].expires_on, pair[0], pair[1].number))
    assert _nearest(windows) == expected[:SITE_FEED_LIMIT]
    assert _nearest({"a": windows["c"]}) == [("a", windows["c"][0])]
    assert _nearest({}) == []


def test_in_window_takes_the_rows_up_to_the_window() -> None:
    rows = tuple(_row(str(k), 1, days_left) for k, days_left in enumerate([0, 0, 5, 30, 30, 31, 60, 90]))
    assert in_window(rows, 30) == rows[:5]
    assert in_window(rows, 90) == rows
    assert in_window((), 30) == ()
