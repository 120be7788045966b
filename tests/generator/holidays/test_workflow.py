"""Importing notices into holidays.csv: each year exactly as chinese-calendar has it, staff rows kept, twice = once."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from generator.config import DEMO_CATALOGS, LEDGER_FOLDER, Settings
from generator.holidays.rows import SOURCES_FILE
from generator.workdays import WorkdayCalendar, load_holiday_supplement
from generator.workflows.holidays import import_notice, list_year_sources
from tests.generator.holidays.conftest import YEARS, changes_of, notice_file

TODAY = date(2026, 11, 29)

# Not a real notice: a 2027 arrangement for testing a year chinese-calendar does not cover yet.
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
经国务院批准，现将2027年元旦、春节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月20日（周六）上班。
国务院办公厅
2026年11月20日
"""


def settings(folder: Path) -> Settings:
    folder.mkdir(exist_ok=True)
    return Settings(folder, folder / LEDGER_FOLDER)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(i) for i in range((date(year + 1, 1, 1) - first).days)]


@pytest.mark.parametrize("year", YEARS)
def test_each_years_notice_gives_chinese_calendars_working_days(tmp_path: Path, year: int) -> None:
    folder = settings(tmp_path / "catalogs")
    # The year's notice and its in-year changes; the next year's notice sets the last days of December.
    files = [notice_file(year), *changes_of(year)]
    if year + 1 in YEARS:
        files.append(notice_file(year + 1))
    for path in files:
        assert import_notice(str(path), folder, TODAY, dry_run=False).written
    supplement, problems = load_holiday_supplement(folder.holidays)
    assert problems == []
    calendar = WorkdayCalendar.build(supplement, unpublished={year})  # the notices alone, no chinese-calendar
    assert year in calendar.covered_years and not calendar.is_estimated(date(year, 7, 1))
    assert [calendar.is_workday(d) for d in days_of(year)] == [
        chinese_calendar.is_workday(d) for d in days_of(year)
    ]


@pytest.mark.parametrize("year", [2015, 2019, 2020])
def test_a_change_imported_before_its_years_notice_still_wins(tmp_path: Path, year: int) -> None:
    folder = settings(tmp_path / "catalogs")
    for path in [*changes_of(year), notice_file(year), notice_file(year + 1)]:
        import_notice(str(path), folder, TODAY, dry_run=False)
    supplement, _ = load_holiday_supplement(folder.holidays)
    calendar = WorkdayCalendar.build(supplement, unpublished={year})
    assert [calendar.is_workday(d) for d in days_of(year)] == [
        chinese_calendar.is_workday(d) for d in days_of(year)
    ]


def test_without_dates_a_change_still_counts_as_later_than_its_years_notice(tmp_path: Path) -> None:
    folder = settings(tmp_path / "catalogs")
    undated = [path.read_text(encoding="utf-8").replace("2019年3月22日", "") for path in changes_of(2019)]
    yearly = notice_file(2019).read_text(encoding="utf-8").replace("2018年12月6日", "")
    import_notice(write(tmp_path, "change.txt", undated[0]), folder, TODAY, dry_run=False)
    import_notice(write(tmp_path, "yearly.txt", yearly), folder, TODAY, dry_run=False)
    supplement, _ = load_holiday_supplement(folder.holidays)
    assert supplement[date(2019, 4, 28)] is True and supplement[date(2019, 5, 4)] is False


def test_the_2020_extension_turns_a_make_up_day_into_a_rest_day(tmp_path: Path) -> None:
    folder = settings(tmp_path / "catalogs")
    import_notice(str(notice_file(2020)), folder, TODAY, dry_run=False)
    supplement, _ = load_holiday_supplement(folder.holidays)
    assert supplement[date(2020, 2, 1)] is True  # 2月1日（星期六）上班, as first announced
    result = import_notice(str(changes_of(2020)[0]), folder, TODAY, dry_run=False)
    supplement, _ = load_holiday_supplement(folder.holidays)
    assert [supplement[date(2020, 1, 31) + timedelta(i)] for i in range(3)] == [False, False, False]
    assert (result.merge.added, result.merge.changed, result.merge.removed) == (2, 1, 0)
    assert result.table == [("春节", "延长至2月2日：1月31日至2月2日", "—", "3 天")]


def test_the_2019_labour_day_change_replaces_the_first_arrangement(tmp_path: Path) -> None:
    folder = settings(tmp_path / "catalogs")
    import_notice(str(notice_file(2019)), folder, TODAY, dry_run=False)
    import_notice(str(changes_of(2019)[0]), folder, TODAY, dry_run=False)
    text = folder.holidays.read_text(encoding="utf-8-sig")
    assert "2019-04-28,班,劳动节（国办发明电〔2019〕3号）" in text
    assert "2019-05-04,休,劳动节（国办发明电〔2019〕3号）" in text
    # Importing the yearly notice again does not undo the later change.
    import_notice(str(notice_file(2019)), folder, TODAY, dry_run=False)
    assert folder.holidays.read_text(encoding="utf-8-sig") == text


def test_importing_the_same_notice_twice_changes_nothing(tmp_path: Path) -> None:
    folder = settings(tmp_path / "catalogs")
    import_notice(str(notice_file(2026)), folder, TODAY, dry_run=False)
    before = folder.holidays.read_bytes(), (folder.catalogs / SOURCES_FILE).read_bytes()
    again = import_notice(str(notice_file(2026)), folder, TODAY, dry_run=False)
    assert again.merge.unchanged and not again.written
    assert (folder.holidays.read_bytes(), (folder.catalogs / SOURCES_FILE).read_bytes()) == before


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    folder = settings(tmp_path / "catalogs")
    result = import_notice(str(notice_file(2026)), folder, TODAY, dry_run=True)
    assert result.merge.added == 39 and not result.written
    assert list(folder.catalogs.iterdir()) == []


def test_staff_rows_on_other_days_stay(tmp_path: Path) -> None:
    folder = settings(tmp_path / "catalogs")
    folder.holidays.write_text(
        "日期,类型,说明\n2027/3/8,休,本地加休\n2027-02-09,班,手工填写\n2026-12-31,休,年末盘点\n",
        encoding="utf-8",
    )
    result = import_notice(write(tmp_path, "2027.txt", NOTICE_2027), folder, TODAY, dry_run=False)
    lines = folder.holidays.read_text(encoding="utf-8-sig").splitlines()
    assert "2027-03-08,休,本地加休" in lines and "2026-12-31,休,年末盘点" in lines
    assert "2027-02-09,休,春节（2026年11月20日通知）" in lines
    assert [row.note for row in result.merge.staff_replaced] == ["手工填写"]


def test_a_corrected_notice_replaces_what_its_first_import_wrote(tmp_path: Path) -> None:
    folder = settings(tmp_path / "catalogs")
    import_notice(write(tmp_path, "a.txt", NOTICE_2027), folder, TODAY, dry_run=False)
    corrected = NOTICE_2027.replace("2月20日（周六）上班。", "")
    result = import_notice(write(tmp_path, "b.txt", corrected), folder, TODAY, dry_run=False)
    assert (result.merge.removed, result.written) == (1, True)
    assert "2027-02-20" not in folder.holidays.read_text(encoding="utf-8-sig")


def test_a_2027_notice_ends_the_estimate_for_current_reminders(tmp_path: Path) -> None:
    folder = Settings(tmp_path / "catalogs", DEMO_CATALOGS / LEDGER_FOLDER)
    folder.catalogs.mkdir()
    for child in DEMO_CATALOGS.iterdir():
        if child.is_dir() and child.name != LEDGER_FOLDER:
            (folder.catalogs / child.name).symlink_to(child)
    result = import_notice(write(tmp_path, "2027.txt", NOTICE_2027), folder, TODAY, dry_run=True)
    assert result.cleared_years == [2027]
    impact = result.impact
    assert impact is not None and impact.certificates > 0
    assert impact.estimated_after < impact.estimated_before
    moved = impact.first_earlier + impact.first_later + impact.second_earlier + impact.second_later
    assert moved > 0


@pytest.mark.parametrize(
    ("today", "last", "kind_2027"),
    [(date(2026, 11, 29), 2027, "估算"), (date(2027, 10, 1), 2028, "国务院通知")],
)
def test_each_year_says_where_it_comes_from(tmp_path: Path, today: date, last: int, kind_2027: str) -> None:
    folder = settings(tmp_path / "catalogs")
    if kind_2027 != "估算":
        import_notice(write(tmp_path, "2027.txt", NOTICE_2027), folder, TODAY, dry_run=False)
    years = list_year_sources(folder, today)
    assert (years[0].year, years[-1].year) == (2004, last)
    by_year = {y.year: y for y in years}
    assert by_year[2026].kind == "chinese-calendar" and by_year[2027].kind == kind_2027
    if kind_2027 != "估算":
        assert "2026年11月20日通知" in by_year[2027].detail and by_year[2028].estimated
