"""Problem lists as stored with an upload (JSON) and shown in one table."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import asdict

from openpyxl import Workbook

from console.work import ProblemRow
from generator.workflows.files import append_row

SHOWN = 500  # problems an upload's page shows; the full list is a download
HEADERS = ("级别", "文件", "行", "列", "值", "问题", "怎么改")


def problem_report(problems: list[ProblemRow]) -> dict[str, object]:
    return {"problems": [asdict(p) for p in problems]}


def summary(problems: list[ProblemRow]) -> dict[str, object]:
    """Return what an upload's page shows of its problems: the first SHOWN, and counts by kind (level, problem)."""
    kinds = Counter((p.level, p.message) for p in problems)
    return {
        "shown_problems": problems[:SHOWN],
        "problems_total": len(problems),
        "kinds": [
            {"level": level, "message": message, "count": n} for (level, message), n in kinds.most_common()
        ],
    }


def problems_xlsx(problems: list[ProblemRow]) -> bytes:
    """Return the full problem list as an .xlsx; every value is kept as text, never a formula."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("问题清单")
    append_row(sheet, list(HEADERS))
    for p in problems:
        append_row(sheet, [p.level, p.file, p.row, p.column, p.value, p.message, p.fix])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
