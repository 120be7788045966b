"""Each 目录 as open data: .xlsx, .csv (UTF-8 with BOM) and .json, byte-identical for the same 目录 and date."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from generator.catalog.model import Department
from generator.site.model import SiteModel
from generator.spreadsheet import append_row, csv_row
from portal.rules import site_layout as layout

_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)([^<]*)(</dcterms:)")


DOWNLOADS = ("xlsx", "csv", "json")  # each department's files: site_layout.catalog_download


def write_catalog_downloads(
    model: SiteModel, docs_dir: Path, skip: frozenset[str] | set[str] = frozenset()
) -> list[Path]:
    """Write departments/<slug>/catalog.{xlsx,csv,json} for every department not in skip; return the paths."""
    written = []
    for department in model.catalogs.departments:
        if department.slug in skip:
            continue
        rows = [list(item.cells) for item in department.items]
        for suffix, content in (
            ("csv", _csv(department, rows)), ("json", _json(department, rows, model)),
            ("xlsx", _xlsx(department, rows, model)),
        ):  # fmt: skip
            target = docs_dir / layout.catalog_download(department.slug, suffix)
            target.parent.mkdir(parents=True, exist_ok=True)
            written.append(_write(target, content))
    return written


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _csv(department: Department, rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_row(department.headers))
    writer.writerows(csv_row(row) for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _json(department: Department, rows: list[list[str]], model: SiteModel) -> bytes:
    data = {
        "department": department.name,
        "title": department.title,
        "updated": model.updated_at,
        "columns": list(department.headers),
        "items": [dict(zip(department.headers, row, strict=False)) for row in rows],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _xlsx(department: Department, rows: list[list[str]], model: SiteModel) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "目录"
    append_row(sheet, [department.title or department.name])
    append_row(sheet, department.headers)
    for row in rows:
        append_row(sheet, row)
    stamp = datetime.combine(model.today, datetime.min.time())
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    return _normalize_zip(buffer.getvalue(), stamp.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _normalize_zip(data: bytes, stamp: str) -> bytes:
    """Return the archive with fixed timestamps (members and core properties): same workbook, same bytes."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time into it
                content = _DATES.sub(lambda m: m.group(1) + stamp.encode() + m.group(3), content)
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return out.getvalue()
