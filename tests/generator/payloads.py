"""A catalogue, YAML files and a ledger full of what an attacker or a clumsy clerk types, and scanners for outputs.

Markup (script tags, img onerror, javascript: and data: links, Markdown links and images, attr_list braces,
Jinja-looking text) and formulas (= + - @ tab CR) go into every field staff fill in: 目录 cells and title,
department.yaml, renewal.yaml, site.yaml, and the ledger's holders, numbers and contacts.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

from generator.spreadsheet import append_row
from tests.generator.reminders.conftest import HEADER

DEPARTMENT = "anshan-weijian"
TODAY = "2026-11-23"
FORMULAS = (
    '=HYPERLINK("http://evil.example/","点我")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=2+2",
    "#N/A",
)
MARKUP = (
    "<script>alert('s')</script>",
    "<img src=x onerror=alert('i')>",
    "[点我](javascript:alert('m'))",
    "![图](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"javascript:alert('a')\">链接</a>",
    "{{ 7*7 }}{% if x %}",
    "{: onclick=\"alert('attr')\" }",
    "</title><script>alert('t')</script>",
    "*强调* _下划线_ `代码` # 标题 | 竖线",
    "- 列表 1. 有序",
)
SITE = {
    "网站名称": "</title><script>alert('n')</script>证照到期提醒",
    "主办单位": "<script>alert('h')</script>某局",
    "网站标识码": "<img src=x onerror=alert('c')>",
    "ICP备案号": "[ICP](javascript:alert('p'))",
    "公安备案号": "=1+1公安",
}
DEPARTMENT_FACTS = {
    "名称": "<img src=x onerror=alert('d')>鞍山卫健",
    "全称": "<script>alert('f')</script>全称",
    "地址": "[地址](javascript:alert('addr'))",
    "办公时间": "{: onclick=\"alert('hours')\" }",
}
RENEWAL = {
    "法律依据": "![依据](data:image/svg+xml;base64,PHN2Zz4=)",
    "办理地点": "[办理](javascript:alert('place'))",
    "过期后果": "{{ 7*7 }}<script>alert('late')</script>",
}
MATERIAL = "=HYPERLINK(\"http://evil.example/\")<img src=x onerror=alert('mat')>"
SMS_TEMPLATE = "{持证人}：您的{证照}将于{期满日期}到期，请及时办理延续。咨询电话：{电话}"
CATALOG_TITLE = "<script>alert('title')</script>=1+1"
CERTIFICATES = (  # 事项名称 of added 目录 rows: markup only (a name must still match its ledger rows)
    "<script>alert('cert')</script>卫生许可",
    "[点我](javascript:alert('cert'))卫生许可",
    '=HYPERLINK("http://evil.example/")卫生许可',
    "@SUM(A1)卫生许可",
)
HOLDERS = (*FORMULAS, *MARKUP, "\u202egpj.exe有限公司", "张三\n李四有限公司", "零\u200b宽\u00ad字符公司")


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    """Write rows as a real .xlsx whose text cells are text, as Excel stores "=1+1" typed after a quote."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        append_row(sheet, row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML string


def _set_keys(path: Path, values: dict[str, str], indent: str = "") -> None:
    text = path.read_text(encoding="utf-8")
    for key, value in values.items():
        pattern = re.compile(rf"^{indent}{key}:.*$", re.MULTILINE)
        assert pattern.search(text), (path, key)
        line = f"{indent}{key}: {_yaml(value)}"
        text = pattern.sub(lambda _, line=line: line, text, count=1)
    path.write_text(text, encoding="utf-8")


def write_payload_catalogs(catalogs_dir: Path) -> None:
    """Fill a copy of the demo catalogs with payloads: 鞍山卫健's 目录, its YAML files and site.yaml."""
    folder = catalogs_dir / DEPARTMENT
    rows = [[1, "公共场所卫生许可延续", "4年"], *[[n, name, "4年"] for n, name in enumerate(CERTIFICATES, 2)]]
    (folder / "catalog.xlsx").unlink()
    write_xlsx(folder / "catalog.xlsx", [[CATALOG_TITLE], ["序号", "事项名称", "有效期"], *rows])
    _set_keys(folder / "department.yaml", DEPARTMENT_FACTS)
    _set_keys(folder / "renewal.yaml", RENEWAL, indent="  ")
    renewal = folder / "renewal.yaml"
    text = renewal.read_text(encoding="utf-8")
    renewal.write_text(
        text.replace("    - 【示例】延续申请表", f"    - {_yaml(MATERIAL)}", 1), encoding="utf-8"
    )
    _set_keys(catalogs_dir / "site.yaml", SITE)
    (folder / "短信模板.txt").write_text(SMS_TEMPLATE, encoding="utf-8")  # each SMS starts with its holder


def write_payload_ledger(folder: Path) -> Path:
    """Write 鞍山卫健's ledger: every holder a payload, all due for a reminder on TODAY."""
    certificates = ("公共场所卫生许可延续", *CERTIFICATES)
    rows = []
    for n, holder in enumerate(HOLDERS):
        number = f"{FORMULAS[n % len(FORMULAS)]}-{n}" if n % 3 == 0 else f"PL-{n:03d}"
        certificate, contact = certificates[n % len(certificates)], HOLDERS[-n - 1]
        rows.append(
            [holder, certificate, number, "2026-12-10", contact, f"1380013{n:04d}", f"p{n}@example.com", ""]
        )
    return write_xlsx(folder / f"{DEPARTMENT}.xlsx", [HEADER, *rows])


_RISKY = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def formula_findings(path: Path) -> list[str]:
    """Return every formula cell of an .xlsx, or every CSV field a spreadsheet would evaluate, in path."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
            return [f"{path.name}:{n}" for n in sheets if re.search(rb"<(?:\w+:)?f[ >]", book.read(n))]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            f"{path.name}:{line}:{field!r}"
            for line, row in enumerate(csv.reader(handle), start=1)
            for field in row
            if _RISKY.match(field) and not _NUMBER.match(field)
        ]
