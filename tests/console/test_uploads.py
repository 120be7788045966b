"""Uploads are judged by content within limits; wrong, broken, oversized and zip-bomb files are refused in Chinese.

Values from files, file names and user names are shown escaped, never run.
"""

from __future__ import annotations

import io
import zipfile
from contextlib import closing
from dataclasses import replace

import pytest
from starlette.applications import Starlette

from console.app import create_app
from console.frame.uploads import UploadRefused, check_upload, shown_name
from console.settings import ConsoleSettings
from console.store.db import connect
from tests.console.conftest import Clients, edited_catalog

D = "/departments/anshan/catalog"
MB = 1024 * 1024
XSS = "<script>alert(1)</script>"


def minimal_xlsx_parts(extra: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
        for name, data in extra.items():
            book.writestr(name, data)
    return out.getvalue()


def uploads_count(settings: ConsoleSettings) -> int:
    with closing(connect(settings.database)) as db:
        return int(db.execute("SELECT COUNT(*) FROM uploads").fetchone()[0])


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + bytes(range(256)), "目录.xlsx", "不是"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "目录.csv", "不是"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "目录.xls", "旧版"),
        (b"just one line of words and no columns", "目录.csv", "不是 CSV"),
        (b"", "目录.xlsx", "空的"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients, content: bytes, name: str, words: str
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    response = clerk.submit(D, files={"file": (name, content)})
    assert response.status_code == 400 and words in response.text and "没有做任何修改" in response.text
    assert uploads_count(settings) == 0


def test_a_plain_zip_and_a_broken_workbook_are_refused(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "不是 Excel 工作簿" in clerk.submit(D, files={"file": ("a.xlsx", plain.getvalue())}).text
    whole = edited_catalog(settings, "anshan", {})
    broken = clerk.submit(D, files={"file": ("a.xlsx", whole[: len(whole) // 2])})
    assert broken.status_code == 400 and "损坏" in broken.text
    flipped = bytearray(whole)
    flipped[len(flipped) // 3] ^= 0xFF  # damage inside a compressed part: the CRC check catches it
    damaged = clerk.submit(D, files={"file": ("a.xlsx", bytes(flipped))})
    assert damaged.status_code == 400 and ("损坏" in damaged.text or "不是" in damaged.text)
    assert uploads_count(settings) == 0


def test_a_zip_bomb_stops_at_the_unpacking_limit(settings: ConsoleSettings, clients: Clients) -> None:
    bomb = minimal_xlsx_parts({"xl/worksheets/sheet1.xml": b"\x00" * (40 * MB)})
    assert len(bomb) < MB  # forty megabytes of nothing compress to almost nothing
    app = create_app(replace(settings, unzip_limit=8 * MB), start_jobs=False)
    response = clients(app, "clerk_a").submit(D, files={"file": ("bomb.xlsx", bomb)})
    assert response.status_code == 400 and "解压后超过 8 MB" in response.text
    assert uploads_count(settings) == 0
    app.state.console.close()


def test_a_zip_bomb_that_lies_about_its_size_is_still_caught() -> None:
    bomb = bytearray(minimal_xlsx_parts({"xl/worksheets/sheet1.xml": b"\x00" * (10 * MB)}))
    declared = (10 * MB).to_bytes(4, "little")
    for start in range(len(bomb) - 3):  # rewrite the declared sizes to 1 byte in both headers
        if bomb[start : start + 4] == declared:
            bomb[start : start + 4] = (1).to_bytes(4, "little")
    with pytest.raises(UploadRefused):
        check_upload(bytes(bomb), "a.xlsx", 50 * MB, 4 * MB)


def test_files_over_the_size_limit_are_refused_before_they_are_read(
    settings: ConsoleSettings, clients: Clients
) -> None:
    app = create_app(replace(settings, upload_limit=1 * MB), start_jobs=False)
    clerk = clients(app, "clerk_a")
    big = b"a,b\n" * (MB // 2)  # 2 MB of a valid CSV
    response = clerk.submit(D, files={"file": ("big.csv", big)})
    assert response.status_code == 413 and "最大 1 MB" in response.text
    assert uploads_count(settings) == 0
    assert clerk.submit("/departments/anshan/ledger", files={"file": ("big.csv", big)}).status_code == 413
    app.state.console.close()


def test_the_client_file_name_is_only_shown_never_used_as_a_path() -> None:
    assert shown_name("../../etc/passwd") == "passwd"
    assert shown_name("C:\\Users\\x\\目录.xlsx") == "目录.xlsx"
    assert shown_name("a\x00b\x1bc.csv") == "abc.csv"
    assert shown_name("") == "（无文件名）"


def test_xss_in_a_cell_a_file_name_and_a_user_name_stays_inert(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    content = edited_catalog(settings, "anshan", {(3, 3): XSS, (5, 5): XSS})
    location = clerk.submit(D, files={"file": (f"{XSS}.xlsx", content)}).headers["location"]
    page = clerk.get(location).text
    assert XSS not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    clients(quiet_app).sign_in(XSS, "Wrong-password-123")  # an unknown typed name is never logged as typed
    audit = clients(quiet_app, "admin").get("/audit").text
    assert XSS not in audit and "（未知用户）" in audit
    admin = clients(quiet_app, "admin")
    refused = admin.submit("/users", {"name": XSS, "role": "科员", "department": "anshan",
                                      "password": "Quiet-river-7741", "password2": "Quiet-river-7741"})  # fmt: skip
    assert refused.status_code == 400 and XSS not in refused.text
