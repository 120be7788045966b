"""Problem lists as stored with an upload (JSON) and shown in one table."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import asdict, dataclass

from openpyxl import Workbook

from console.frame import errors
from generator.problems import Level, Problem, column_letter
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


@dataclass(frozen=True)
class ProblemRow:
    """One problem as the console's table shows it."""

    level: str
    file: str
    row: str
    column: str
    value: str
    message: str
    fix: str
    is_error: bool


def problem_row(problem: Problem, file: str | None = None) -> ProblemRow:
    column = problem.column or ""
    if problem.column_index is not None:
        column = f"{column}（{column_letter(problem.column_index)} 列）"
    return ProblemRow(
        problem.level.value, file or errors.file_in_words(problem.file), "" if problem.row is None else str(problem.row),
        column, problem.value or "", errors.clerk_text(problem.message), errors.clerk_text(problem.fix),
        problem.level is Level.ERROR,
    )  # fmt: skip
