"""Workbooks that can act on their own are refused as input: macros, external links, DDE and web formulas.

One rule for every reader (the console's uploads, the CLI's .xlsx inputs): a 目录 or 台账 is plain data. A
workbook with a VBA project (xl/vbaProject.bin, or a macro-enabled content type), with links to other files
(xl/externalLinks/), or with a formula that fetches or runs something (WEBSERVICE, FILTERXML, DDE) is found
from the zip listing and the sheets' XML, before any cell is parsed.
"""

from __future__ import annotations

import re
import zipfile

_CHUNK = 1024 * 1024
_OVERLAP = 65536  # a formula cut between two chunks is still seen whole in the next one
_MACRO_TYPES = (b"macroenabled", b"vbaproject")
# A formula element (<f>…</f>, <x:f …>…) calling WEBSERVICE / FILTERXML (fetch from the net) or DDE / DDEAUTO
# (run another program); or the older DDE form =cmd|' /c calc'!A1 (a program name, a bar, a quoted topic).
_FORMULA = re.compile(rb"<(?:\w+:)?f(?:\s[^>]*)?>([^<]*)<")
_CALL = re.compile(rb"\b(WEBSERVICE|FILTERXML|DDEAUTO|DDE)\s*\(", re.IGNORECASE)
_PIPE_DDE = re.compile(rb"^\s*[\w.-]+\|(?:'|&apos;)")
FIX = "请在 Excel/WPS 中另存为普通 .xlsx（Excel 工作簿），并删除宏和外部链接后重新上传"


def active_content(book: zipfile.ZipFile) -> list[str]:
    """Return what makes an opened .xlsx zip active, in Chinese (empty when it is plain data).

    Reads only the content types and the sheets' XML, in chunks: no cell is parsed.
    """
    names = book.namelist()
    lowered = [n.lower() for n in names]
    found: list[str] = []
    if any(n.rsplit("/", 1)[-1] == "vbaproject.bin" for n in lowered):
        found.append("宏（VBA 工程 vbaProject.bin）")
    elif "[content_types].xml" in lowered:
        types = book.read(names[lowered.index("[content_types].xml")]).lower()
        if any(mark in types for mark in _MACRO_TYPES):
            found.append("启用宏的工作簿类型（.xlsm/.xltm）")
    if any(n.startswith("xl/externallinks/") for n in lowered):
        found.append("外部链接（xl/externalLinks/）")
    functions: set[str] = set()
    for name, low in zip(names, lowered, strict=True):
        if low.startswith("xl/worksheets/") and low.endswith(".xml"):
            functions.update(_formulas(book, name))
    if functions:
        found.append("会联网或调用其他程序的公式（" + "、".join(sorted(functions)) + "）")
    return found


def _formulas(book: zipfile.ZipFile, name: str) -> set[str]:
    seen: set[str] = set()
    tail = b""
    with book.open(name) as part:
        while chunk := part.read(_CHUNK):
            data = tail + chunk
            for formula in _FORMULA.finditer(data):
                seen.update(m.group(1).decode().upper() for m in _CALL.finditer(formula.group(1)))
                if _PIPE_DDE.match(formula.group(1)):
                    seen.add("DDE")
            tail = data[-_OVERLAP:]
    return seen


def refusal(shown: str, found: list[str]) -> str:
    """Return the Chinese refusal: the file, what was found, what to do."""
    return f"文件“{shown}”含有{'、'.join(found)}，为安全起见不予读取。{FIX}"
