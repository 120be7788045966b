"""Demo data: fictional 台账 files for the demo departments, and a 登记簿 history, reproducible from a seed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.catalog.load import load_catalogs
from generator.catalog.model import CatalogItem, Department
from generator.config import Settings
from generator.demo import LAYOUTS, DemoItem, demo_rows, write_ledger
from generator.pipeline import load_inputs
from generator.reminders.demo_history import demo_history
from generator.reminders.registry import Registry

# Which seed's 台账 layout and file type each demo department's fictional ledger uses.
DEMO_LEDGERS = {
    "anshan": ("anshan", "anshan.xlsx", "AS", "utf-8-sig", "anshan"),
    "dongli": ("dongli", "dongli.csv", "DL", "gbk", "dongli"),
    "lvliang": ("anyang", "lvliang.xlsx", "LL", "utf-8-sig", "lvliang"),
    "anshan-weijian": ("jiaozao", "anshan-weijian.xlsx", "WJ", "utf-8-sig", "anshan"),
}
DEMO_ANCHOR = date(2026, 12, 1)
_PERSONAL = ("作业人员证", "适任证", "资格证")


def demo_item(item: CatalogItem) -> DemoItem:
    """Return what the demo generator needs to know of a 目录 item."""
    years = (item.validity.longest_months or 60) // 12 or 1
    person = any(word in item.certificate for word in _PERSONAL)
    return DemoItem(item.seq, item.certificate, item.matter, years, person)


def write_demo_ledgers(catalogs_dir: Path, out: Path, per_item: int, seed: int, anchor: date) -> list[Path]:
    """Write one fictional ledger per demo department into out and return their paths."""
    catalogs, _ = load_catalogs(catalogs_dir)
    written = []
    out.mkdir(parents=True, exist_ok=True)
    for offset, department in enumerate(catalogs.departments):
        if department.slug not in DEMO_LEDGERS or not department.items:
            continue
        written.append(_write_one(department, out, per_item, seed + offset, anchor))
    return written


def _write_one(department: Department, out: Path, per_item: int, seed: int, anchor: date) -> Path:
    layout, name, prefix, encoding, region = DEMO_LEDGERS[department.slug]
    items = [demo_item(i) for i in department.items]
    rows = demo_rows(items, per_item * len(items), seed=seed, anchor=anchor, prefix=prefix, region=region)
    path = out / name
    write_ledger(path, LAYOUTS[layout], rows, encoding=encoding)
    return path


@dataclass(frozen=True)
class HistoryResult:
    """What writing the demo history did: records made, how many were new, where."""

    records: int
    added: int
    done: int  # records that count as done (已告知, 已发送 …)
    registry: str  # the file, or the database URL without its password


def write_demo_history(settings: Settings, today: date, seed: int) -> HistoryResult:
    """Record in the 登记簿 the reminders of the working days before today, as an ordinary office would have.

    Written with the same Registry.add as `jiaozao record` (a repeated record is kept once), so writing the history
    again, on the same or a later day, adds only the days and reminders missing. Always the SQLite file settings.db:
    made-up records never go into a shared database (JIAOZAO_DATABASE_URL).
    """
    inputs = load_inputs(settings, today)
    with Registry(settings.db) as registry:
        records = demo_history(
            inputs.ledger, inputs.catalogs, inputs.calendar, today, seed, registry.done_keys()
        )
        added = registry.add(records)
    return HistoryResult(len(records), added, sum(r.done for r in records), str(settings.db))
