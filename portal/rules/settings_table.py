"""Every JIAOZAO_* setting of the generator, the console, mail, SMS and the portal, declared once: the one table.

Each `Setting` names its environment variable, its type, its default (the value used when the variable is unset or
empty), the default as the README writes it, and its help. The apps read their settings through `given` and
`value` below and nowhere else (a test holds it), casting by type with their own Chinese messages: the generator in
generator/config.py, the console in console/settings.py, mail in generator/reminders/mail.py, the SMS platform in
generator/sms/settings.py, the portal in portal/config.py. The README's settings tables are checked against this one
(tests/test_settings_table.py). It lives here, in the shared rules, because the portal must not import the generator.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

# path: a file or folder; url: an address; text: free text; flag: a yes/no word (portal.rules.text.yes_no);
# count: a whole number ≥ 1; number: a number > 0; clock: a time of day HH:MM; choice: one of listed words;
# secret: a password or key (never shown, may come from a file outside the project)
Kind = Literal["path", "url", "text", "flag", "count", "number", "clock", "choice", "secret"]
# Which README table a setting is documented in; 测试 ones are test hooks, not documented for users.
Group = Literal["运行", "邮件", "工作台", "短信平台", "门户", "测试"]


@dataclass(frozen=True)
class Setting:
    """One setting: its variable, type, default (the value when unset), the default as documented, and help."""

    env: str
    kind: Kind
    default: str  # "" when unset means nothing, or a default the reader derives (`shown` says which)
    shown: str  # the README's 默认 cell for it
    help: str
    group: Group
    option: str = ""  # the generator's command-line option and Settings attribute, if it has one
    unit: str = ""  # the unit a count or number is in, named in messages


def _run(env: str, option: str, default: str, shown: str, help: str, kind: Kind = "path") -> Setting:
    return Setting(env, kind, default, shown, help, "运行", option)


def _console(env: str, kind: Kind, default: str, shown: str, help: str, unit: str = "") -> Setting:
    return Setting("JIAOZAO_CONSOLE_" + env, kind, default, shown, help, "工作台", unit=unit)


def _mail(env: str, kind: Kind, default: str, shown: str, help: str) -> Setting:
    return Setting("JIAOZAO_SMTP_" + env, kind, default, shown, help, "邮件")


def _sms(env: str, kind: Kind, default: str, shown: str, help: str) -> Setting:
    return Setting("JIAOZAO_SMS_" + env, kind, default, shown, help, "短信平台")


SETTINGS: tuple[Setting, ...] = (
    # The generator's run: every command (jiaozao …), the console's inputs, and the portal's index and site.
    _run("JIAOZAO_CATALOGS", "catalogs", "", "自带的演示数据 `catalogs/`",
         "各部门目录所在文件夹（默认：自带的演示数据 catalogs/）"),
    _run("JIAOZAO_LEDGERS", "ledgers", "", "目录文件夹下的 `_ledgers/`",
         "台账文件或文件夹（默认：目录文件夹下的 _ledgers/）"),
    _run("JIAOZAO_SITE", "site", "site", "`site/`", "网站所在文件夹（默认：当前文件夹下的 site/）"),
    _run("JIAOZAO_SRC", "src", "site_src/generated", "`site_src/generated/`",
         "生成的 Markdown 放在哪里（默认：site_src/generated/）"),
    _run("JIAOZAO_INDEX", "index", "", "网站旁的 `site-index/`",
         "门户的查询索引放在哪里（默认：网站文件夹旁的 site-index/）"),
    _run("JIAOZAO_OUT", "out", "out", "`out/`", "工作人员文件（提醒清单、督促检查）的输出文件夹（默认：out/）"),
    _run("JIAOZAO_RECORD_DB", "db", "var/登记簿.sqlite", "`var/登记簿.sqlite`", "登记簿（默认：var/登记簿.sqlite）"),
    _run("JIAOZAO_DATABASE_URL", "database_url", "",
         "不设：各自的 SQLite 文件；`postgresql://用户@主机:端口/库名`：工作台的用户、会话、操作日志等，以及登记簿和"
         "短信发件箱，都放进一个 PostgreSQL 数据库，多个工作台进程和命令行共用（见“省级部署”）",
         "共用数据库：不设 = 各自的 SQLite 文件（单机默认）；postgresql://用户@主机:端口/库名 = 工作台的用户、会话、"
         "操作日志，以及登记簿和短信发件箱都放在一个 PostgreSQL 数据库里，多个工作台进程共用（先运行 jiaozao db "
         "upgrade；设置后不再使用 JIAOZAO_RECORD_DB 的文件）", "url"),
    _run("JIAOZAO_DATABASE_POOL_SIZE", "database_pool_size", "4",
         "`4`：每个工作台进程处理请求时最多同时用几个 PostgreSQL 连接（见“省级部署”）",
         "每个工作台进程同时用于处理请求的 PostgreSQL 连接数（默认 4；只在设置了 JIAOZAO_DATABASE_URL 时有用）",
         "count"),
    _run("JIAOZAO_DATABASE_STATEMENT_TIMEOUT", "database_statement_timeout", "30",
         "`30`（秒）：工作台的一条 SQL 语句超过这么久由 PostgreSQL 中止；`0` 不限；命令行（`db copy` 等）不受限",
         "工作台的一条 SQL 语句最多执行多少秒，超过由 PostgreSQL 中止（默认 30；0 表示不限；命令行不受限）",
         "number"),
    _run("JIAOZAO_CACHE", "cache", "~/.cache/jiaozao", "`~/.cache/jiaozao`（`off` 关闭）",
         "台账解析结果的缓存文件夹，未改动的台账不再重读（默认：~/.cache/jiaozao；off 表示不用缓存）"),
    _run("JIAOZAO_DEBUG", "", "", "不设（程序内部错误只显示一行说明）",
         "设为 1 时，程序内部错误显示完整的出错位置，供维护人员排查", "flag"),
    # Mail (jiaozao remind and the console's 发送今天的邮件); also KEY=VALUE lines of the file JIAOZAO_SMTP_CONFIG names.
    _mail("CONFIG", "path", "", "无", "保存以下设置（含密码）的 KEY=VALUE 文件，须在项目文件夹以外"),
    _mail("HOST", "text", "", "无（不发送）", "邮件服务器"),
    _mail("PORT", "count", "25", "25", "端口；465 为 SSL"),
    _mail("STARTTLS", "flag", "0", "0", "1 表示使用 STARTTLS"),
    _mail("USER", "text", "", "不登录", "登录用户名"),
    _mail("PASSWORD", "secret", "", "不登录", "登录密码"),
    _mail("FROM", "text", "", "—", "发件地址（设置了服务器时必填）"),
    _mail("TIMEOUT", "number", "10", "10", "超时秒数"),
    # The console (jiaozao console), besides the run's settings above.
    _console("DB", "path", "var/console.sqlite", "`var/console.sqlite`", "工作台数据库（--console-db 优先）"),
    _console("HTTPS", "flag", "0", "0", "1 表示经 https 访问（Cookie 加 Secure）"),
    _console("UPLOAD_MB", "count", "50", "50", "上传文件大小上限", "MB"),
    _console("UNZIP_MB", "count", "1024", "1024", ".xlsx 解压后大小上限", "MB"),
    _console("UPLOAD_CHECKS", "count", "", "CPU 核数", "同时检查的上传文件数（每人同时只检查一个）", "个"),
    _console("UPLOAD_ROWS", "count", "2000000", "2000000", "每个上传文件的行数上限（.xlsx 各工作表合计）", "行"),
    _console("UPLOAD_DAYS", "count", "90", "90", "上传的文件及其检查报告保留的天数", "天"),
    _console("TRUSTED_PROXY", "text", "", "无", "nginx 的地址：只有来自它的 X-Forwarded-For 和单点登录请求头才被采信"),
    _console("SSO_HEADER", "text", "", "无（不启用）", "统一身份认证写入用户名的请求头（如 X-Remote-User）"),
    _console("PROXY_SECRET", "secret", "", "无", "代理密钥（至少 24 个字符），nginx 在每个请求中发送"),
    _console("PROXY_SECRET_FILE", "path", "", "无", "保存代理密钥的文件（读第一行）"),
    _console("PUBLIC_URL", "url", "", "`site.yaml` 的“网址”", "公开网站地址，用于发布完成后的链接"),
    _console("DEPARTMENTS_KEPT", "count", "64", "64",
             "每个工作台进程在内存中保留多少个部门的当天台账和提醒计划（最久没人打开的先放下）", "个"),
    _console("SMS_SEND_AT", "clock", "09:30", "09:30", "每个工作日自动发送短信的时刻（08:00 到 20:00 之间）"),
    _console("SMS_RECEIPT_MINUTES", "count", "30", "30", "每隔几分钟向短信平台收取一次回执", "分钟"),
    _console("SMS_PUSH_SECRET", "secret", "", "无（不接收推送）", "平台推送回执的地址中的密钥（至少 24 个字符）"),
    _console("SMS_PUSH_SECRET_FILE", "path", "", "无（不接收推送）", "保存回执推送密钥的文件（读第一行）"),
    # The SMS platform (jiaozao sms and the console); also KEY=VALUE lines of the file JIAOZAO_SMS_CONFIG names.
    _sms("CONFIG", "path", "", "无", "保存以下设置（含密钥）的 KEY=VALUE 文件，须在项目文件夹以外"),
    _sms("PROVIDER", "choice", "", "无（用短信文件）", "aliyun（阿里云）、tencent（腾讯云）、cmas（中国移动云MAS）"),
    _sms("ENDPOINT", "url", "", "平台的公共地址", "平台地址；不加密的 http 只允许本机地址"),
    _sms("KEY_ID", "text", "", "无", "平台密钥的 ID（阿里云 AccessKey ID，腾讯云 SecretId，云MAS apId）"),
    _sms("KEY_SECRET", "secret", "", "无", "平台密钥（阿里云 AccessKey Secret，腾讯云 SecretKey，云MAS secretKey）"),
    _sms("APP_ID", "text", "", "无", "腾讯云的 SmsSdkAppId，云MAS 的集团客户名称 ecName"),
    _sms("DAILY_CAP", "number", "3", "3", "同一号码每天最多收几条（全局）"),
    _sms("TIMEOUT", "number", "10", "10", "等待平台答复的秒数"),
    # The portal started by uvicorn itself (jiaozao serve sets it, with JIAOZAO_INDEX and JIAOZAO_SITE).
    Setting("JIAOZAO_PORTAL_CONFIG", "path", "", "无（默认的安全设置）", "门户的安全设置文件 portal.yaml", "门户"),
    # Test hooks: read by the code only to make a test's timing deterministic; never set in production.
    Setting("JIAOZAO_TEST_HOLD_BUILD_SECONDS", "number", "", "", "测试用：发布时在生成网站前停几秒", "测试"),
    Setting("JIAOZAO_TEST_BACKEND", "choice", "", "", "测试用：postgresql 让工作台测试改用 PostgreSQL", "测试"),
)  # fmt: skip
_BY_ENV = {setting.env: setting for setting in SETTINGS}


def declared(env: str) -> Setting:
    """Return the setting of a variable; a name not in the table is a programming error (KeyError)."""
    return _BY_ENV[env]


def given(values: Mapping[str, str], env: str, strip: bool = True) -> str:
    """Return a declared variable's text as given in values (the environment, or a settings file's lines); ''."""
    text = values.get(declared(env).env, "")
    return text.strip() if strip else text


def value(values: Mapping[str, str], env: str, strip: bool = True) -> str:
    """Return a declared variable's text as given, else its default."""
    return given(values, env, strip) or _BY_ENV[env].default


def of_group(group: Group) -> tuple[Setting, ...]:
    """Return the settings of one README table, in the table's order."""
    return tuple(setting for setting in SETTINGS if setting.group == group)


def undeclared(names: Iterable[str], prefix: str = "JIAOZAO_", every: bool = False) -> list[tuple[str, str]]:
    """Return each name beginning with prefix (every: each name) that is no setting beginning with it — a typo,
    read by nothing — with the setting it likely means ('' when none is close)."""
    known = {s.env.removeprefix(prefix): s.env for s in SETTINGS if s.env.startswith(prefix)}
    return [
        (name, known[close[0]] if close else "")
        for name in sorted(names)
        if (every or name.startswith(prefix)) and name not in known.values()
        for close in [difflib.get_close_matches(name.removeprefix(prefix), known, n=1, cutoff=0.75)]
    ]
