"""Problems found in staff input, collected and reported together (问题清单)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


class Level(enum.Enum):
    """How bad a problem is."""

    ERROR = "错误"  # the row or file cannot be used
    WARNING = "警告"  # the row is used, but something in it looks wrong


def column_letter(index: int) -> str:
    """Return the Excel column letter for a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file, located as a person would find it in Excel."""

    file: str
    message: str
    fix: str
    row: int | None = None  # as Excel numbers it (1-based, header rows counted)
    column: str | None = None  # the header text as written in the file
    column_index: int | None = None  # 0-based, shown as the Excel letter
    value: str | None = None
    sheet: str | None = None
    level: Level = Level.ERROR

    def location(self) -> str:
        """Return where the problem is, in the words staff use."""
        parts = [self.file]
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column is not None:
            letter = f"（{column_letter(self.column_index)} 列）" if self.column_index is not None else ""
            parts.append(f"「{self.column}」列{letter}")
        return "，".join(parts)

    def __str__(self) -> str:
        value = f"：“{self.value}”" if self.value is not None else ""
        return f"[{self.level.value}] {self.location()}{value} —— {self.message}。{self.fix}"

    def as_dict(self) -> dict[str, object]:
        """Return the problem as a plain mapping (for CSV/JSON problem lists)."""
        return {
            "级别": self.level.value,
            "文件": self.file,
            "工作表": self.sheet or "",
            "行": self.row if self.row is not None else "",
            "列": self.column or "",
            "值": self.value if self.value is not None else "",
            "问题": self.message,
            "处理办法": self.fix,
        }


@dataclass
class ProblemList:
    """Problems collected across a whole run, errors and warnings together."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.WARNING]


class JiaozaoError(Exception):
    """Base of every domain error; the CLI prints its message, never a traceback."""


class InputError(JiaozaoError):
    """Input that cannot be used at all; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class PhraseError(JiaozaoError, ValueError):
    """A phrase (提醒时限, 有效期) that cannot be understood; the caller adds file, row and column."""

    def __init__(self, message: str, fix: str):
        self.message = message
        self.fix = fix
        super().__init__(f"{message}。{fix}")


@dataclass(frozen=True)
class Unusable:
    """A department left out of a run: its 目录 or one of its 台账 files could not be used (数据有误，未计入)."""

    slug: str
    name: str  # 名称 from its department.yaml, else the slug
    what: str  # "目录" or "台账": which of its inputs is broken
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.ERROR] or list(self.problems)

    @property
    def reason(self) -> str:
        """Return why, in one line: the first error and how many more."""
        errors = self.errors
        first = f"{errors[0].message}" if errors else "文件无法读取"
        more = f"（另有 {len(errors) - 1} 个问题）" if len(errors) > 1 else ""
        return f"{self.what}有错误：{first}{more}"


class DepartmentUnusable(JiaozaoError):
    """A department's own pages or work were asked for while its inputs cannot be used."""

    def __init__(self, unusable: Unusable) -> None:
        self.unusable = unusable
        super().__init__(f"{unusable.name}的{unusable.reason}，本部门暂停提醒和统计")
