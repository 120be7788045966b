"""What the commands share: input options, date options, progress bars and the problem printer."""

from __future__ import annotations

import argparse
import socket
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TypeAlias

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from generator.config import OPTIONS, Settings
from generator.pipeline import Unusable
from generator.problems import JiaozaoError, Level, PhraseError, ProblemList
from portal.rules.china import china_today

console = Console(stderr=True, highlight=False, soft_wrap=True)
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_command(
    subparsers: Subparsers, name: str, run: Callable[[argparse.Namespace], int], doc: str
) -> argparse.ArgumentParser:
    """Add a command whose help is its handler's docstring: first line the summary, the rest the description."""
    summary, _, body = doc.strip().partition("\n")
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help=summary,
        description=summary + "\n" + body,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=run)
    return parser


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """Add the --catalogs, --ledgers and --cache options every command that reads the inputs takes."""
    add_setting_options(parser, "catalogs", "ledgers", "cache")


def add_setting_options(parser: argparse.ArgumentParser, *names: str) -> None:
    """Add the options of these settings, their help taken from the one settings table (generator.config)."""
    for option in OPTIONS:
        if option.name in names:
            metavar = "文件" if option.name == "db" else "文件夹"
            help_text = f"{option.help}；也可用环境变量 {option.env}"
            parser.add_argument(f"--{option.name}", metavar=metavar, help=help_text)


def settings_of(args: argparse.Namespace) -> Settings:
    """Return the settings of a run: options given, then JIAOZAO_* environment, then defaults."""
    settings = Settings.from_values({o.name: getattr(args, o.name, None) for o in OPTIONS})
    if getattr(args, "db", None) and settings.database_url:  # the 登记簿 would not be the file named
        raise PhraseError(
            "同时给了 --db 和 JIAOZAO_DATABASE_URL：设置了共用数据库时，登记簿和短信发件箱在 PostgreSQL 中，不用 --db 的文件",
            "去掉 --db；要用 SQLite 文件时，不要设置 JIAOZAO_DATABASE_URL",
        )
    return settings


def parse_day(text: str | None, option: str) -> date:
    """Return a YYYY-MM-DD option value; None means today in China."""
    if text is None:
        return china_today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PhraseError(f"{option} 的值“{text}”不是有效日期", "请写成 YYYY-MM-DD，如 2026-11-23") from None


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


def check_port_free(host: str, port: int, what: str) -> None:
    """Refuse, in Chinese, an address a server could not listen on (uvicorn would say so in English)."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        raise JiaozaoError(
            f"无法在 {host}:{port} 上启动{what}（{error.strerror}）：端口可能已被占用，请用 --port 换一个，或先停止占用它的程序"
        ) from None


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
