"""联系方式更正: a clerk's correction of a certificate's 联系方式, 电子邮箱 or 联系人, kept beside the 台账.

Each department's corrections are one JSON-lines file in a hidden folder beside its 台账 files (never read as a
台账), one line per correction: who, when, which certificate and field, the value the 台账 had, the new one.
A correction is never edited; a later one for the same field is a new line, and the latest counts.

The one rule (`with_corrections`, applied where the 台账 is loaded for every channel): a correction stands
while the 台账 still brings the value it corrected; once a newer 台账 brings a different value, the 台账 wins
and the correction is reported as overridden (the clerk is told on the ledger preview).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from generator.atomic import replacing
from generator.catalog.model import Catalogs
from generator.ledger.model import Ledger
from generator.problems import JiaozaoError, Level, Problem
from portal.rules.text import normalize_name

FIELDS = {"phone": "联系方式", "email": "电子邮箱", "contact": "联系人"}
FOLDER = ".联系方式更正"


@dataclass(frozen=True)
class Correction:
    """One correction a named clerk made: of which certificate, which field, from what to what, and when."""

    department: str
    key: str  # 证照编号, or 持证人|证照名称 where there is none (as the 登记簿 names it)
    field: str  # phone | email | contact
    old: str  # the value the 台账 had when it was corrected
    new: str
    by_whom: str
    at: str  # YYYY-MM-DD HH:MM:SS, China time

    @property
    def label(self) -> str:
        return FIELDS[self.field]


@dataclass(frozen=True)
class Overridden:
    """A correction a newer 台账 overrides: it brings another value for the field."""

    correction: Correction
    ledger_value: str
    holder: str

    def message(self) -> str:
        c = self.correction
        return (
            f"{self.holder}（{c.key}）的{c.label}：{c.by_whom} 于 {c.at[:10]} 更正为“{c.new}”，"
            f"新台账为“{self.ledger_value or '（空）'}”，现按新台账提醒；如新台账有误，请再次更正"
        )


def corrections_folder(ledgers: Path) -> Path:
    """Return the folder beside the 台账 (the --ledgers folder, or the one holding the 台账 file)."""
    return (ledgers if ledgers.is_dir() or not ledgers.suffix else ledgers.parent) / FOLDER


def read_corrections(ledgers: Path, departments: Iterable[str]) -> list[Correction]:
    """Return every correction of these departments, oldest first (a department without any: none)."""
    found = []
    for slug in departments:
        path = corrections_folder(ledgers) / f"{slug}.jsonl"
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(Correction(**json.loads(line)))
    return found


def add_correction(ledgers: Path, correction: Correction) -> None:
    """Add a correction to its department's file (written whole, atomically: the file is never half-written)."""
    if correction.field not in FIELDS:
        raise JiaozaoError(f"不能更正“{correction.field}”：只能更正联系方式、电子邮箱或联系人")
    path = corrections_folder(ledgers) / f"{correction.department}.jsonl"
    before = path.read_bytes() if path.is_file() else b""
    line = json.dumps(asdict(correction), ensure_ascii=False).encode("utf-8") + b"\n"
    with replacing(path, private=True) as temp:  # names and telephone numbers: 0600
        temp.write_bytes(before + line)


def with_corrections(
    ledger: Ledger, catalogs: Catalogs, corrections: Iterable[Correction]
) -> tuple[Ledger, list[Overridden]]:
    """Return the ledger with every standing correction applied, and the corrections it overrides."""
    latest: dict[tuple[str, str, str], Correction] = {}
    for c in corrections:  # oldest first: the latest for a field counts
        latest[(c.department, c.key, c.field)] = c
    if not latest:
        return ledger, []
    columns = {name: list(getattr(ledger, name)) for name in FIELDS}
    overridden = []
    items = catalogs.items
    for i in range(len(ledger)):
        item = items[int(ledger.item[i])]
        key = ledger.number[i].strip() or f"{ledger.holder[i].strip()}|{item.certificate.strip()}"
        for name in FIELDS:
            found = latest.get((item.department, key, name))
            if found is None:
                continue
            now = columns[name][i]
            if _same(now, found.old):
                columns[name][i] = found.new
            elif not _same(now, found.new):
                overridden.append(Overridden(found, now, ledger.holder[i]))
    return replace(
        ledger, phone=columns["phone"], email=columns["email"], contact=columns["contact"]
    ), overridden


def _same(a: str, b: str) -> bool:
    return normalize_name(a) == normalize_name(b)


def overridden_problems(ledgers: Path, overridden: Iterable[Overridden]) -> list[Problem]:
    """Return a warning for each correction a newer 台账 overrides, naming the department's corrections file."""
    fix = "请核实：新台账正确则无需处理；新台账有误，请在工作台证照页再次更正"
    return [
        Problem(
            str(corrections_folder(ledgers) / f"{o.correction.department}.jsonl"),
            o.message(),
            fix,
            level=Level.WARNING,
        )
        for o in overridden
    ]
