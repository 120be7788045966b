"""jiaozao db: the shared PostgreSQL database — its schema (upgrade) and moving SQLite files into it (copy)."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.commands._common import Subparsers, add_command, terminal
from generator.config import Settings
from generator.database import DatabaseError, is_postgres, redacted
from generator.database.connection import open_postgres


def _url(given: str | None, option: str) -> str:
    url = given or Settings.read().database_url
    if not url:
        raise DatabaseError(
            f"没有指定数据库：请设置环境变量 JIAOZAO_DATABASE_URL=postgresql://用户@主机:端口/库名（或用 {option}）。"
            "不设置时叫早使用 SQLite 文件，它们在打开时自动更新，不需要这个命令"
        )
    if not is_postgres(url):
        raise DatabaseError(f"“{redacted(url)}”不是 PostgreSQL 地址：应以 postgresql:// 开头")
    return url


def run_upgrade(args: argparse.Namespace) -> int:
    """把 PostgreSQL 数据库的表结构更新到本程序的版本（按编号执行 generator/database/migrations/ 中的 SQL）。

    全部在一个事务中完成：任何一步失败，数据库保持原样。已是最新时什么也不做。更新前请停止所有工作台进程；
    工作台启动时会检查版本，版本不符就拒绝启动并提示运行本命令。

    示例：
      JIAOZAO_DATABASE_URL=postgresql://jiaozao@db.example:5432/jiaozao jiaozao db upgrade
    """
    from generator.database import schema

    url = _url(args.database_url, "--database-url")
    db = open_postgres(url, check=False)
    try:
        before = schema.current(db)
        applied = schema.upgrade(db)
    finally:
        db.close()
    for migration in applied:
        terminal.print(f"已执行第 {migration.version} 版：{migration.path.name}", markup=False)
    now = applied[-1].version if applied else before
    said = "已更新" if applied else "已是最新，未做改动"
    terminal.print(f"数据库 {redacted(url)} {said}：表结构第 {now} 版", markup=False)
    return 0


def run_copy(args: argparse.Namespace) -> int:
    """把现有的 SQLite 文件（工作台的 console.sqlite 等）复制进空的 PostgreSQL 数据库，一个事务完成。

    --from 给文件或它们所在的文件夹（如 var/，其中的 console.sqlite 和 登记簿.sqlite）：工作台的用户、会话、
    操作日志、版本，以及登记簿的提醒记录、短信文件和短信发件箱都复制过去，每张表在两边的行数都会列出。
    PostgreSQL 中没有的表逐一列出，不复制。目标数据库已有数据时拒绝，不覆盖也不合并。

    示例：
      jiaozao db upgrade --database-url postgresql://jiaozao@db.example/jiaozao
      jiaozao db copy --from var/ --to postgresql://jiaozao@db.example/jiaozao
      jiaozao db copy --from var/console.sqlite /srv/登记簿.sqlite --to postgresql://jiaozao@db.example/jiaozao
    """
    from generator.database.copy import copy_sqlite, sqlite_files

    url = _url(args.to, "--to")
    files = sqlite_files([Path(p) for p in args.sources])
    db = open_postgres(url)  # refuses a schema not upgraded yet
    try:
        report = copy_sqlite(db, files)
    finally:
        db.close()
    terminal.print(f"已复制到 {redacted(url)}（一个事务）：", markup=False)
    print("表\tSQLite 行数\tPostgreSQL 行数\t来自")  # stdout, tab-separated, for the operator's records
    for done in report.copied:
        print(f"{done.table}\t{done.source_rows}\t{done.target_rows}\t{done.source}")
    for path, table, rows in report.left:
        terminal.print(
            f"未复制：{path} 的表 {table}（{rows} 行）——PostgreSQL 上暂时还没有这张表", markup=False
        )
    return 0


def run(args: argparse.Namespace) -> int:
    """共用数据库（PostgreSQL）：更新表结构（upgrade），把现有的 SQLite 文件复制进去（copy）。

    不设置 JIAOZAO_DATABASE_URL 时叫早使用 SQLite 文件（单机默认），不需要这些命令。见 README“省级部署”一节。

    示例：
      jiaozao db upgrade
      jiaozao db copy --from var/ --to postgresql://jiaozao@db.example/jiaozao
    """
    return run_upgrade(args)


def register(subparsers: Subparsers) -> None:
    summary, _, body = (run.__doc__ or "").strip().partition("\n")
    parser = subparsers.add_parser(
        "db",
        help=summary,
        description=summary + "\n" + body,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(title="命令", metavar="命令", required=True)
    upgrade = add_command(commands, "upgrade", run_upgrade, run_upgrade.__doc__ or "")
    upgrade.add_argument(
        "--database-url", metavar="URL", help="PostgreSQL 地址（默认：环境变量 JIAOZAO_DATABASE_URL）"
    )
    copy = add_command(commands, "copy", run_copy, run_copy.__doc__ or "")
    copy.add_argument(
        "--from",
        dest="sources",
        metavar="文件或文件夹",
        nargs="+",
        required=True,
        help="SQLite 文件或其文件夹",
    )
    copy.add_argument("--to", metavar="URL", help="PostgreSQL 地址（默认：环境变量 JIAOZAO_DATABASE_URL）")
