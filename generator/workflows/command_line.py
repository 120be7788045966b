"""The command-line frame both front doors' commands stand on (`jiaozao build` … and `jiaozao console`, `user`,
`audit`): the terminal they print to, a command whose help is its docstring, the input and setting options, and the
day and port checks. Here, not in generator/commands/, so the console's commands reach it through the workflow
layer like everything else they use."""

from __future__ import annotations

import argparse
import socket
from collections.abc import Callable
from datetime import date
from typing import TypeAlias

from rich.console import Console

from generator.config import OPTIONS, Settings
from generator.problems import JiaozaoError, PhraseError
from portal.rules.china import china_today

terminal = Console(stderr=True, highlight=False, soft_wrap=True)
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
