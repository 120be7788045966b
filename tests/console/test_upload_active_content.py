"""Workbooks that can act on their own (macros, external links, DDE / web formulas) are refused as uploads of
目录 and 台账, in Chinese naming the file, what was found and what to do; nothing is stored. The CLI's readers
refuse them by the same rule."""

from __future__ import annotations

import io
import zipfile
from contextlib import closing
from pathlib import Path

import openpyxl
import pytest
from starlette.applications import Starlette

from console.settings import ConsoleSettings
from console.store.db import connect
from generator.problems import InputError
from generator.tabular import read_sheets
from tests.console.conftest import Clients, edited_catalog, text_of

FIX = "另存为普通 .xlsx"


def with_parts(content: bytes, extra: dict[str, bytes], types: bytes | None = None) -> bytes:
    """Return a real workbook with parts added (and its content types replaced), as Excel would save them."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml" and types is not None:
                data = data.replace(b"</Types>", types + b"</Types>")
            dst.writestr(info.filename, data)
        for name, data in extra.items():
            dst.writestr(name, data)
    return out.getvalue()


def ledger(settings: ConsoleSettings, formula: str | None = None) -> bytes:
    book = openpyxl.load_workbook(settings.inputs.ledgers / "anshan.xlsx")
    if formula is not None:
        book.active.cell(4, 2).value = formula  # openpyxl writes a formula when the value starts with "="
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


VBA = {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 512}
MACRO_TYPE = b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>'
LINK = {
    "xl/externalLinks/externalLink1.xml": b'<externalLink xmlns="x"><externalBook r:id="rId1"/></externalLink>'
}
CASES = [
    ("vba", "宏（VBA 工程 vbaProject.bin）"),
    ("xlsm", "启用宏的工作簿类型（.xlsm/.xltm）"),
    ("link", "外部链接（xl/externalLinks/）"),
    ("webservice", "会联网或调用其他程序的公式（WEBSERVICE）"),
    ("dde", "会联网或调用其他程序的公式（DDE）"),
]


def active(plain: bytes, case: str, formula_book: bytes) -> bytes:
    if case == "vba":
        return with_parts(plain, VBA)
    if case == "xlsm":
        return with_parts(plain, {}, MACRO_TYPE)
    if case == "link":
        return with_parts(plain, LINK)
    return formula_book


def stored(settings: ConsoleSettings) -> int:
    with closing(connect(settings.db)) as db:
        return int(db.execute("SELECT COUNT(*) FROM uploads").fetchone()[0])


@pytest.mark.parametrize(("case", "found"), CASES)
def test_an_active_catalog_is_refused_with_the_reason(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients, case: str, found: str
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    formula = '=WEBSERVICE("http://x")' if case == "webservice" else "=cmd|' /c calc'!A1"
    content = active(
        edited_catalog(settings, "anshan", {}), case, edited_catalog(settings, "anshan", {(3, 3): formula})
    )
    response = clerk.submit("/departments/anshan/catalog", files={"file": ("宏目录.xlsx", content)})
    text = text_of(response.text)
    assert response.status_code == 400, text
    assert "文件“宏目录.xlsx”含有" in text and found in text and FIX in text and "删除宏和外部链接" in text
    assert stored(settings) == 0


@pytest.mark.parametrize(("case", "found"), CASES)
def test_an_active_ledger_is_refused_with_the_reason(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients, case: str, found: str
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    before = (settings.inputs.ledgers / "anshan.xlsx").read_bytes()
    formula = '=WEBSERVICE("http://x")' if case == "webservice" else "=cmd|' /c calc'!A1"
    content = active(ledger(settings), case, ledger(settings, formula))
    response = clerk.submit("/departments/anshan/ledger", files={"file": ("台账.xlsx", content)})
    text = text_of(response.text)
    assert response.status_code == 400, text
    assert "文件“台账.xlsx”含有" in text and found in text and FIX in text
    assert stored(settings) == 0 and (settings.inputs.ledgers / "anshan.xlsx").read_bytes() == before


def test_a_filterxml_formula_and_plain_text_naming_webservice(
    quiet_app: Starlette, settings: ConsoleSettings, clients: Clients
) -> None:
    clerk = clients(quiet_app, "clerk_a")
    both = ledger(settings, '=FILTERXML(WEBSERVICE("http://x"),"//a")')
    refused = text_of(clerk.submit("/departments/anshan/ledger", files={"file": ("a.xlsx", both)}).text)
    assert "（FILTERXML、WEBSERVICE）" in refused
    book = openpyxl.load_workbook(settings.inputs.ledgers / "anshan.xlsx")
    book.active.cell(4, 2).value = "WEBSERVICE(x) 公司"  # text that only names the function is plain data
    out = io.BytesIO()
    book.save(out)
    assert (
        clerk.submit("/departments/anshan/ledger", files={"file": ("b.xlsx", out.getvalue())}).status_code
        == 303
    )


def test_the_cli_readers_refuse_an_active_workbook_by_the_same_rule(
    settings: ConsoleSettings, tmp_path: Path
) -> None:
    file = tmp_path / "anshan.xlsx"
    file.write_bytes(with_parts(ledger(settings), LINK))
    with pytest.raises(InputError) as refused:
        read_sheets(file, "anshan.xlsx")
    (problem,) = refused.value.problems
    assert "外部链接" in problem.message and FIX in problem.fix
    file.write_bytes(ledger(settings))
    assert read_sheets(file, "anshan.xlsx")
