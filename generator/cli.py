"""The jiaozao command line: thin wrappers that turn domain errors into Chinese lines and exit 1."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

import generator.commands.holidays as holidays
from console import audit_command, user_command
from console import command as console_command
from generator.commands import (
    build,
    check,
    db,
    demo,
    record,
    remind,
    reminder_date,
    report,
    schedule,
    serve,
    sms,
)
from generator.commands._common import console, print_problems
from generator.commands.words import use_chinese
from generator.config import debugging
from generator.problems import InputError, JiaozaoError, ProblemList

COMMANDS = (
    check, reminder_date, schedule, build, serve, remind, record, report, demo, holidays, sms,
    console_command, user_command, audit_command, db,
)  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Run one jiaozao command and return its exit code."""
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except InputError as error:
        print_problems(ProblemList(error.problems))
        console.print(
            f"发现 {len(error.problems)} 个问题，未能继续。请按上面的提示修改后重试。", markup=False
        )
        return 1
    except JiaozaoError as error:
        console.print(f"错误：{error}", markup=False)
        return 1
    except KeyboardInterrupt:
        console.print("已中断，输出文件未改动。")
        return 130
    except OSError as error:
        where = f"“{error.filename}”" if error.filename else ""
        console.print(
            f"错误：无法读写文件{where}：{error.strerror}。请检查路径、权限和磁盘空间。", markup=False
        )
        return 1
    except Exception as error:
        if debugging():
            raise
        console.print(f"程序内部错误（{type(error).__name__}: {error}）。输出文件未改动；", markup=False)
        console.print("请设置环境变量 JIAOZAO_DEBUG=1 重跑以获得详细信息，并报告给维护人员。", markup=False)
        return 1


def build_parser() -> argparse.ArgumentParser:
    use_chinese()
    parser = argparse.ArgumentParser(
        prog="jiaozao",
        description="叫早：证照到期提醒。读取各部门的《到期前提醒证照目录》和证照台账，算出每张证照的提醒日期。",
    )
    commands = parser.add_subparsers(title="命令", metavar="命令", required=True)
    for module in COMMANDS:
        module.register(commands)
    return parser
