"""jiaozao console: the staff console (工作台) with uvicorn, and its publish worker in the same process."""

from __future__ import annotations

import argparse
import secrets
import sqlite3
import sys
from contextlib import closing

from generator.problems import JiaozaoError
from generator.workflows.command_line import (
    Subparsers,
    add_command,
    add_input_options,
    add_setting_options,
    check_port_free,
    parse_day,
    settings_of,
    terminal,
)

SWITCH_SECONDS = 0.0005  # how long a busy thread keeps the interpreter lock when another one wants it


def console_settings(args: argparse.Namespace) -> object:
    """Return ConsoleSettings from the usual --catalogs/--ledgers/--site/--src/--index and --console-db."""
    from console.settings import ConsoleConfigError, ConsoleSettings

    inputs = settings_of(args)  # --catalogs/--ledgers/--site/--src/--index and the 登记簿, as every command
    today = parse_day(args.today, "--today") if getattr(args, "today", None) else None
    try:
        return ConsoleSettings.read(
            inputs, inputs.site, inputs.src, inputs.index, args.console_db, today=today
        )
    except ConsoleConfigError as error:
        raise JiaozaoError(str(error)) from None


def run(args: argparse.Namespace) -> int:
    """启动工作台：工作人员登录后维护本部门的目录和台账，检查、预览并发布到公开网站。

    工作台是独立于查询门户的网站，只应在内网（或本机，由 nginx 加 https 转发）提供。
    用户、会话、操作日志、目录版本和发布任务都保存在一个 SQLite 文件中（--console-db，默认 var/console.sqlite）；
    设置了 JIAOZAO_DATABASE_URL 时保存在那个 PostgreSQL 数据库中，多个工作台进程共用（先运行 jiaozao db upgrade）。
    先用 jiaozao user add 建立管理员账户；安全设置见 README 的“工作台”一节（JIAOZAO_CONSOLE_* 环境变量）。

    示例：
      jiaozao user add 张三 --role 管理员
      jiaozao console                                   # http://127.0.0.1:8001/
      jiaozao console --port 8001 --site /var/www/jiaozao --ledgers /data/台账
      jiaozao console --today 2026-11-23                # 培训或核对：按这一天工作（每页页首都会提示）
    """
    import uvicorn

    from console.app import create_app
    from console.settings import ConsoleSettings
    from console.store import users
    from console.store.db import connect

    settings = console_settings(args)
    assert isinstance(settings, ConsoleSettings)
    check_port_free(args.host, args.port, "工作台")
    if args.demo_admin:
        _demo_admin(settings, args.demo_admin)
    else:
        with closing(connect(settings.database)) as db:
            nobody = not users.list_users(db)
        if nobody:
            terminal.print("还没有任何用户：请先运行 jiaozao user add 名字 --role 管理员", markup=False)
    # Interpreter-wide, so set by the command that starts the server, not by the app factory tests call: a
    # page view waits for the interpreter lock after each file it stats or reads; with the warm-up or a
    # publish computing in the background, the default 5 ms hand-over made a 0.1 s view take seconds.
    sys.setswitchinterval(SWITCH_SECONDS)
    app = create_app(settings)
    terminal.print(f"工作台已启动：http://{args.host}:{args.port}/  （按 Ctrl+C 停止）", markup=False)
    uvicorn.run(
        app, host=args.host, port=args.port, log_level="warning", access_log=False, proxy_headers=False,
        server_header=False,
    )  # fmt: skip
    return 0


def _demo_admin(settings: object, name: str) -> None:
    """Create the demo administrator with a random password printed once (kept if it exists already)."""
    from console.settings import ConsoleSettings
    from console.store.db import connect

    assert isinstance(settings, ConsoleSettings)
    with closing(connect(settings.database)) as db:
        _add_demo_admin(db, settings, name)


def _add_demo_admin(db: sqlite3.Connection, settings: object, name: str) -> None:
    from console.settings import ConsoleSettings
    from console.state.inputs import department_slugs
    from console.store import users

    assert isinstance(settings, ConsoleSettings)
    if users.find(db, name) is not None:
        terminal.print(
            f"演示管理员“{name}”已存在，密码见第一次运行时的输出（或用 jiaozao user passwd 重设）",
            markup=False,
        )
        return
    password = "demo-" + secrets.token_urlsafe(12)
    users.add_user(db, name, users.Role.ADMIN, [], password, department_slugs(settings))
    terminal.print(f"演示管理员：用户名 {name}，密码 {password}（只显示这一次）", markup=False)


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--console-db",
        metavar="文件",
        help="工作台数据库（默认：环境变量 JIAOZAO_CONSOLE_DB，或 var/console.sqlite）",
    )


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "console", run, run.__doc__ or "")
    add_input_options(parser)
    add_setting_options(parser, "site", "src", "index", "db")
    add_db_option(parser)
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认：127.0.0.1，只允许本机访问）")
    parser.add_argument("--port", type=int, default=8001, help="端口（默认：8001）")
    parser.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        help="按这一天工作，用于培训和核对过去或将来的某一天（默认：北京时间今天）；设定时每页页首都会提示",
    )
    parser.add_argument("--demo-admin", metavar="用户名", help=argparse.SUPPRESS)
