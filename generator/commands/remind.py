"""jiaozao remind: today's reminders for staff — phone worklist, SMS batch, emails and letters per department."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from generator.commands._common import (
    Subparsers,
    add_command,
    add_input_options,
    add_setting_options,
    parse_day,
    print_problems,
    print_unusable,
    progress_bar,
    settings_of,
    terminal,
)  # fmt: skip
from generator.config import Settings
from generator.pipeline import load_calendar
from generator.problems import ProblemList
from generator.reminders.batch import DayWork, long_messages
from generator.reminders.mail import SmtpSettings
from generator.reminders.monthly import next_batch_day, next_month
from generator.reminders.outbox import EmailReport
from generator.sms.settings import SmsSettings
from generator.workflows.remind import PROBLEMS_FILE, default_remind_folder, is_batch_day, remind


def run(args: argparse.Namespace) -> int:
    """列出今天应提醒的证照，按部门、按持证人生成电话提醒清单、短信批量导入文件、邮件和函告。

    应提醒：首次提醒日期已到、未过期、未申请延续，且登记簿中没有已完成的首次提醒；二次提醒日期已到且没有已完成的
    二次提醒。同一持证人的多张证照合为一次提醒（一并提醒）。同一天再运行只列出仍未完成的。
    邮件按环境变量 JIAOZAO_SMTP_HOST 等发送；--dry-run 不发邮件，改为写出 .eml 文件，也不写登记簿。

    示例：
      jiaozao remind --today 2026-11-23 --out out/remind --dry-run
      jiaozao remind --monthly

    --monthly（每月叫早，department.yaml 中“每月叫早: true”的部门）：每月15日（遇休息日顺延到下一个工作日）
    列出下个月到期、尚未申请延续的证照，作为首次提醒；其他日子只显示下一个叫早日。

    某个部门的目录或台账有错误时，该部门今天的提醒不列出并说明原因，其他部门照常生成；退出码为 1。
    """
    today = parse_day(args.today, "--today")
    smtp = SmtpSettings.read()  # bad settings are refused before any data is read
    sms_platform = SmsSettings.read() is not None
    settings = settings_of(args)
    out = (
        Path(args.day_folder).absolute()
        if args.day_folder
        else default_remind_folder(settings, today, args.monthly)
    )
    if args.monthly and not _is_batch_day(settings, today):
        return 0
    with progress_bar("读取台账") as advance:
        result = remind(
            settings,
            today,
            out,
            smtp,
            monthly=args.monthly,
            dry_run=args.dry_run,
            whole_folder=not args.day_folder,
            progress=advance,
            sms_platform=sms_platform,
        )
    work, written, emails, problems = result.work, result.written, result.emails, result.work.problems
    errors = result.inputs.problems.errors
    if errors:
        terminal.print(
            f"台账中有 {len(errors)} 行因错误未能排期，这些证照不在今天的清单中；请运行 jiaozao check 查看。"
        )
    if result.closed is not None and result.closed.renewals:
        terminal.print(
            f"台账显示 {result.closed.renewed} 张证照已续证、{result.closed.applied} 张已申请延续：其提醒已自动结束"
            f"（登记簿已记录），取消待发送短信 {result.closed.sms_cancelled} 条。"
        )
    print_problems(ProblemList(problems.items[:10]))
    _report(work, out, written)
    _report_email(emails, args.dry_run)
    skipped = print_unusable(result.inputs.unusable.values(), "今天的提醒没有列出")
    return 1 if emails.failed or skipped else 0


def _is_batch_day(settings: Settings, today: date) -> bool:
    """Say whether today is the monthly batch day; when it is not, say when the next one is."""
    if is_batch_day(settings, today):
        first, last = next_month(today)
        terminal.print(
            f"{today.isoformat()} 是每月叫早日：列出 {first.isoformat()} 至 {last.isoformat()} 到期的证照。"
        )
        return True
    upcoming = next_batch_day(load_calendar(settings), today)
    terminal.print(
        f"{today.isoformat()} 不是每月叫早日（每月15日，遇休息日顺延到下一个工作日）。"
        f"下一个是 {upcoming.isoformat()}，届时列出 {next_month(upcoming)[0]:%Y年%m月}到期的证照。",
        markup=False,
    )
    return False


def _report(work: DayWork, out: Path, written: list[Path]) -> None:
    day = work.today.isoformat()
    if not work.departments:
        terminal.print(f"{day}：没有应提醒的证照。", markup=False)
        return
    terminal.print(
        f"{day}：应提醒 {work.certificates} 张证照，合为 {work.groups} 次提醒（同一持证人一并提醒）。",
        markup=False,
    )
    for item in work.departments:
        terminal.print(
            f"  {item.department.name}：{item.certificates} 张证照、{len(item.groups)} 户；"
            f"短信 {len(item.sms)} 条（计费 {item.segments} 条，覆盖 {item.sms_certificates} 张证照，"
            f"其余 {item.certificates - item.sms_certificates} 张无手机号、过长或临期，见问题清单）",
            markup=False,
        )
        final = sum(1 for g in item.groups for r in g.reminders if r.kind == "临期")
        if final:
            terminal.print(
                f"    临期（电话或上门）{final} 张；联系不上 {len(item.unreachable)} 户"
                + ("，见 联系不上.xlsx" if item.unreachable else ""),
                markup=False,
            )
    sms = sum(len(d.sms) for d in work.departments)
    billed = sum(d.segments for d in work.departments)
    terminal.print(f"短信合计 {sms} 条，按 70/67 字计费共 {billed} 条。", markup=False)
    long = long_messages(work)
    if long:
        terminal.print(
            f"注意：{len(long)} 条短信超过 70 字，将按多条计费（最长 {max(n for _, n in long)} 字）。",
            markup=False,
        )
    if work.problems:
        terminal.print(f"联系信息问题 {len(work.problems)} 条，已写入 {out / PROBLEMS_FILE}。", markup=False)
    terminal.print(f"已写入 {out}（{len(written)} 个文件）。", markup=False)


def _report_email(emails: EmailReport, dry_run: bool) -> None:
    if dry_run and emails.written:
        terminal.print(f"演练：{len(emails.written)} 封邮件写成 .eml 文件（未发送，未登记）。", markup=False)
    if emails.unsent:
        terminal.print(
            f"未设置邮件服务器（JIAOZAO_SMTP_HOST），{emails.unsent} 封邮件未发送，这些证照仍在待提醒中；"
            "可用 --dry-run 写出 .eml 文件。",
            markup=False,
        )
    if emails.sent:
        terminal.print(f"已发送 {emails.sent} 封邮件，已登记。", markup=False)
    for outcome in emails.failed:
        terminal.print(
            f"邮件发送失败：{outcome.group.holder}：{outcome.error}（仍在待提醒中）",
            style="red",
            markup=False,
        )
    if emails.failed:
        terminal.print(f"{len(emails.failed)} 封邮件发送失败，未登记；下次运行会再次列出。", markup=False)


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "remind", run, run.__doc__ or "")
    add_input_options(parser)
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="按哪一天列出应提醒的证照（默认：今天）")
    parser.add_argument(
        "--out", dest="day_folder", metavar="文件夹", help="输出文件夹（默认：out/remind/日期）"
    )
    add_setting_options(parser, "db")
    parser.add_argument("--dry-run", action="store_true", help="不发送邮件（写出 .eml 文件），不写登记簿")
    parser.add_argument(
        "--monthly", action="store_true", help="每月叫早：列出下个月到期的证照（每月15日运行）"
    )
