"""放假安排 in the console: the preview says what `holidays import --dry-run` prints; the import writes what it writes.

notices/2027-fictional.txt is a made-up 2027 notice in the real notices' form (2027 is still estimated here).
"""

from __future__ import annotations

import re
import shutil
from contextlib import closing
from html import unescape
from pathlib import Path

import pytest
from starlette.applications import Starlette

from console.settings import ConsoleSettings
from console.store.db import connect
from generator.cli import main
from generator.commands._common import terminal as cli_console
from generator.config import DEMO_CATALOGS
from tests.console.conftest import TODAY, Clients, Staff
from tests.generator.holidays.conftest import BAD

NOTICE = Path(__file__).with_name("notices") / "2027-fictional.txt"
BOX = set("┏┓┗┛┡┩┃│└┘━─╇┳┻")


def page_text(html: str) -> str:
    """Return a page's text as a reader sees it: tags gone, entities decoded, one line per line."""
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(cli_console, "width", 200)  # the table on one line per row
    capsys.readouterr()
    code = main(list(args))
    return code, capsys.readouterr().err


def inputs_args(settings: ConsoleSettings, catalogs: Path | None = None) -> list[str]:
    catalogs = catalogs or settings.inputs.catalogs
    return [
        "--catalogs",
        str(catalogs),
        "--ledgers",
        str(catalogs / "_ledgers"),
        "--today",
        TODAY.isoformat(),
    ]


def paste(admin: Staff, text: str) -> tuple[int, str, str]:
    """Post a notice to the preview; return the status, the page reached and its address."""
    response = admin.submit("/holidays/preview", {"notice": text})
    if response.status_code != 303:
        return response.status_code, response.text, ""
    location = response.headers["location"]
    return 200, admin.get(location).text, location


def audit_actions(settings: ConsoleSettings) -> list[str]:
    with closing(connect(settings.database)) as db:
        return [row[0] for row in db.execute("SELECT action FROM audit ORDER BY id")]


def test_the_preview_says_what_the_dry_run_prints(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    before = settings.inputs.holidays.read_bytes()
    code, printed = cli(
        capsys, monkeypatch, "holidays", "import", str(NOTICE), "--dry-run", *inputs_args(settings)
    )
    assert code == 0
    status, html, _ = paste(clients(quiet_app, "admin"), NOTICE.read_text(encoding="utf-8"))
    assert status == 200
    shown = page_text(html)
    lines = [line.strip() for line in printed.splitlines() if line.strip() and not set(line) & BOX]
    said = [line for line in lines if not line.startswith("演练")]
    assert len(said) >= 6 and any("估算" in line for line in said)  # title, counts, cleared year, impact
    for line in said:
        assert line in shown, line
    rows = [
        [c.strip() for c in line.strip("│").split("│")]
        for line in printed.splitlines()
        if line.startswith("│")
    ]
    assert len(rows) == 7
    cells = re.findall(
        r"<tr><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td></tr>", html
    )
    assert [[unescape(c) for c in row] for row in cells] == rows
    assert "确认导入" in html and settings.inputs.holidays.read_bytes() == before


def test_the_import_writes_the_holidays_csv_the_command_line_writes_and_queues_a_publish(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    other = tmp_path / "cli-catalogs"
    shutil.copytree(DEMO_CATALOGS, other)
    code, _ = cli(capsys, monkeypatch, "holidays", "import", str(NOTICE), *inputs_args(settings, other))
    assert code == 0
    admin = clients(quiet_app, "admin")
    _, _, location = paste(
        admin, NOTICE.read_text(encoding="utf-8").replace("\n", "\r\n")
    )  # as browsers post
    response = admin.submit(location + "/import")
    assert response.status_code == 303 and response.headers["location"].startswith("/jobs/")
    assert settings.inputs.holidays.read_bytes() == (other / "holidays.csv").read_bytes()
    sources = (settings.inputs.catalogs / "holidays-sources.csv").read_text(encoding="utf-8-sig")
    assert "国办发明电〔2026〕99号" in sources
    job = admin.get(response.headers["location"] + ".json").json()
    assert job["state"] == "queued"
    assert "holidays_import" in audit_actions(settings)
    page = page_text(admin.get("/holidays").text)
    assert "2027 国务院通知 国办发明电〔2026〕99号" in page and "还是估算" not in page
    again = admin.submit(location + "/import")
    assert again.status_code == 400 and "已经导入过" in again.text
    _, _, second = paste(admin, NOTICE.read_text(encoding="utf-8"))
    response = admin.submit(second + "/import")
    assert response.status_code == 200 and "已经导入过，holidays.csv 没有变化" in response.text


@pytest.mark.parametrize(
    "name",
    [
        "several-problems.txt",
        "not-a-notice.txt",
        "wrong-weekday.txt",
        "wrong-count.txt",
        "impossible-date.txt",
    ],
)
def test_a_bad_text_shows_every_problem_in_chinese_and_writes_nothing(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients, name: str,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    before = sorted((p.name, p.read_bytes()) for p in settings.inputs.catalogs.iterdir() if p.is_file())
    code, printed = cli(
        capsys, monkeypatch, "holidays", "import", str(BAD / name), "--dry-run", *inputs_args(settings)
    )
    assert code == 1
    count = re.search(r"发现 (\d+) 个问题", printed)
    assert count
    admin = clients(quiet_app, "admin")
    status, html, _ = paste(admin, (BAD / name).read_text(encoding="utf-8"))
    assert status == 400 and "Traceback" not in html
    assert f"发现 {count.group(1)} 个问题，没有写入任何文件" in html
    assert html.count('<tr class="err">') == int(count.group(1))
    for message in re.findall(r'<td data-label="问题">(.*?)</td>', html):
        assert unescape(message) in printed.replace("\n", "")
    assert (
        sorted((p.name, p.read_bytes()) for p in settings.inputs.catalogs.iterdir() if p.is_file()) == before
    )
    assert audit_actions(settings)[-1] == "holidays_refused"
    pasted = (BAD / name).read_text(encoding="utf-8").splitlines()[0]
    assert pasted in unescape(html.split("<textarea")[1].split("</textarea>")[0])  # kept, to correct


def test_an_empty_paste_and_a_calendar_changed_since_the_preview_are_refused(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    admin = clients(quiet_app, "admin")
    status, html, _ = paste(admin, "  \r\n ")
    assert status == 400 and "粘贴进文本框" in html
    _, _, location = paste(admin, NOTICE.read_text(encoding="utf-8"))
    settings.inputs.holidays.write_text("日期,类型,说明\n2027-01-04,休,手工\n", encoding="utf-8")
    response = admin.submit(location + "/import")
    assert response.status_code == 409 and "重新粘贴" in response.text
    assert settings.inputs.holidays.read_text(encoding="utf-8") == "日期,类型,说明\n2027-01-04,休,手工\n"


def test_the_years_and_the_autumn_warning(quiet_app: Starlette, clients: Clients) -> None:
    page = page_text(clients(quiet_app, "admin").get("/holidays").text)
    assert "提醒：2027 年的放假安排还是估算" in page
    assert "2027 估算" in page and "2004 chinese-calendar" in page and "2026 chinese-calendar" in page


def test_a_broken_holidays_csv_is_said_in_chinese(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    settings.inputs.holidays.write_text("日期,类型,说明\n2027-02-30,休,错\n", encoding="utf-8")
    admin = clients(quiet_app, "admin")
    page = admin.get("/holidays")
    assert page.status_code == 409 and "Traceback" not in page.text
    assert "holidays.csv 有错误" in page.text and "2027-02-30" in page.text
    status, html, _ = paste(admin, NOTICE.read_text(encoding="utf-8"))
    assert status == 400 and "2027-02-30" in html and "日期无法识别或不存在" in html, page_text(html)[:1500]
    assert settings.inputs.holidays.read_text(encoding="utf-8") == "日期,类型,说明\n2027-02-30,休,错\n"


def test_both_forms_need_the_csrf_token(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    admin = clients(quiet_app, "admin")
    _, _, location = paste(admin, NOTICE.read_text(encoding="utf-8"))
    before = settings.inputs.holidays.read_bytes()
    for url, data in (
        ("/holidays/preview", {"notice": NOTICE.read_text(encoding="utf-8")}),
        (location + "/import", {}),
    ):
        for token in ("", "forged"):
            response = admin.post(url, data={"csrf": token, **data})
            assert response.status_code == 403 and "表单已失效" in response.text
    assert settings.inputs.holidays.read_bytes() == before
