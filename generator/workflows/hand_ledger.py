"""手工补录: certificates a clerk adds by hand (东丽：本方案印发后发生的业务，随时补充更新), one .csv per department
beside its 台账 (read like any 台账 file), checked row by row exactly as an uploaded 台账, listed and removable,
and replaced by the business system's export when an accepted 台账 brings the same 证照编号.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from generator.atomic import replacing
from generator.catalog.model import Catalogs
from generator.ledger.load import load_ledgers
from generator.ledger.schema import PLAIN_HEADERS
from generator.problems import JiaozaoError, Level, Problem
from generator.workflows.ledger import HAND_SUFFIX, relabelled

HAND_HEADERS = PLAIN_HEADERS


def hand_file(root: Path, slug: str) -> Path:
    """Return the department's hand-entered 台账 file under the --ledgers folder."""
    if root.is_file():
        raise JiaozaoError("台账设置为单个文件，不能手工补录：请管理员把台账位置设为文件夹")
    return root / f"{slug}-{HAND_SUFFIX}.csv"


def hand_rows(root: Path, slug: str) -> list[list[str]]:
    """Return the hand-entered rows of a department, in the order added (HAND_HEADERS columns)."""
    path = hand_file(root, slug)
    if not path.is_file():
        return []
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    return [row for row in rows[1:] if any(cell.strip() for cell in row)]


def add_hand_row(root: Path, catalogs: Catalogs, slug: str, values: list[str]) -> list[Problem]:
    """Check one row as an uploaded 台账 row is checked; add it when it has no error. Return every problem."""
    if len(values) != len(HAND_HEADERS):
        raise JiaozaoError("补录的证照缺少栏目，请重新填写")
    values = [v.strip() for v in values]
    if any(v.startswith(("=", "@")) for v in values):  # would be a formula when the file is opened in Excel
        raise JiaozaoError("补录的内容不能以 = 或 @ 开头，请去掉后重新填写")
    with tempfile.TemporaryDirectory(prefix="jiaozao-hand-") as scratch:
        trial = Path(scratch) / f"{slug}.csv"
        _write(trial, [values])
        ledger, problems = load_ledgers(trial, catalogs)
        problems = relabelled(problems, {str(trial): "补录的证照"})
    errors = [p for p in problems if p.level is Level.ERROR]
    numbers = {row[2].strip() for row in hand_rows(root, slug)}
    if values[2].strip() and values[2].strip() in numbers:
        errors.append(
            Problem("补录的证照", f"证照编号“{values[2].strip()}”已补录过", "请先删除原来补录的那一条")
        )
    if errors or len(ledger) != 1:
        return errors or problems
    _write(hand_file(root, slug), [*hand_rows(root, slug), values])
    return problems


def remove_hand_row(root: Path, slug: str, position: int) -> list[str]:
    """Remove the hand-entered row at a position (1 = the first added); return it."""
    rows = hand_rows(root, slug)
    if not 1 <= position <= len(rows):
        raise JiaozaoError("没有这一条补录的证照（可能已被删除或已由业务系统导出的台账取代），请刷新后再看")
    removed = rows.pop(position - 1)
    _write(hand_file(root, slug), rows)
    return removed


def replaced_by_export(root: Path, catalogs: Catalogs, slug: str, export: Path) -> list[list[str]]:
    """Drop the hand-entered rows whose 证照编号 the business system's 台账 (export) now brings; return them."""
    ledger, _ = load_ledgers(export, catalogs)
    numbers = {n.strip() for n in ledger.number if n.strip()}
    rows = hand_rows(root, slug)
    gone = [row for row in rows if row[2].strip() and row[2].strip() in numbers]
    if gone:
        _write(hand_file(root, slug), [row for row in rows if row not in gone])
    return gone


def _write(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HAND_HEADERS)
    writer.writerows(rows)
    with replacing(path, private=True) as temp:  # contacts: 0600
        temp.write_text(out.getvalue(), encoding="utf-8-sig")
