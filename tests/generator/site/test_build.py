"""jiaozao build on the demo: every 目录 row published, notices exact, privacy, reproducible, failures harmless."""

from __future__ import annotations

import filecmp
import html
import json
import re
from datetime import date
from pathlib import Path

import pytest

from generator.config import DEMO_CATALOGS, LEDGER_FOLDER, Settings
from generator.ledger.identifiers import looks_like_person_name
from generator.pipeline import load_inputs
from generator.problems import InputError
from generator.schedule import compute_schedule
from generator.site.build import SiteBuildError
from generator.workflows.build import BuildResult, build_site

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    root = tmp_path_factory.mktemp("build")
    return build_site(Settings.read(str(DEMO_CATALOGS)), TODAY, root / "site", root / "src")


def _text(path: Path) -> str:
    """Return a page's visible text, tags dropped and entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def _all_text(site: Path) -> str:
    parts = []
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in {
            ".html",
            ".json",
            ".xml",
            ".atom",
            ".csv",
            ".txt",
            ".js",
            ".md",
        }:
            parts.append(html.unescape(path.read_text(encoding="utf-8", errors="replace")))
    return "\n".join(parts)


def test_every_catalogue_row_is_on_its_department_page(built: BuildResult) -> None:
    for department in built.inputs.catalogs.departments:
        pages = list((built.site_dir / "departments" / department.slug).glob("index.html"))
        assert pages, department.slug
        text = " ".join(_text(pages[0]).split())
        for item in department.items:
            for cell in item.cells:
                assert " ".join(cell.split()) in text, (department.slug, item.seq, cell)


@pytest.mark.parametrize("window", [30, 60, 90])
def test_notices_list_exactly_the_certificates_in_window(built: BuildResult, window: int) -> None:
    from generator.site.public import public_holder, public_number

    inputs = built.inputs
    schedule = compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, TODAY)
    shown_rows = {}
    for department in inputs.catalogs.departments:
        folder = built.site_dir / "notices" / department.slug / str(window)
        rows = re.findall(
            r"<tr><td>(.*?)</td><td>.*?</td><td>(.*?)</td><td>(\d{4}-\d{2}-\d{2})", _raw(folder)
        )
        shown_rows[department.slug] = sorted(rows)
    expected: dict[str, list[tuple[str, str, str]]] = {d.slug: [] for d in inputs.catalogs.departments}
    ledger = inputs.ledger
    for i in range(len(ledger)):
        if 0 <= schedule.days_left[i] <= window:
            person = bool(ledger.person[i])
            expires = date.fromordinal(int(ledger.expires[i])).isoformat()
            row = (
                html.escape(public_holder(ledger.holder[i], person), quote=False),
                public_number(ledger.number[i], person),
                expires,
            )
            expected[inputs.catalogs.items[ledger.item[i]].department].append(row)
    assert shown_rows == {slug: sorted(rows) for slug, rows in expected.items()}


def _raw(folder: Path) -> str:
    return (
        "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.html")))
        if folder.exists()
        else ""
    )


_BETWEEN_WORDS = re.compile(r"[\s<>\"'`=,;:\[\]{}()（），。；：、《》“”‘’!?！？|]+")


def found_in(text: str, secrets: set[str]) -> list[str]:
    """The secrets that occur in text, in time linear in the text (one `in` per secret over the whole site
    took 10 s): the text is cut at spaces, markup and punctuation into its distinct words, and a secret with
    none of those characters can only lie inside one word, so it is looked up among the words' pieces of its
    length. A secret that does hold such a character is searched for in the whole text."""
    words = set(_BETWEEN_WORDS.split(text))
    whole = {s for s in secrets if _BETWEEN_WORDS.search(s)}
    found = {s for s in whole if s in text}
    by_length: dict[int, set[str]] = {}
    for secret in secrets - whole:
        by_length.setdefault(len(secret), set()).add(secret)
    for length, wanted in by_length.items():
        pieces = {w[i : i + length] for w in words if len(w) >= length for i in range(len(w) - length + 1)}
        found |= wanted & pieces
    return sorted(found)


def test_the_leak_search_finds_what_a_plain_search_finds() -> None:
    text = "<td>王小明</td><td>13912345678</td> 联系人：李四/王五 邮箱 a.b@example.cn，电话0412-1234567"
    secrets = {"王小明", "3912345678", "李四/王五", "a.b@example.cn", "0412-1234567", "赵六", "139123456789"}
    assert found_in(text, secrets) == sorted(s for s in secrets if s in text)


def test_no_personal_data_anywhere_in_the_site(built: BuildResult) -> None:
    ledger = built.inputs.ledger
    text = _all_text(built.site_dir)
    secrets = {*ledger.id_number, *ledger.phone, *ledger.contact, *ledger.email} - {""}
    assert found_in(text, secrets) == []
    persons = {h for h, p in zip(ledger.holder, ledger.person, strict=True) if p}
    assert persons and all(looks_like_person_name(p) for p in persons)
    assert found_in(text, persons) == []
    assert (
        re.search(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])", text) is None
    )  # nothing shaped like a mobile number


def test_feeds_are_valid_and_carry_the_30_day_notices(built: BuildResult) -> None:
    from xml.etree import ElementTree

    atom = "{http://www.w3.org/2005/Atom}"
    for folder in [built.site_dir, *(built.site_dir / "notices" / d for d in built.inputs.catalogs.slugs)]:
        feed = json.loads((folder / "feed.json").read_text(encoding="utf-8"))
        assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["title"]
        root = ElementTree.parse(folder / "feed.atom").getroot()
        assert root.tag == f"{atom}feed" and root.find(f"{atom}id") is not None
        entries = root.findall(f"{atom}entry")
        assert len(entries) == len(feed["items"])
        ids = [e.findtext(f"{atom}id") for e in entries]
        assert len(set(ids)) == len(ids) and all(e.find(f"{atom}updated") is not None for e in entries)
    site_feed = json.loads((built.site_dir / "feed.json").read_text(encoding="utf-8"))
    assert site_feed["items"] and all("证照编号" in i["content_text"] for i in site_feed["items"])


def test_catalogue_downloads_round_trip(built: BuildResult) -> None:
    import csv

    from openpyxl import load_workbook

    for department in built.inputs.catalogs.departments:
        folder = built.site_dir / "departments" / department.slug
        expected = [list(department.headers), *(list(i.cells) for i in department.items)]
        rows = list(csv.reader((folder / "catalog.csv").read_text(encoding="utf-8-sig").splitlines()))
        assert rows == expected
        data = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
        assert [list(item.values()) for item in data["items"]] == expected[1:]
        sheet = load_workbook(folder / "catalog.xlsx").active
        assert sheet is not None
        cells = [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(min_row=2, values_only=True)
        ]
        assert cells == expected


def test_the_same_inputs_give_the_same_bytes(built: BuildResult, tmp_path: Path) -> None:
    again = build_site(Settings.read(str(DEMO_CATALOGS)), TODAY, tmp_path / "site", tmp_path / "src")
    comparison = filecmp.dircmp(built.site_dir, again.site_dir)
    assert _differences(comparison) == []


def _differences(comparison: filecmp.dircmp[str]) -> list[str]:
    found = [*comparison.left_only, *comparison.right_only]
    _, mismatch, errors = filecmp.cmpfiles(
        comparison.left, comparison.right, comparison.common_files, shallow=False
    )
    found += mismatch + errors
    for sub in comparison.subdirs.values():
        found += _differences(sub)
    return found


def test_a_failed_build_leaves_the_published_site_alone(catalogs_dir: Path, tmp_path: Path) -> None:
    settings = Settings.read(str(catalogs_dir), str(DEMO_CATALOGS / LEDGER_FOLDER))
    site = tmp_path / "site"
    build_site(settings, TODAY, site, tmp_path / "src")
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    # One department's broken files leave only that department out (tests/generator/workflows/test_isolation.py);
    # a broken site.yaml concerns every page: the build stops.
    (catalogs_dir / "site.yaml").write_text("标题: [坏\n", encoding="utf-8")
    with pytest.raises(InputError):
        build_site(settings, TODAY, site, tmp_path / "src")
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert not list(tmp_path.glob(".site-*"))  # no scratch folder left behind


def test_a_broken_internal_link_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.site.pages as render

    original = render.render_docs

    def with_broken_link(model: object, docs: Path, **options: object) -> list[Path]:
        written = original(model, docs, **options)  # type: ignore[arg-type]
        (docs / "about.md").write_text("[坏链接](no-such-page.md)\n", encoding="utf-8")
        return written

    monkeypatch.setattr(render, "render_docs", with_broken_link)
    with pytest.raises(SiteBuildError):
        build_site(Settings.read(str(DEMO_CATALOGS)), TODAY, tmp_path / "site", tmp_path / "src")
    assert not (tmp_path / "site").exists()


def test_the_change_log_records_catalogue_edits(catalogs_dir: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    settings = Settings.read(str(catalogs_dir), str(DEMO_CATALOGS / LEDGER_FOLDER))
    site = tmp_path / "site"
    build_site(settings, TODAY, site, tmp_path / "src")
    path = catalogs_dir / "anshan" / "catalog.xlsx"
    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet["F4"] = "到期前 100 个工作日"  # 建筑业企业资质证书: first reminder edited
    book.save(path)
    build_site(settings, date(2026, 11, 24), site, tmp_path / "src")
    text = _text(site / "departments" / "anshan" / "index.html")
    assert "修改" in text and "到期前 100 个工作日" in text and "2026-11-24" in text


def test_inputs_are_loaded_once_for_the_summary(built: BuildResult) -> None:
    assert built.pages > 60 and built.bytes > 0
    assert len(built.inputs.ledger) == load_inputs(Settings.read(str(DEMO_CATALOGS)), TODAY).ledger.rows_read


def test_a_rebuild_after_one_catalogue_edit_equals_a_full_build(catalogs_dir: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    settings = Settings.read(str(catalogs_dir), str(DEMO_CATALOGS / LEDGER_FOLDER))
    quick, full = tmp_path / "quick", tmp_path / "full"
    for root in (quick, full):
        build_site(settings, TODAY, root / "site", root / "src")
    path = catalogs_dir / "dongli" / "catalog.csv"
    path.write_bytes(
        path.read_bytes().replace("有效期到期前2个月".encode("gbk"), "有效期到期前3个月".encode("gbk"))
    )
    book = load_workbook(catalogs_dir / "anshan" / "catalog.xlsx")
    assert book.active is not None
    book.active["E3"] = "31 年以下"
    book.save(catalogs_dir / "anshan" / "catalog.xlsx")
    result = build_site(settings, TODAY, quick / "site", quick / "src")
    build_site(settings, TODAY, full / "site", full / "src", reuse=False)
    assert _differences(filecmp.dircmp(quick / "site", full / "site")) == []
    text = _text(quick / "site" / "departments" / "dongli" / "index.html")
    assert "有效期到期前3个月" in text and "31 年以下" in _text(
        quick / "site" / "departments" / "anshan" / "index.html"
    )
    assert result.reused > 40  # the untouched departments' pages came from the previous build


def test_a_changed_phone_refills_that_departments_notices(catalogs_dir: Path, tmp_path: Path) -> None:
    settings = Settings.read(str(catalogs_dir), str(DEMO_CATALOGS / LEDGER_FOLDER))
    quick, full = tmp_path / "quick", tmp_path / "full"
    for root in (quick, full):
        build_site(settings, TODAY, root / "site", root / "src")
    yaml_file = catalogs_dir / "anshan" / "department.yaml"
    yaml_file.write_text(
        yaml_file.read_text(encoding="utf-8").replace("0412-0000000", "0412-0000001"), encoding="utf-8"
    )
    build_site(settings, TODAY, quick / "site", quick / "src")
    build_site(settings, TODAY, full / "site", full / "src", reuse=False)
    assert _differences(filecmp.dircmp(quick / "site", full / "site")) == []
    notice = (quick / "site" / "notices" / "anshan" / "30" / "index.html").read_text(encoding="utf-8")
    assert "0412-0000001" in notice and "jz-notice-rows" in notice and "<tr><td>" in notice


def test_notices_say_a_passed_deadline_with_its_day_and_whom_to_call(built: BuildResult) -> None:
    from generator.site.public import public_holder, public_number

    inputs, ledger = built.inputs, built.inputs.ledger
    schedule = compute_schedule(ledger, inputs.catalogs, inputs.calendar, TODAY)
    passed, ahead = 0, 0
    for department in inputs.catalogs.departments:
        page = _raw(built.site_dir / "notices" / department.slug / "90")
        shown = {
            (holder, number, expires): late
            for holder, number, expires, late in re.findall(
                r"<tr><td>(.*?)</td><td>.*?</td><td>(.*?)</td><td>(\d{4}-\d{2}-\d{2})(.*?)</td>", page
            )
        }
        call = f"请立即致电 {department.phone}（{department.name}）"
        for i in range(len(ledger)):
            if inputs.catalogs.items[ledger.item[i]].department != department.slug:
                continue
            if not 0 <= schedule.days_left[i] <= 90:
                continue
            person = bool(ledger.person[i])
            key = (
                html.escape(public_holder(ledger.holder[i], person), quote=False),
                public_number(ledger.number[i], person),
                date.fromordinal(int(ledger.expires[i])).isoformat(),
            )
            deadline = int(schedule.deadline[i])
            if deadline and deadline < TODAY.toordinal():
                passed += 1
                day = date.fromordinal(deadline).isoformat()
                assert f"法定申请截止日 {day} 已过，{call}" in html.unescape(shown[key]), key
            else:
                ahead += 1
                assert "已过" not in shown[key], key
        legend = re.search(r'<p class="jz-legend jz-late-legend">(.*?)</p>', page)
        assert (legend is not None) == ("jz-late" in page.replace("jz-late-legend", ""))
        if legend:
            assert f"立即致电 {department.phone}（{department.name}）" in html.unescape(legend.group(1))
    assert passed and ahead  # the demo has both on this day


def test_feed_entries_never_advise_a_passed_deadline(built: BuildResult) -> None:
    for slug in built.inputs.catalogs.slugs:
        items = json.loads((built.site_dir / "notices" / slug / "feed.json").read_text(encoding="utf-8"))[
            "items"
        ]
        for item in items:  # the 30-day window: a 30-day statutory deadline has passed for every one of them
            text = item["content_text"]
            assert ("已过，请立即" in text) != ("请在法定申请期限前办理延续" in text), text
