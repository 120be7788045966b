"""The one settings table: every JIAOZAO_* variable the code names is in it, read only through it, and documented.

The README's settings tables are checked against portal/rules/settings_table.py: every variable a table row names
is declared, with the same default; every declared variable (but the test hooks) is in a README table; every
JIAOZAO_* name in the README and in the code is declared. And no module but the table reads a JIAOZAO_* variable
from the environment by name.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import fields
from datetime import time
from pathlib import Path

import pytest

from console.settings import ConsoleConfigError, ConsoleSettings, console_db
from generator.config import OPTIONS, PROJECT_ROOT, Settings, debugging
from generator.reminders.mail import MailError, SmtpSettings
from generator.sms.settings import SmsSettings, SmsSettingsError
from portal.config import PortalConfig, PortalConfigError
from portal.rules import settings_table
from portal.rules.settings_table import SETTINGS, declared, given, value

README = PROJECT_ROOT / "README.md"
_NAME = re.compile(r"JIAOZAO_[A-Z0-9_]*")
_DOCUMENTED = [setting for setting in SETTINGS if setting.group != "测试"]
APP_PACKAGES = ("generator", "console", "portal")


def _readme_rows() -> list[tuple[str, str]]:
    """Return (variable, 默认 cell) for every variable a README table row names in its variable column."""
    rows: list[tuple[str, str]] = []
    header: list[str] = []
    for line in README.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = []
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not header:
            header = cells
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        column = "环境变量" if "环境变量" in header else "设置"
        names = re.findall(r"`(JIAOZAO_[A-Z0-9_]+)`", cells[header.index(column)]) if column in header else []
        if not names:
            continue
        assert "默认" in header, f"README 中列出 {names} 的表格没有“默认”一栏"
        defaults = cells[header.index("默认")].split(" / ")
        if len(defaults) != len(names):  # one default for a pair (USER / PASSWORD: 不登录)
            defaults = [cells[header.index("默认")]] * len(names)
        rows += zip(names, defaults, strict=True)
    return rows


ROWS = _readme_rows()


def test_the_readme_tables_list_settings() -> None:
    assert len(ROWS) >= 40


@pytest.mark.parametrize(("env", "shown"), ROWS, ids=[env for env, _ in ROWS])
def test_each_readme_row_is_declared_with_the_same_default(env: str, shown: str) -> None:
    assert env in {s.env for s in SETTINGS}, (
        f"README 列出的 {env} 不在设置表 portal/rules/settings_table.py 中"
    )
    assert declared(env).shown == shown, (
        f"{env} 的默认值：README 写“{shown}”，设置表写“{declared(env).shown}”"
    )


@pytest.mark.parametrize("setting", _DOCUMENTED, ids=[s.env for s in _DOCUMENTED])
def test_each_declared_setting_is_in_a_readme_table_once(setting: settings_table.Setting) -> None:
    assert [env for env, _ in ROWS].count(setting.env) == 1, f"{setting.env} 应在 README 的设置表中出现一次"
    if setting.default:  # the documented default shows the value the code uses
        assert setting.default in setting.shown.replace("`", ""), setting.env


def _declared_or_prefix(name: str) -> bool:
    if name.endswith("_"):  # a prefix: JIAOZAO_SMS_ in code, JIAOZAO_CONSOLE_* in text
        return any(s.env.startswith(name) for s in SETTINGS)
    return name in {s.env for s in SETTINGS}


def test_every_name_the_readme_gives_is_declared() -> None:
    names = set(_NAME.findall(README.read_text(encoding="utf-8")))
    assert sorted(n for n in names if not _declared_or_prefix(n)) == []


def _sources() -> list[Path]:
    roots = [PROJECT_ROOT / package for package in (*APP_PACKAGES, "bench", "tests")]
    return sorted(p for root in roots for p in root.rglob("*.py") if ".venv" not in p.parts)


def test_every_name_the_code_gives_is_declared() -> None:
    """Code, messages, docstrings, benches and tests: a JIAOZAO_* name anywhere is a declared one (or a prefix)."""
    unknown = {
        f"{path.relative_to(PROJECT_ROOT)}: {name}"
        for path in _sources()
        for name in _NAME.findall(path.read_text(encoding="utf-8"))
        if not _declared_or_prefix(name) and path.name != Path(__file__).name
    }
    assert sorted(unknown) == []


# The one exception: a test hook (group 测试, e.g. JIAOZAO_TEST_HOLD_BUILD_SECONDS in the publish job) is read where
# it is used; it is still declared, so a typo in its name fails the test above.
_HOOKS = {setting.env for setting in SETTINGS if setting.group == "测试"}
_TABLE = "portal/rules/settings_table.py"


def _is_environ(node: ast.expr) -> bool:
    """Return whether an expression is the environment: os.environ, environ, self.environ."""
    return (isinstance(node, ast.Name) and node.id == "environ") or (
        isinstance(node, ast.Attribute) and node.attr == "environ"
    )


def _environment_reads(tree: ast.Module) -> list[ast.expr | None]:
    """Return the key of every read of the environment by name (None: a read of the whole environment).

    Setting or removing a variable (jiaozao serve passing the portal its settings) is not a read."""
    keys: list[ast.expr | None] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if _is_environ(node.func.value) and node.func.attr in ("get", "setdefault"):
                keys.append(node.args[0] if node.args else None)
            elif _is_environ(node.func.value) and node.func.attr in ("items", "keys", "values", "copy"):
                keys.append(None)
            elif node.func.attr == "getenv":
                keys.append(node.args[0] if node.args else None)
        elif isinstance(node, ast.Subscript) and _is_environ(node.value) and isinstance(node.ctx, ast.Load):
            keys.append(node.slice)
        elif isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
            keys.append(node.left)
    return keys


def _constant_text(key: ast.expr | None, tree: ast.Module) -> str | None:
    """Return the text a key stands for: a string, or a module-level name bound to one; None when unknown."""
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return key.value
    if isinstance(key, ast.Name):
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == key.id for t in node.targets
            ):
                return _constant_text(node.value, tree)
    return None


# The readers that take a whole prefix of variables (mail's and the SMS platform's, merged with their settings file).
_PREFIX_READERS = {"generator/reminders/mail.py", "generator/sms/settings.py"}


def test_no_module_reads_a_setting_from_the_environment_but_through_the_table() -> None:
    found = []
    for path in sorted(p for package in APP_PACKAGES for p in (PROJECT_ROOT / package).rglob("*.py")):
        where = path.relative_to(PROJECT_ROOT).as_posix()
        if where == _TABLE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for key in _environment_reads(tree):
            text = _constant_text(key, tree)
            if key is None and where in _PREFIX_READERS:
                continue
            if text is not None and (not text.startswith("JIAOZAO_") or text in _HOOKS):
                continue  # another program's variable (SOURCE_DATE_EPOCH …), or the one hook above
            found.append(f"{where}: {ast.unparse(key) if key is not None else '整个环境'}")
    assert found == [], "JIAOZAO_* 设置只能经 portal/rules/settings_table.py 的 given/value 读取"


def test_the_scan_sees_the_ways_of_reading_the_environment() -> None:
    tree = ast.parse(
        'import os\nX = "JIAOZAO_A"\nos.environ.get(X)\nos.environ["JIAOZAO_B"]\nos.getenv("JIAOZAO_C")\n'
        '"JIAOZAO_D" in os.environ\nos.environ["JIAOZAO_E"] = "1"\nos.environ.pop("JIAOZAO_F")\nenviron.items()\n'
    )
    texts = [_constant_text(key, tree) for key in _environment_reads(tree)]
    assert texts == ["JIAOZAO_A", "JIAOZAO_B", "JIAOZAO_C", "JIAOZAO_D", None]


def test_an_undeclared_name_cannot_be_read() -> None:
    with pytest.raises(KeyError):
        given({"JIAOZAO_NOT_A_SETTING": "1"}, "JIAOZAO_NOT_A_SETTING")
    assert (
        value({}, "JIAOZAO_SMTP_PORT") == "25"
        and value({"JIAOZAO_SMTP_PORT": " 587 "}, "JIAOZAO_SMTP_PORT") == "587"
    )


def test_every_setting_has_a_type_help_and_one_name() -> None:
    assert len({s.env for s in SETTINGS}) == len(SETTINGS)
    assert all(s.env.startswith("JIAOZAO_") and s.help and s.kind for s in SETTINGS)
    assert all(s.unit for s in SETTINGS if s.group == "工作台" and s.kind == "count")


# The apps read the table's defaults: nothing set gives what the table (and so the README) says.


def test_the_run_options_are_the_tables(tmp_path: Path) -> None:
    assert [o.env for o in OPTIONS] == [s.env for s in SETTINGS if s.group == "运行" and s.option]
    read = Settings.read(environ={})
    for option in OPTIONS:
        if option.default and declared(option.env).kind == "path" and option.name != "cache":
            assert getattr(read, option.name) == Path(os.path.abspath(option.default)), option.name
    assert read.database_pool_size == int(declared("JIAOZAO_DATABASE_POOL_SIZE").default)
    assert read.database_statement_timeout == float(declared("JIAOZAO_DATABASE_STATEMENT_TIMEOUT").default)
    assert read.cache == Path(os.path.expanduser(declared("JIAOZAO_CACHE").default))
    assert debugging({}) is False and debugging({"JIAOZAO_DEBUG": "1"}) is True


def _console(tmp_path: Path, environ: dict[str, str]) -> ConsoleSettings:
    inputs = Settings.read(str(tmp_path), environ={})
    return ConsoleSettings.read(
        inputs, tmp_path / "site", tmp_path / "src", tmp_path / "index", environ=environ
    )


def test_the_console_reads_the_tables_defaults(tmp_path: Path) -> None:
    read = _console(tmp_path, {})
    defaults = {f.name: f.default for f in fields(ConsoleSettings)}
    for name in ("db", "https", "upload_limit", "unzip_limit", "upload_checks", "upload_rows", "upload_days"):
        assert getattr(read, name) == defaults[name], name
    for name in ("trusted_proxy", "sso_header", "proxy_secret", "sms_push_secret", "sms_receipt_minutes"):
        assert getattr(read, name) == defaults[name], name
    assert read.sms_send_at == defaults["sms_send_at"] == time(9, 30)
    assert read.upload_limit == int(declared("JIAOZAO_CONSOLE_UPLOAD_MB").default) * 1024 * 1024
    assert console_db(None, {}) == Path("var/console.sqlite") == console_db(None, {"JIAOZAO_CONSOLE_DB": " "})
    assert console_db("x.sqlite", {"JIAOZAO_CONSOLE_DB": "y.sqlite"}) == Path("x.sqlite")


def test_mail_and_sms_read_the_tables_defaults() -> None:
    smtp = SmtpSettings.read({"JIAOZAO_SMTP_HOST": "127.0.0.1", "JIAOZAO_SMTP_FROM": "a@example.gov.cn"})
    assert smtp is not None and (smtp.port, smtp.timeout, smtp.starttls, smtp.user) == (25, 10.0, False, "")
    sms = SmsSettings.read(
        {"JIAOZAO_SMS_PROVIDER": "aliyun", "JIAOZAO_SMS_KEY_ID": "id", "JIAOZAO_SMS_KEY_SECRET": "secret"}
    )
    assert sms is not None and (sms.daily_cap, sms.timeout) == (3, 10.0)


# Bad values: the same Chinese messages as before the table.
_CONSOLE_FAULTS = [
    ("JIAOZAO_CONSOLE_UPLOAD_MB", "abc", "JIAOZAO_CONSOLE_UPLOAD_MB 的值“abc”应是正整数（单位 MB）"),
    ("JIAOZAO_CONSOLE_UPLOAD_ROWS", "0", "JIAOZAO_CONSOLE_UPLOAD_ROWS 的值“0”应是正整数（单位 行）"),
    ("JIAOZAO_CONSOLE_UPLOAD_CHECKS", "-1", "JIAOZAO_CONSOLE_UPLOAD_CHECKS 的值“-1”应是正整数（单位 个）"),
    ("JIAOZAO_CONSOLE_UPLOAD_DAYS", "1.5", "JIAOZAO_CONSOLE_UPLOAD_DAYS 的值“1.5”应是正整数（单位 天）"),
    ("JIAOZAO_CONSOLE_SMS_RECEIPT_MINUTES", "x", "JIAOZAO_CONSOLE_SMS_RECEIPT_MINUTES 的值“x”应是正整数（单位 分钟）"),
    ("JIAOZAO_CONSOLE_HTTPS", "maybe", "JIAOZAO_CONSOLE_HTTPS 的值“maybe”应是 1 或 0"),
    ("JIAOZAO_CONSOLE_SMS_SEND_AT", "九点", "JIAOZAO_CONSOLE_SMS_SEND_AT 的值“九点”应是“时:分”，如 09:30"),
    ("JIAOZAO_CONSOLE_SMS_SEND_AT", "9:5", "JIAOZAO_CONSOLE_SMS_SEND_AT 的值“9:5”不是一天中的时刻，应如 09:30"),
    ("JIAOZAO_CONSOLE_PROXY_SECRET_FILE", "/nonexistent/secret",
     "JIAOZAO_CONSOLE_PROXY_SECRET_FILE 指定的文件“/nonexistent/secret”无法读取"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("env", "given_value", "message"), _CONSOLE_FAULTS, ids=[f"{env}={v}" for env, v, _ in _CONSOLE_FAULTS]
)
def test_a_bad_console_value_is_named_as_before(
    tmp_path: Path, env: str, given_value: str, message: str
) -> None:
    with pytest.raises(ConsoleConfigError) as error:
        _console(tmp_path, {env: given_value})
    assert str(error.value) == message


def test_bad_mail_sms_and_portal_values_are_named_as_before() -> None:
    with pytest.raises(MailError, match="JIAOZAO_SMTP_PORT 的值“x”不是数字"):
        SmtpSettings.read(
            {"JIAOZAO_SMTP_HOST": "h", "JIAOZAO_SMTP_FROM": "a@example.gov.cn", "JIAOZAO_SMTP_PORT": "x"}
        )
    with pytest.raises(SmsSettingsError, match="JIAOZAO_SMS_DAILY_CAP 的值“0”应是正数"):
        SmsSettings.read(
            {"JIAOZAO_SMS_PROVIDER": "aliyun", "JIAOZAO_SMS_KEY_ID": "i", "JIAOZAO_SMS_KEY_SECRET": "s",
             "JIAOZAO_SMS_DAILY_CAP": "0"}
        )  # fmt: skip
    with pytest.raises(PortalConfigError, match="没有设置 JIAOZAO_INDEX"):
        PortalConfig.from_environment({})


def test_the_portal_reads_its_three_variables(tmp_path: Path) -> None:
    (tmp_path / "portal.yaml").write_text("每分钟查询次数: 7\n", encoding="utf-8")
    config = PortalConfig.from_environment(
        {
            "JIAOZAO_INDEX": "idx",
            "JIAOZAO_SITE": "web",
            "JIAOZAO_PORTAL_CONFIG": str(tmp_path / "portal.yaml"),
        }
    )
    assert (config.index_dir, config.site_dir, config.rate_limit) == (Path("idx"), Path("web"), 7)
    assert PortalConfig.from_environment({"JIAOZAO_INDEX": "idx"}).site_dir is None


def test_a_mistyped_variable_is_named_with_the_setting_it_likely_means() -> None:
    assert settings_table.undeclared(["PATH", "JIAOZAO_SITE", "JIAOZAO_SMTP_HOTS", "JIAOZAO_FOO"]) == [
        ("JIAOZAO_FOO", ""),
        ("JIAOZAO_SMTP_HOTS", "JIAOZAO_SMTP_HOST"),
    ]


def test_check_warns_of_a_mistyped_variable_without_showing_its_value(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator.cli import main

    monkeypatch.setenv("JIAOZAO_SMTP_PASWORD", "s3cret-value")
    assert main(["check", "--today", "2026-11-23"]) == 0  # the demo passes: a warning only
    (line,) = [line for line in capsys.readouterr().err.splitlines() if "JIAOZAO_SMTP_PASWORD" in line]
    assert "警告" in line and "是否想写 JIAOZAO_SMTP_PASSWORD" in line and "s3cret" not in line


def test_a_line_of_a_settings_file_nothing_reads_is_named(tmp_path: Path) -> None:
    from generator.workflows.check import unknown_variables

    config = tmp_path / "smtp.conf"
    config.write_text("JIAOZAO_SMTP_HOST=mail\nHOST=mail\nJIAOZAO_SMS_PROVIDER=aliyun\n", encoding="utf-8")
    problems = unknown_variables(
        {"JIAOZAO_SMTP_CONFIG": str(config), "JIAOZAO_SMS_CONFIG": str(tmp_path / "无")}
    )
    assert [(p.file, p.fix.startswith("是否想写 JIAOZAO_SMTP_HOST")) for p in problems] == [
        (f"SMTP 配置文件“{config}”中的 HOST", True),
        (f"SMTP 配置文件“{config}”中的 JIAOZAO_SMS_PROVIDER", False),
    ]
    assert all("mail" not in str(p) and "aliyun" not in str(p) for p in problems)
