"""jiaozao audit verify: walk the audit log's hash chain and name the first broken link."""

from __future__ import annotations

import argparse
import sqlite3

from generator.config import Settings
from generator.problems import JiaozaoError
from generator.workflows.command_line import Subparsers, add_command, console
from generator.workflows.database import redacted


def run(args: argparse.Namespace) -> int:
    """核对操作日志：每一条都记着前一条的哈希，逐条核对，报告第一处断开（第几条、时间、哪里不对）。

    日志完好时退出码为 0，并显示共几条和最后一条的哈希——请把这个哈希抄下来或交给他人保存；
    以后用 --anchor 核对，就能发现日志被整体改写或末尾的记录被删除。发现断开时退出码为 1。
    只读数据库，不改动它。

    示例：
      jiaozao audit verify
      jiaozao audit verify --console-db /srv/jiaozao/var/console.sqlite --anchor 3f5a…（以前记下的哈希）
    """
    from console.audit_chain import Break, verify
    from console.db import connect
    from console.settings import console_db

    url = "" if args.console_db else Settings.read().database_url  # JIAOZAO_DATABASE_URL: PostgreSQL
    path = console_db(args.console_db)
    if not url and not path.is_file():
        raise JiaozaoError(f"找不到工作台数据库“{path}”（可用 --console-db 指定）")
    try:
        db = connect(url) if url else sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = verify(db, (args.anchor or "").strip().lower())
        finally:
            db.close()
    except sqlite3.Error as error:
        raise JiaozaoError(f"无法读取工作台数据库“{redacted(url) or path}”中的操作日志：{error}") from None
    if isinstance(result, Break):
        console.print(str(result), markup=False)
        return 1
    if not result.rows:
        console.print("操作日志还是空的，没有可核对的记录。", markup=False)
        return 0
    console.print(
        f"操作日志完好：共 {result.rows} 条，最后一条在 {result.last_at}，其哈希为 {result.last_hash}",
        markup=False,
    )
    return 0


def register(subparsers: Subparsers) -> None:
    from console.command import add_db_option

    parser = add_command(subparsers, "audit", run, run.__doc__ or "")
    parser.add_argument("action", choices=("verify",), help="verify：核对哈希链")
    parser.add_argument("--anchor", metavar="哈希", help="以前记下的某一条的哈希：它必须还在日志中")
    add_db_option(parser)
