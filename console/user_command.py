"""jiaozao user: accounts of the staff console, from the server's command line."""

from __future__ import annotations

import argparse
import getpass
import sqlite3
import sys
from pathlib import Path

from generator.config import Settings
from generator.problems import JiaozaoError
from generator.workflows.command_line import Subparsers, add_command, terminal


def _db(args: argparse.Namespace) -> sqlite3.Connection:
    from console.settings import console_db
    from console.store.db import connect

    url = "" if args.console_db else Settings.read().database_url  # --console-db: that SQLite file
    return connect(url or console_db(args.console_db))


def _password(args: argparse.Namespace) -> str:
    """Return the new password from --password-file, or typed twice (never echoed, never an argument)."""
    if args.password_file:
        try:
            return Path(args.password_file).read_text(encoding="utf-8").strip("\r\n")
        except OSError as error:
            raise JiaozaoError(f"无法读取密码文件“{args.password_file}”：{error.strerror}") from None
    # Piped by a script: one line, or the same line twice; no prompt, no warning that it may be echoed.
    if not sys.stdin.isatty():
        lines = [line.strip("\r\n") for line in sys.stdin.read().splitlines()[:2]]
        if not lines or not lines[0]:
            raise JiaozaoError("没有读到密码：请在终端中输入，或用 --password-file 指定密码文件，没有修改")
        if len(lines) == 2 and lines[1] and lines[1] != lines[0]:
            raise JiaozaoError("两次输入的密码不一致，没有修改")
        return lines[0]
    first = getpass.getpass("密码（至少 10 个字符）：")
    if first != getpass.getpass("再输一次："):
        raise JiaozaoError("两次输入的密码不一致，没有修改")
    return first


def run(args: argparse.Namespace) -> int:
    """管理工作台用户：新增、改密码、停用、列出。

    角色：科员（只能处理自己部门）、督查（查看所有部门，不能修改）、管理员（全部，含用户和操作日志）。
    密码至少 10 个字符，常见密码会被拒绝；不写 --password-file 时提示输入两次。停用用户会立即结束其登录。

    示例：
      jiaozao user add 张三 --role 科员 --department anshan
      jiaozao user add 李四 --role 管理员 --password-file /root/李四.txt
      jiaozao user passwd 张三
      jiaozao user disable 张三
      jiaozao user list
    """
    from console.settings import ConsoleSettings
    from console.state.inputs import department_slugs
    from console.store import audit, users
    from console.store.passwords import WeakPassword

    db = _db(args)
    try:
        if args.action == "list":
            for user in users.list_users(db):
                state = "已停用" if user.disabled else "正常"
                where = "、".join(user.departments) or "全部部门"
                print(
                    f"{user.name}\t{user.role.value}\t{where}\t{state}"
                )  # stdout, tab-separated, for scripts
            return 0
        if not args.name:
            raise JiaozaoError(f"请写出用户名：jiaozao user {args.action} 用户名")
        if args.action == "add":
            role = users.parse_role(args.role or "")
            settings = ConsoleSettings.read(
                _inputs(args), Path("site"), Path("src"), Path("index"), args.console_db
            )
            user = users.add_user(
                db, args.name, role, args.department or [], _password(args), department_slugs(settings)
            )
            audit.log(db, "命令行", "本机", "user_add", detail=f"{user.name}（{role.value}）")
            terminal.print(f"已新增用户 {user.name}（{role.value}）", markup=False)
        elif args.action == "passwd":
            users.require(db, args.name)
            users.set_password(db, args.name, _password(args))
            audit.log(db, "命令行", "本机", "user_passwd", detail=args.name)
            terminal.print(f"已修改 {args.name} 的密码，其登录已结束", markup=False)
        elif args.action == "disable":
            users.disable_user(db, args.name)
            audit.log(db, "命令行", "本机", "user_disable", detail=args.name)
            terminal.print(f"已停用 {args.name}，其登录已结束", markup=False)
    except (users.UserError, WeakPassword) as error:
        raise JiaozaoError(str(error)) from None
    finally:
        db.close()
    return 0


def _inputs(args: argparse.Namespace) -> Settings:

    return Settings.read(args.catalogs, None)


def register(subparsers: Subparsers) -> None:
    from console.command import add_db_option

    parser = add_command(subparsers, "user", run, run.__doc__ or "")
    parser.add_argument(
        "action", choices=("add", "passwd", "disable", "list"), help="add / passwd / disable / list"
    )
    parser.add_argument("name", nargs="?", metavar="用户名")
    parser.add_argument("--role", metavar="角色", help="科员、督查 或 管理员（add 时必填）")
    parser.add_argument("--department", action="append", metavar="部门代号", help="科员所属部门，可写多次")
    parser.add_argument("--password-file", metavar="文件", help="从文件读取密码（否则提示输入两次）")
    parser.add_argument("--catalogs", metavar="文件夹", help="各部门目录所在文件夹（用于核对部门代号）")
    add_db_option(parser)
