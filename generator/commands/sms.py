"""jiaozao sms: send the day's reminder SMS through the bureau's SMS platform, and settle their receipts."""

from __future__ import annotations

import argparse

from generator.commands._common import (
    Subparsers,
    add_command,
    add_input_options,
    add_setting_options,
    parse_day,
    print_problems,
    settings_of,
    terminal,
)  # fmt: skip
from generator.problems import JiaozaoError, ProblemList
from generator.reminders.sms import segments, sms_length
from generator.sms.settings import SmsSettings
from generator.workflows.sms import Settled, SmsPlan, plan_sms, send_sms, settle_sms


def _settings() -> SmsSettings:
    sms = SmsSettings.read()  # bad settings are refused before any data is read
    if sms is None:
        raise JiaozaoError(
            "未设置短信平台（JIAOZAO_SMS_PROVIDER）：短信仍用 jiaozao remind 生成的“短信.csv”到平台上传。"
            "要自动发送，请按 README“短信平台”一节设置"
        )
    return sms


def run_send(args: argparse.Namespace) -> int:
    """通过短信平台发送今天应发的提醒短信（与 jiaozao remind 同一份名单、同样一户一条）。

    只发送 department.yaml 写了“短信模板编号”的部门；其他部门仍用 jiaozao remind 生成的短信文件。
    每条短信先记入登记簿的发件箱再提交，同一证照、同一提醒、同一号码只发一次：重复运行、中途中断、平台超时
    都不会重发，不确定是否发出的向平台查询。余额不足、签名或模板不对、没有权限时整批停止，退出码为 1。
    --dry-run 只列出将要发送的短信（每部门条数、每条字数和计费条数），不发送、不写登记簿。

    示例：
      jiaozao sms send --today 2026-11-23 --dry-run
      jiaozao sms send
    """
    today = parse_day(args.today, "--today")
    sms = _settings()
    settings = settings_of(args)
    if args.dry_run:
        _show_plan(plan_sms(settings, sms, today), sms)
        return 0
    sent = send_sms(settings, sms, today)
    _show_plan(sent.plan, sms, brief=True)
    _show_settled(sent.before, "上次未确定的短信")
    terminal.print(
        f"已提交{sms.platform_name} {sent.submitted} 条短信，回执用 jiaozao sms receipts 收取。", markup=False
    )
    for kind, count in sent.refused.items():
        terminal.print(f"平台当场拒绝 {count} 条：{kind}", markup=False)
    if sent.deferred:
        terminal.print(f"{sent.deferred} 条因流控推迟到下一个工作日。", markup=False)
    if sent.stopped:
        terminal.print(f"错误：{sent.stopped}", style="red", markup=False)
        return 1
    return 1 if any(d.faults for d in sent.plan.departments) else 0


def run_receipts(args: argparse.Namespace) -> int:
    """向短信平台收取回执，把送达、失败和未回执的短信记入登记簿。

    已送达的算作已完成提醒（提醒方式“短信”，提醒人“短信平台（…）”）；空号、拒收的持证人回到电话提醒清单，
    号码列入问题清单；停机、关机等在下一个工作日重发一次；超过平台查询期限仍无回执的记为“短信未回执”。

    示例：
      jiaozao sms receipts --today 2026-11-24
    """
    today = parse_day(args.today, "--today")
    sms = _settings()
    settled = settle_sms(settings_of(args), sms, today)
    _show_settled(settled, "回执")
    if settled.stopped:
        terminal.print(f"错误：{settled.stopped}", style="red", markup=False)
        return 1
    return 0


def _show_plan(plan: SmsPlan, sms: SmsSettings, brief: bool = False) -> None:
    print_problems(ProblemList(plan.work.problems.items[:10]))
    if not plan.departments:
        terminal.print(
            "今天没有经短信平台发送的短信（没有部门写了“短信模板编号”，或没有应提醒的手机号）。", markup=False
        )
    for d in plan.departments:
        name = d.department.name
        if d.faults:
            terminal.print(f"{name}：模板检查未通过，今天不发送：", style="red", markup=False)
            for fault in d.faults:
                terminal.print(f"  {fault}", style="red", markup=False)
            continue
        billed = sum(segments(c.text) for c in d.candidates)
        terminal.print(
            f"{name}：{len(d.candidates)} 条短信（{sms.platform_name}，模板 {d.department.sms_template_code}，按 70/67 字计费 {billed} 条）",
            markup=False,
        )
        if not brief:
            for c in d.candidates:
                terminal.print(
                    f"  {c.phone} {c.holder}：{sms_length(c.text)} 字，计费 {segments(c.text)} 条",
                    markup=False,
                )
        for held in d.held:
            terminal.print(
                f"  不发送：{held.candidate.holder}（{held.candidate.phone}）：{held.reason}", markup=False
            )


def _show_settled(settled: Settled, what: str) -> None:
    parts = settled.parts(pending=True)
    if parts:
        terminal.print(f"{what}：" + "，".join(parts) + "。", markup=False)


def run(args: argparse.Namespace) -> int:
    """通过短信平台发送提醒短信、收取回执（send、receipts 两个命令）。

    平台和密钥用环境变量 JIAOZAO_SMS_* 设置，见 README“短信平台”一节。

    示例：
      jiaozao sms send --dry-run
      jiaozao sms receipts
    """
    return run_send(args)


def register(subparsers: Subparsers) -> None:
    summary, _, body = (run.__doc__ or "").strip().partition("\n")
    parser = subparsers.add_parser(
        "sms",
        help=summary,
        description=summary + "\n" + body,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(title="命令", metavar="命令", required=True)
    send = add_command(commands, "send", run_send, run_send.__doc__ or "")
    receipts = add_command(commands, "receipts", run_receipts, run_receipts.__doc__ or "")
    for sub in (send, receipts):
        add_input_options(sub)
        sub.add_argument("--today", metavar="YYYY-MM-DD", help="按哪一天发送或收取（默认：今天）")
        add_setting_options(sub, "db")
    send.add_argument("--dry-run", action="store_true", help="只列出将要发送的短信，不发送、不写登记簿")
