"""The uploaded-目录 workflow the console calls: checked in a scratch folder with what it would change, and written
or put back where every command reads it."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from generator.config import DEMO_CATALOGS, Settings
from generator.workdays import WorkdayCalendar
from generator.workflows import catalog_upload, published

TODAY = date(2026, 11, 23)


@pytest.fixture
def inputs(tmp_path: Path) -> Settings:
    """The demo 目录 and 台账, copied where a test may change them."""
    shutil.copytree(DEMO_CATALOGS, tmp_path / "catalogs")
    return Settings.read(str(tmp_path / "catalogs"), environ={"JIAOZAO_CACHE": os.environ["JIAOZAO_CACHE"]})


def _calendar(inputs: Settings) -> WorkdayCalendar:
    return published.load_calendar(inputs)


def test_the_published_catalog_uploaded_again_changes_nothing(inputs: Settings) -> None:
    apart, _ = published.load_published(inputs.catalogs)
    assert apart is not None
    current = published.catalog_file(inputs.catalogs, "anshan")
    assert current is not None
    found = catalog_upload.check_catalog(
        inputs, "anshan", current.read_bytes(), "xlsx", lambda: _calendar(inputs), TODAY, apart.catalogs
    )
    assert found.rows == len(apart.catalogs.department("anshan").items)
    assert found.changes == []
    assert found.impact == ["当前台账中没有证照的提醒日期改变。"]


def test_an_unreadable_upload_is_reported_as_the_upload_without_reading_the_calendar(
    inputs: Settings,
) -> None:
    def no_calendar() -> WorkdayCalendar:
        raise AssertionError("the calendar is read only once the 目录 loads")

    found = catalog_upload.check_catalog(
        inputs, "anshan", b"not a workbook", "xlsx", no_calendar, TODAY, None
    )
    assert found.rows == 0 and found.problems
    assert all(catalog_upload.is_uploaded(p) for p in found.problems)


def test_a_written_catalog_is_put_back_as_it_was(inputs: Settings) -> None:
    before = catalog_upload.catalog_files(inputs.catalogs, "anshan")
    catalog_upload.write_catalog(inputs.catalogs, "anshan", "名称\n".encode(), "csv")
    folder = inputs.catalogs / "anshan"
    assert (folder / "catalog.csv").is_file() and not (folder / "catalog.xlsx").exists()
    catalog_upload.put_back(before)
    assert catalog_upload.catalog_files(inputs.catalogs, "anshan") == before
    assert not (folder / "catalog.csv").exists()
