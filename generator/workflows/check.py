"""Check: everything any command reads — 目录, 台账, holidays.csv, site.yaml, portal.yaml, SMS templates, SMTP —
validated together, so a folder that passes is one build, serve and remind will not refuse."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from generator.catalog.facts import yaml_problems
from generator.config import Settings, secret_file_values
from generator.ledger.load import Progress
from generator.pipeline import Inputs, load_inputs, refuse_broken_catalogs
from generator.problems import InputError, JiaozaoError, Level, Problem, ProblemList
from generator.reminders.mail import SmtpSettings
from generator.reminders.sms import load_template
from generator.site.config import read_site_config
from generator.sms.settings import SmsSettings
from portal.config import CONFIG_FILE, check_settings
from portal.rules import settings_table


@dataclass(frozen=True)
class CheckResult:
    """The loaded inputs and every problem found in them and in the settings files."""

    inputs: Inputs
    problems: ProblemList

    def failed(self, strict: bool = False) -> bool:
        return bool(self.problems.errors) or (strict and bool(self.problems.warnings))


def check(settings: Settings, today: date, progress: Progress | None = None) -> CheckResult:
    """Return every problem of the inputs and settings files; catalogue errors raise InputError with all of them."""
    extra = settings_problems(settings)
    try:
        inputs = load_inputs(settings, today, progress)
    except InputError as error:
        raise InputError([*error.problems, *extra]) from None
    refuse_broken_catalogs(inputs, extra)  # as it always did; remind, build and report leave it out
    problems = ProblemList(list(inputs.problems.items))
    problems.extend(extra)
    for department in inputs.catalogs.departments:
        problems.extend(load_template(settings.catalogs, department)[1])
    return CheckResult(inputs, problems)


def settings_problems(settings: Settings) -> list[Problem]:
    """Return the problems of site.yaml, portal.yaml and the SMTP settings (the files besides 目录 and 台账)."""
    problems = list(read_site_config(settings.catalogs)[1])
    portal_issues = check_settings(settings.catalogs / CONFIG_FILE)[1]
    problems.extend(yaml_problems(f"{settings.catalogs.name}/{CONFIG_FILE}", portal_issues))
    try:
        SmtpSettings.read()
    except JiaozaoError as error:
        problems.append(Problem("JIAOZAO_SMTP_*", str(error), "按提示修改邮件服务器设置"))
    try:
        SmsSettings.read()
    except JiaozaoError as error:
        problems.append(Problem("JIAOZAO_SMS_*", str(error), "按提示修改短信平台设置（见 README“短信平台”）"))
    return problems + unknown_variables(os.environ)


def unknown_variables(environ: Mapping[str, str]) -> list[Problem]:
    """Return a warning for each JIAOZAO_* variable, and each line of the SMTP and SMS settings files, that is no
    setting: nothing reads it (its value, perhaps a password, is never shown)."""
    nobody = "不是叫早的设置，没有程序读取它"
    unread = [(f"环境变量 {name}", nobody, meant) for name, meant in settings_table.undeclared(environ)]
    for prefix, what in (("JIAOZAO_SMTP_", "SMTP 配置文件"), ("JIAOZAO_SMS_", "短信平台配置文件")):
        named = settings_table.given(environ, prefix + "CONFIG")
        try:
            keys = secret_file_values(named, what, "", JiaozaoError)
        except JiaozaoError:
            continue  # unreadable, or inside the project: SmtpSettings/SmsSettings.read said so
        here = f"不是这个文件的设置（这里只读 {prefix}…），没有程序读取它"
        unread += [
            (f"{what}“{named}”中的 {key}", here, meant)
            for key, meant in settings_table.undeclared(keys, prefix, True)
        ]
    return [
        Problem(
            where,
            message,
            (f"是否想写 {meant}？" if meant else "") + "请按 README 中的设置表改正或删除",
            level=Level.WARNING,
        )
        for where, message, meant in unread
    ]
