"""What the commands share: input options, date options, progress bars and the problem printer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from generator.problems import Level, ProblemList, Unusable
from generator.workflows.command_line import Subparsers as Subparsers
from generator.workflows.command_line import add_command as add_command
from generator.workflows.command_line import add_input_options as add_input_options
from generator.workflows.command_line import add_setting_options as add_setting_options
from generator.workflows.command_line import check_port_free as check_port_free
from generator.workflows.command_line import console as console
from generator.workflows.command_line import parse_day as parse_day
from generator.workflows.command_line import settings_of as settings_of


@contextmanager
def progress_bar(label: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """Yield an advance(n) callback that draws a progress bar on a terminal (nothing when piped)."""
    bar = Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True, disable=not console.is_terminal,
    )  # fmt: skip
    with bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def print_problems(problems: ProblemList, limit: int | None = None) -> None:
    """Print problems to stderr, errors in red and warnings in yellow."""
    shown = problems.items if limit is None else problems.items[:limit]
    for problem in shown:
        style = "red" if problem.level is Level.ERROR else "yellow"
        console.print(str(problem), style=style, markup=False)
    if limit is not None and len(problems) > limit:
        console.print(f"……另有 {len(problems) - limit} 个问题未显示，完整清单请用 --problems 文件名 输出。")


def summarize(
    rows_read: int, rows_done: int, rows_rejected: int, problems: ProblemList, done_word: str
) -> str:
    """Return the one-line account: rows in = rows done + rows reported."""
    return (
        f"台账共 {rows_read} 行：{done_word} {rows_done} 行，因错误未能{done_word} {rows_rejected} 行；"
        f"错误 {len(problems.errors)} 条，警告 {len(problems.warnings)} 条。"
    )


def print_unusable(unusable: Iterable[Unusable], skipped: str) -> bool:
    """Print each department left out of the run, what is wrong (file, row, what to do); return whether any was.

    skipped says what was not done for it, e.g. "今天的提醒没有列出".
    """
    found = list(unusable)
    for department in found:
        console.print(
            f"{department.name}（{department.slug}）的{department.what}有错误，{skipped}；其他部门照常处理：",
            style="red",
            markup=False,
        )
        for problem in department.errors[:10]:
            console.print(f"  {problem}", style="red", markup=False)
        if len(department.errors) > 10:
            console.print(
                f"  ……另有 {len(department.errors) - 10} 个问题，请运行 jiaozao check 查看。", markup=False
            )
    if found:
        console.print(
            f"{len(found)} 个部门因数据有误被跳过（退出码 1）。请按上面的提示修改这些文件后重新运行。",
            markup=False,
        )
    return bool(found)
