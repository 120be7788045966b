"""The 目录 change log (变更记录): what was added, removed or edited since the previous build, kept across builds.

The previous build's 目录 snapshot and log live in the published site itself (catalog-history.json: public data,
no personal data), so the site is its own state and a rebuild from the same inputs reproduces it.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from generator.catalog.model import CatalogItem, Catalogs, Department
from generator.site.model import CatalogChange
from portal.rules.text import normalize_name

HISTORY_FILE = "catalog-history.json"
Snapshot = dict[str, dict[str, Any]]  # slug → {"headers": [...], "items": {key: [cells]}, "log": [...]}


def read_history(site_dir: Path) -> Snapshot:
    """Return the previous build's snapshot, or {} when there is none or it cannot be read."""
    try:
        data = json.loads((site_dir / HISTORY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _key(item: CatalogItem) -> str:
    return f"{normalize_name(item.matter)}|{normalize_name(item.certificate)}"


def update_history(previous: Snapshot, catalogs: Catalogs, today: date) -> Snapshot:
    """Return the new snapshot: each department's current 目录 and its log with today's changes on top."""
    return {d.slug: _department_history(previous.get(d.slug), d, today) for d in catalogs.departments}


def _department_history(before: dict[str, Any] | None, department: Department, today: date) -> dict[str, Any]:
    items = {_key(i): list(i.cells) for i in department.items}
    headers = list(department.headers)
    log = list(before.get("log", [])) if before else []
    if before is not None:
        log = _diff(before, headers, items, department, today) + log
    return {"headers": headers, "items": items, "log": log}


def _diff(
    before: dict[str, Any],
    headers: list[str],
    items: dict[str, list[str]],
    department: Department,
    today: date,
) -> list[dict[str, str]]:
    old_items: dict[str, list[str]] = before.get("items", {})
    old_headers: list[str] = before.get("headers", headers)
    names = {_key(i): (i.seq, i.certificate) for i in department.items}
    changes = []
    for key, cells in items.items():
        seq, certificate = names[key]
        if key not in old_items:
            changes.append(_entry(today, "新增", seq, certificate, ""))
        elif (detail := _edits(old_headers, old_items[key], headers, cells)) != "":
            changes.append(_entry(today, "修改", seq, certificate, detail))
    for key, cells in old_items.items():
        if key not in items:
            old = dict(zip(old_headers, cells, strict=False))
            changes.append(_entry(today, "删除", old.get("序号", ""), _certificate_of(old), ""))
    return changes


def _edits(old_headers: list[str], old: list[str], headers: list[str], new: list[str]) -> str:
    before, after = dict(zip(old_headers, old, strict=False)), dict(zip(headers, new, strict=False))
    edits = [
        f"{h}：{before.get(h, '（无）')} → {after.get(h, '（无）')}"
        for h in headers
        if before.get(h) != after.get(h)
    ]
    return "；".join(e for e in edits if not e.startswith("序号："))


def _certificate_of(cells: dict[str, str]) -> str:
    for header in ("证照名称", "许可证书名称", "事项名称", "审批事项名称", "许可事项名称"):
        if cells.get(header):
            return cells[header]
    return ""


def _entry(today: date, kind: str, seq: str, certificate: str, detail: str) -> dict[str, str]:
    return {"on": today.isoformat(), "kind": kind, "seq": seq, "certificate": certificate, "detail": detail}


def change_log(history: Snapshot) -> dict[str, tuple[CatalogChange, ...]]:
    """Return each department's change log, newest first, as the site model wants it."""
    return {
        slug: tuple(
            CatalogChange(date.fromisoformat(e["on"]), e["kind"], e["seq"], e["certificate"], e["detail"])
            for e in entry.get("log", [])
        )
        for slug, entry in history.items()
    }


def write_history(docs_dir: Path, history: Snapshot) -> None:
    """Write the snapshot into the site sources, so it is published and found by the next build."""
    text = json.dumps(history, ensure_ascii=False, indent=1, sort_keys=True)
    (docs_dir / HISTORY_FILE).write_text(text + "\n", encoding="utf-8")
