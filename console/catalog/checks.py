"""An uploaded 目录 checked as `jiaozao check` checks it, with what publishing it would change, and the empty
目录 workbook offered as a template."""

from __future__ import annotations

from dataclasses import dataclass

from console.frame import errors
from console.frame.problems import ProblemRow, problem_row
from console.settings import ConsoleSettings
from console.state.inputs import calendar_of, department, published, today_of
from generator.problems import Problem
from generator.workflows import catalog_upload
from generator.workflows import published as published_inputs


def template_xlsx(settings: ConsoleSettings, slug: str) -> bytes:
    """Return an empty 目录 workbook with the department's title line and header row (the seed header)."""
    return published_inputs.template_xlsx(department(settings, slug))


@dataclass(frozen=True)
class CatalogCheck:
    """An uploaded 目录 checked as `jiaozao check` checks it, with what publishing it would change."""

    rows: int
    problems: list[ProblemRow]
    changes: list[dict[str, str]]  # 新增 / 删除 / 修改, as the public change log words them
    impact: list[str]  # what it does to the reminder dates of the current 台账

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def check_catalog(settings: ConsoleSettings, slug: str, content: bytes, ext: str, shown: str) -> CatalogCheck:
    """Load the uploaded 目录 with the department's facts and guides; nothing outside a scratch folder is written."""
    catalogs, _ = published(settings)
    found = catalog_upload.check_catalog(
        settings.inputs, slug, content, ext, lambda: calendar_of(settings), today_of(settings), catalogs
    )
    rows = [problem_row(p, _file_of(p, shown)) for p in found.problems]
    return CatalogCheck(found.rows, rows, found.changes, found.impact)


def _file_of(problem: Problem, shown: str) -> str:
    return (
        f"上传的文件 {shown}" if catalog_upload.is_uploaded(problem) else errors.file_in_words(problem.file)
    )
