"""督促检查 in the console: the figures of `jiaozao report` on the same 登记簿, the lines behind them, the charts."""

from __future__ import annotations

import io
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from html import unescape
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from starlette.applications import Starlette

from console.app import create_app
from console.settings import ConsoleSettings
from console.state import figures
from generator.cli import main
from generator.config import DEMO_CATALOGS, Settings
from generator.pipeline import load_inputs
from generator.reminders.due import due_reminders
from generator.reminders.registry import RegisteredCertificate, Registry, ReminderRecord
from generator.schedule import compute_schedule
from tests.console.conftest import TODAY, Clients

SPAN = "from=2026-10-01&to=2026-12-31"
CODES = ("due", "on-time", "late", "not-done", "renewed", "lapsed", "pending")


@pytest.fixture(scope="session")
def registry_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 登记簿 as if clerks had worked through the autumn: most reminders done, some late, some unanswered."""
    path = tmp_path_factory.mktemp("registry") / "登记簿.sqlite"
    settings = Settings(DEMO_CATALOGS, DEMO_CATALOGS / "_ledgers")
    day = date(2026, 9, 28)
    with Registry(path) as registry:
        while day <= TODAY:
            inputs = load_inputs(settings, day)
            schedule = compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, day)
            due = due_reminders(inputs.ledger, schedule, inputs.catalogs, registry.done_keys())
            registry.add(
                ReminderRecord(
                    r.certificate,
                    r.kind,
                    "电话",
                    min(day + timedelta(k % 3 * 4), TODAY),
                    "张三",
                    "未接通" if k % 5 == 0 else "已告知",
                    "",
                    "test",
                )
                for k, r in enumerate(due)
                if k % 4
            )
            day += timedelta(7)
    return path


@pytest.fixture
def recorded(settings: ConsoleSettings, registry_file: Path, workdir: Path) -> ConsoleSettings:
    db = workdir / "var" / "登记簿.sqlite"
    shutil.copy(registry_file, db)
    if settings.inputs.database_url:  # the console's 登记簿 is in PostgreSQL: the same records there
        with Registry(registry_file) as kept, Registry(settings.inputs.database_url) as shared:
            shared.add(kept.records())
    return replace(settings, inputs=settings.inputs.replace(db=db))


@pytest.fixture
def app(recorded: ConsoleSettings) -> Iterator[Starlette]:
    application = create_app(recorded, start_jobs=False)
    yield application
    application.state.console.close()


def cli_report(settings: ConsoleSettings, tmp_path: Path, span: tuple[str, str]) -> openpyxl.Workbook:
    out = tmp_path / "cli" / "report.xlsx"
    inputs = settings.inputs
    where = ["--db", str(inputs.db)] if not inputs.database_url else []  # else JIAOZAO_DATABASE_URL, as set
    with pytest.MonkeyPatch.context() as environment:
        if inputs.database_url:
            environment.setenv("JIAOZAO_DATABASE_URL", inputs.database_url)
        assert main(["report", "--catalogs", str(inputs.catalogs), "--ledgers", str(inputs.ledgers), *where,
                     "--from", span[0], "--to", span[1], "--today", TODAY.isoformat(), "--out", str(out)]) == 0  # fmt: skip
    return openpyxl.load_workbook(out)


def summary_rows(html: str) -> dict[str, list[str]]:
    """Return the page's figures table: department (or 合计) → its cells as shown."""
    table = html.split('<table class="figures">')[1].split("</table>")[0]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]:
        cells = [
            unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


def test_the_page_shows_the_figures_jiaozao_report_writes(
    app: Starlette, recorded: ConsoleSettings, clients: Clients, tmp_path: Path
) -> None:
    page = clients(app, "inspector").get(f"/supervision?{SPAN}")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    listing = clients(app, "inspector").get(f"/supervision/anshan/not-done?{SPAN}")
    assert listing.headers["cache-control"] == "no-store" and '<td data-label="持证单位">' in listing.text
    book = cli_report(recorded, tmp_path, ("2026-10-01", "2026-12-31"))
    expected = {
        str(r[0]): [str(v) for v in r[1:]] for r in book["汇总"].iter_rows(min_row=3, values_only=True)
    }
    assert summary_rows(page.text) == expected
    assert int(expected["合计"][0]) > 100 and all(int(expected["合计"][i]) for i in range(7))


def test_the_download_is_the_file_jiaozao_report_writes(
    app: Starlette, recorded: ConsoleSettings, clients: Clients, tmp_path: Path
) -> None:
    response = clients(app, "admin").get(f"/supervision.xlsx?{SPAN}")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    got = openpyxl.load_workbook(io.BytesIO(response.content))
    expected = cli_report(recorded, tmp_path, ("2026-10-01", "2026-12-31"))
    assert got.sheetnames == expected.sheetnames
    for sheet in expected.sheetnames:
        assert list(got[sheet].values) == list(expected[sheet].values), sheet
    holders = [c for c in got.worksheets[1]["A"] if c.row > 4 and c.value]
    assert holders and all(c.data_type == "s" for c in holders)  # text stays text


def test_every_number_leads_to_the_lines_it_counts(app: Starlette, clients: Clients) -> None:
    inspector = clients(app, "inspector")
    rows = summary_rows(inspector.get(f"/supervision?{SPAN}").text)
    names = {
        name: slug
        for slug, name in re.findall(
            r'href="/supervision/([\w-]+)\?[^"]*">([^<]+)</a></th>',
            inspector.get(f"/supervision?{SPAN}").text,
        )
    }
    for name, cells in rows.items():
        slug = "_all" if name == "合计" else names[name]
        for code, shown in zip(CODES, cells, strict=False):
            assert listed(inspector, f"/supervision/{slug}/{code}?{SPAN}") == int(shown), (name, code)
    due = [int(c[0]) for n, c in rows.items() if n != "合计"]
    assert sum(due) == int(rows["合计"][0])


def listed(client: object, url: str) -> int:
    """Return how many lines a list shows over all its pages."""
    count, page = 0, 1
    while True:
        html = client.get(f"{url}&page={page}").text  # type: ignore[attr-defined]
        assert "Traceback" not in html
        count += html.split("<tbody>")[1].split("</tbody>")[0].count("<tr>")
        pages = re.search(r"第 \d+ / (\d+) 页", html)
        if not pages or page >= int(pages.group(1)):
            return count
        page += 1


def test_weeks_add_up_to_the_period_and_each_week_lists_its_own(app: Starlette, clients: Clients) -> None:
    inspector = clients(app, "inspector")
    page = inspector.get(f"/supervision/anshan?{SPAN}").text
    period = [
        int(re.sub(r"<[^>]+>", "", c))
        for c in re.findall(
            r'<td class="num">(.*?)</td>', page.split('<table class="figures">')[1].split("</table>")[0]
        )
    ]
    weekly = page.split('<table class="weekly">')[1].split("</table>")[0]
    weeks = re.findall(r"<tr><th scope=\"row\">.*?</tr>", weekly, re.S)
    assert len(weeks) == 14  # 2026-10-01 (Thursday) to 2026-12-31 (Thursday)
    columns = [
        [int(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r'<td class="num">(.*?)</td>', w)] for w in weeks
    ]
    assert [sum(col) for col in zip(*columns, strict=True)] == period
    links = re.findall(r'href="(/supervision/anshan/[\w-]+\?from=[\d-]+&amp;to=[\d-]+)"[^>]*>(\d+)<', weekly)
    assert len(links) > 10
    for url, shown in links[::5]:
        assert listed(inspector, unescape(url)) == int(shown)


def test_the_charts_are_plain_svg_with_a_title_a_description_and_no_script(
    app: Starlette, clients: Clients
) -> None:
    admin = clients(app, "admin")
    for url in (f"/supervision?{SPAN}", f"/supervision/dongli?{SPAN}"):
        html = admin.get(url).text
        assert "<script" not in html.lower()
        svgs = re.findall(r"<svg xmlns.*?</svg>", html, re.S)
        assert svgs
        for svg in svgs:
            tree = ET.fromstring(svg)  # well-formed XML
            names = {el.tag.split("}")[1] for el in tree.iter()}
            assert "script" not in names and "foreignObject" not in names
            assert not [a for el in tree.iter() for a in el.attrib if a.lower().startswith("on")]
            assert tree.get("role") == "img"
            title, desc = (
                tree.find("{http://www.w3.org/2000/svg}title"),
                tree.find("{http://www.w3.org/2000/svg}desc"),
            )
            assert title is not None and desc is not None and "应提醒" in (desc.text or "")
            assert tree.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_a_clerk_sees_only_their_departments(app: Starlette, clients: Clients, tmp_path: Path) -> None:
    clerk = clients(app, "clerk_a")
    page = clerk.get(f"/supervision?{SPAN}")
    assert page.status_code == 200
    rows = summary_rows(page.text)
    assert list(rows) == ["鞍山市行政审批局", "合计"] and rows["合计"] == rows["鞍山市行政审批局"]
    assert clerk.get(f"/supervision/anshan/due?{SPAN}").status_code == 200
    for url in ("/supervision/dongli", "/supervision/dongli/due", "/supervision/dongli/lapsed?page=2"):
        response = clerk.get(url)
        assert response.status_code == 403 and "没有权限" in response.text, url
    everyone = clerk.get(f"/supervision/_all/due?{SPAN}").text
    assert "东丽" not in everyone and "鞍山" in everyone
    book = openpyxl.load_workbook(io.BytesIO(clerk.get(f"/supervision.xlsx?{SPAN}").content))
    assert book.sheetnames == ["汇总", "鞍山市行政审批局", "闭环"]  # its 闭环 sheet: its own department too
    assert not any("东丽" in str(v) for row in book["闭环"].values for v in row)


def test_this_quarter_by_default_and_bad_periods_are_refused_in_chinese(
    app: Starlette, clients: Clients
) -> None:
    admin = clients(app, "admin")
    page = admin.get("/supervision").text
    assert "统计期间 2026-10-01 至 2026-12-31（默认显示本季度）" in page
    for query, words in (
        ("from=2026-13-01&to=2026-12-31", "无法识别"),
        ("from=yesterday", "无法识别"),
        ("from=2026-12-01&to=2026-11-01", "晚于"),
        ("from=2020-01-01&to=2026-12-31", "最长两年"),
    ):
        response = admin.get(f"/supervision?{query}")
        assert response.status_code == 400 and words in response.text and "Traceback" not in response.text
    assert admin.get(f"/supervision/anshan/nothing?{SPAN}").status_code == 404
    assert admin.get(f"/supervision/nowhere?{SPAN}").status_code == 404
    assert admin.get(f"/supervision/anyang?{SPAN}").status_code in (200, 404)


def record_one_not_done(admin: Any, recorded: ConsoleSettings) -> None:
    """Record the first 未完成 reminder of 鞍山 as done, as a clerk would."""
    html = admin.get(f"/supervision/anshan/not-done?{SPAN}").text
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", html, re.S)
    assert row
    holder, certificate, number, expires, kind = (
        unescape(c) for c in re.findall(r'<td[^>]*data-label="[^"]+">([^<]*)</td>', row.group(1))[:5]
    )
    c = RegisteredCertificate("anshan", number, certificate, holder, date.fromisoformat(expires))
    with Registry(recorded.inputs.registry) as registry:
        assert registry.add([ReminderRecord(c, kind, "电话", TODAY, "李四", "已告知", "", "t")]) == 1


def test_a_new_record_shows_at_once(app: Starlette, recorded: ConsoleSettings, clients: Clients) -> None:
    admin = clients(app, "admin")
    before = [int(n) for n in summary_rows(admin.get(f"/supervision?{SPAN}").text)["合计"][:4]]
    record_one_not_done(admin, recorded)
    due, on_time, late, not_done = (
        int(n) for n in summary_rows(admin.get(f"/supervision?{SPAN}").text)["合计"][:4]
    )
    assert (due, on_time + late, not_done) == (before[0], before[1] + before[2] + 1, before[3] - 1)


def test_a_broken_catalogue_is_left_out_and_said_in_chinese(
    app: Starlette, recorded: ConsoleSettings, clients: Clients
) -> None:
    (recorded.inputs.catalogs / "anshan" / "catalog.xlsx").write_bytes(b"not a workbook")
    inspector = clients(app, "inspector")
    response = inspector.get(f"/supervision?{SPAN}")
    assert response.status_code == 200 and "Traceback" not in response.text
    rows = summary_rows(response.text)
    assert "数据有误，未计入" in rows["鞍山市行政审批局"][0] and "目录有错误" in rows["鞍山市行政审批局"][0]
    assert rows["吕梁市行政审批服务管理局"][0].isdigit()  # the others are counted as before
    alone = inspector.get(f"/supervision/anshan?{SPAN}")
    assert alone.status_code == 409 and "鞍山市行政审批局的目录有错误" in alone.text


def test_the_figures_are_kept_on_disk_for_the_first_view_after_a_restart(
    recorded: ConsoleSettings, clients: Clients
) -> None:
    first = create_app(recorded, start_jobs=False)
    before = summary_rows(clients(first, "admin").get(f"/supervision?{SPAN}").text)
    first.state.console.close()
    recorded.memory.forget()
    again = create_app(recorded, start_jobs=False)
    try:
        admin = clients(again, "admin")
        assert summary_rows(admin.get(f"/supervision?{SPAN}").text) == before
        assert recorded.memory.get("periods") is None  # no department was counted for it
        record_one_not_done(admin, recorded)  # the 登记簿 changes: the kept figures are not used
        recorded.memory.forget()
        after = summary_rows(admin.get(f"/supervision?{SPAN}").text)
        assert recorded.memory.get("periods") is not None and after["合计"] != before["合计"]
    finally:
        again.state.console.close()


def test_a_record_counts_again_only_its_own_department(
    app: Starlette, recorded: ConsoleSettings, clients: Clients
) -> None:
    admin = clients(app, "admin")
    quarter = (date(2026, 10, 1), date(2026, 12, 31))

    def kept() -> dict[str, object]:
        found = recorded.memory.get("periods")
        assert found is not None
        return dict(found[1][quarter])  # type: ignore[index]

    admin.get(f"/supervision?{SPAN}")
    before = kept()
    assert len(before) >= 4  # every department, each counted from its own day
    record_one_not_done(admin, recorded)
    admin.get(f"/supervision?{SPAN}")
    after = kept()
    assert after["anshan"] is not before["anshan"]
    assert all(after[slug] is before[slug] for slug in before if slug != "anshan")


def test_one_click_periods_are_counted_with_the_period_asked_for_and_read_as_the_report_writes(
    app: Starlette,
    recorded: ConsoleSettings,
    clients: Clients,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """本月、上月、本季度、上季度、本年、去年 are one click away; a department read for one period is counted for the
    others at the same time, so the next click reads no 台账 — and shows what `jiaozao report` writes for it."""
    inspector = clients(app, "inspector")
    page = inspector.get(f"/supervision?{SPAN}").text  # this quarter: 2026-10-01 to 2026-12-31 (TODAY 11-23)
    links = dict(
        (label, unescape(href))
        for href, label in re.findall(r'<li><a href="(/supervision\?[^"]+)"[^>]*>([^<]+)</a></li>', page)
    )
    assert links == {
        "本月": "/supervision?from=2026-11-01&to=2026-11-30",
        "上月": "/supervision?from=2026-10-01&to=2026-10-31",
        "本季度": "/supervision?from=2026-10-01&to=2026-12-31",
        "上季度": "/supervision?from=2026-07-01&to=2026-09-30",
        "本年": "/supervision?from=2026-01-01&to=2026-12-31",
        "去年": "/supervision?from=2025-01-01&to=2025-12-31",
    }
    assert re.search(
        r'<a href="/supervision\?from=2026-10-01&amp;to=2026-12-31" aria-current="page">本季度', page
    )
    read: list[str] = []
    day = figures.read_department_day
    monkeypatch.setattr(
        figures, "read_department_day", lambda s, slug, *rest: read.append(slug) or day(s, slug, *rest)
    )
    for label in ("上季度", "本月", "上月", "本年"):
        shown = inspector.get(links[label])
        assert shown.status_code == 200 and read == [], label  # counted with this quarter: no 台账 read
        start, end = re.findall(r"\d{4}-\d{2}-\d{2}", links[label])
        book = cli_report(recorded, tmp_path / label, (start, end))
        expected = {
            str(r[0]): [str(v) for v in r[1:]] for r in book["汇总"].iter_rows(min_row=3, values_only=True)
        }
        assert summary_rows(shown.text) == expected, label
    assert 'aria-current="page">上季度' not in page
    department = inspector.get(links["上季度"].replace("/supervision?", "/supervision/anshan?")).text
    assert (
        '<a href="/supervision/anshan?from=2026-07-01&amp;to=2026-09-30" aria-current="page">上季度'
        in department
    )
