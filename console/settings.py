"""The console's one configuration, read once at start from options, then the environment, then defaults.

Every JIAOZAO_CONSOLE_* variable, its type and default, is declared in the one settings table
(portal/rules/settings_table.py); this module casts them, with the console's Chinese messages.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from console.memory import Memory
from generator.config import Settings
from generator.problems import JiaozaoError
from generator.workflows.database import with_statement_timeout
from generator.workflows.remind import SmtpSettings
from generator.workflows.sms import SmsSettings
from portal.rules import settings_table
from portal.rules.text import yes_no

DEFAULT_DB = Path(settings_table.declared("JIAOZAO_CONSOLE_DB").default)  # var/console.sqlite
_MB = 1024 * 1024
MIN_SECRET = 24  # characters of JIAOZAO_CONSOLE_PROXY_SECRET (e.g. `openssl rand -hex 24` gives 48)
PROXY_SECRET_HEADER = "x-jiaozao-proxy-secret"  # nginx: proxy_set_header X-Jiaozao-Proxy-Secret "…";
SMS_EARLIEST, SMS_LATEST = time(8, 0), time(20, 0)  # reminder SMS are sent within these hours, never outside


class ConsoleConfigError(Exception):
    """A console setting that cannot be used; the message says what to change."""


@dataclass(frozen=True)
class ConsoleSettings:
    """Where the console keeps its state and finds the data it publishes, and how it protects itself."""

    inputs: Settings  # 目录 and 台账, as every command reads them
    site: Path  # the published site (jiaozao build --site)
    src: Path  # the generated Markdown (jiaozao build --src)
    index: Path  # the portal's lookup index (jiaozao build --index)
    db: Path = DEFAULT_DB  # users, sessions, audit log, versions, jobs (SQLite)
    database_url: str = ""  # postgresql://…: the same tables in one database many consoles share
    https: bool = False  # behind https: cookies get Secure
    upload_limit: int = 50 * _MB  # bytes per uploaded file
    unzip_limit: int = 1024 * _MB  # uncompressed bytes an .xlsx may hold (zip bombs)
    upload_checks: int = os.cpu_count() or 1  # upload checks at a time in all (one per user)
    upload_rows: int = 2_000_000  # rows an uploaded file may hold (every sheet of an .xlsx together)
    upload_days: int = 90  # days uploads and their reports are kept; older ones are deleted at start
    trusted_proxy: str = ""  # the address whose SSO header and X-Forwarded-For are believed
    sso_header: str = ""  # the header naming the signed-in user (统一身份认证), from the trusted proxy only
    proxy_secret: str = ""  # what nginx sends in PROXY_SECRET_HEADER: proof a request came through it
    public_url: str = "/"  # where the public site is, for links to the pages a publish changed
    idle_seconds: int = 30 * 60
    max_seconds: int = 8 * 60 * 60
    today: date | None = None  # fixed day for tests and demos; None: today in China
    smtp: SmtpSettings | None = None  # the day's emails (JIAOZAO_SMTP_*, as jiaozao remind); None: not sent
    sms: SmsSettings | None = None  # the SMS platform (JIAOZAO_SMS_*, as jiaozao sms); None: SMS go by file
    sms_send_at: time = time(9, 30)  # when the console sends the day's SMS on a working day
    sms_receipt_minutes: int = 30  # how often it asks the platform for receipts
    sms_push_secret: str = ""  # the secret part of /sms/receipts/{provider}/{secret}; empty: no push endpoint
    departments_kept: int = (
        64  # departments whose day and plans are kept in memory (the least recent go first)
    )
    # seconds a page view reuses the state of the input folders another page view took (console/memory.py,
    # looked_at): what the console writes is seen at once, a change made elsewhere within this long
    inputs_recheck: float = 1.0
    # What the console keeps in memory (console/memory.py): made with these settings, never read from
    # anywhere; the app that runs on them holds it as app.state.memory.
    memory: Memory = field(default_factory=Memory, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.sso_header and (not self.trusted_proxy or len(self.proxy_secret) < MIN_SECRET):
            raise ConsoleConfigError(
                "已设置 JIAOZAO_CONSOLE_SSO_HEADER（统一身份认证），但没有设置 JIAOZAO_CONSOLE_TRUSTED_PROXY"
                f"（nginx 的地址）和至少 {MIN_SECRET} 个字符的 JIAOZAO_CONSOLE_PROXY_SECRET（或 "
                "JIAOZAO_CONSOLE_PROXY_SECRET_FILE）：没有它们，本机任何程序都能冒充任何用户登录。"
                "请按 README“工作台”一节设置，并在 nginx 中用 proxy_set_header 发送同一个密钥；工作台没有启动。"
            )
        if not SMS_EARLIEST <= self.sms_send_at <= SMS_LATEST:
            raise ConsoleConfigError(
                f"JIAOZAO_CONSOLE_SMS_SEND_AT 的值“{self.sms_send_at:%H:%M}”不在 08:00 到 20:00 之间："
                "提醒短信不在清早和夜间发送，请改成这段时间内的时刻（如 09:30）；工作台没有启动。"
            )
        if self.sms_push_secret and len(self.sms_push_secret) < MIN_SECRET:
            raise ConsoleConfigError(
                f"JIAOZAO_CONSOLE_SMS_PUSH_SECRET 至少要 {MIN_SECRET} 个字符（可用 openssl rand -hex 24 生成），"
                "否则回执地址容易被猜到；工作台没有启动。"
            )

    @property
    def database(self) -> Path | str:
        """Return where the console's state is: the PostgreSQL URL when one is set, else the SQLite file."""
        return self.database_url or self.db

    @property
    def queue_db(self) -> Path:
        """Return the job queue's SQLite file, beside the console's own."""
        return self.db.with_name(self.db.stem + "-queue.sqlite")

    @classmethod
    def read(
        cls,
        inputs: Settings,
        site: Path,
        src: Path,
        index: Path,
        db: str | None = None,
        environ: Mapping[str, str] = os.environ,
        today: date | None = None,
    ) -> ConsoleSettings:
        """Return settings from the options given, else JIAOZAO_CONSOLE_* variables, else the defaults."""
        env = _Env(environ)
        return cls(
            inputs=inputs,
            site=site,
            src=src,
            index=index,
            db=console_db(db, environ),
            # every connection the console opens starts with the statement timeout (the CLI's do not)
            database_url=with_statement_timeout(inputs.database_url, inputs.database_statement_timeout),
            https=env.flag("JIAOZAO_CONSOLE_HTTPS"),
            upload_limit=env.number("JIAOZAO_CONSOLE_UPLOAD_MB") * _MB,
            unzip_limit=env.number("JIAOZAO_CONSOLE_UNZIP_MB") * _MB,
            upload_checks=env.number("JIAOZAO_CONSOLE_UPLOAD_CHECKS", os.cpu_count() or 1),
            upload_rows=env.number("JIAOZAO_CONSOLE_UPLOAD_ROWS"),
            upload_days=env.number("JIAOZAO_CONSOLE_UPLOAD_DAYS"),
            trusted_proxy=env.text("JIAOZAO_CONSOLE_TRUSTED_PROXY"),
            sso_header=env.text("JIAOZAO_CONSOLE_SSO_HEADER").lower(),
            proxy_secret=env.secret("JIAOZAO_CONSOLE_PROXY_SECRET"),
            public_url=env.text("JIAOZAO_CONSOLE_PUBLIC_URL") or _site_url(inputs),
            smtp=SmtpSettings.read(environ),
            sms=_sms(environ),
            sms_send_at=env.clock("JIAOZAO_CONSOLE_SMS_SEND_AT"),
            sms_receipt_minutes=env.number("JIAOZAO_CONSOLE_SMS_RECEIPT_MINUTES"),
            sms_push_secret=env.secret("JIAOZAO_CONSOLE_SMS_PUSH_SECRET"),
            departments_kept=env.number("JIAOZAO_CONSOLE_DEPARTMENTS_KEPT"),
            today=today,
        )


def console_db(option: str | None = None, environ: Mapping[str, str] = os.environ) -> Path:
    """Return the console's SQLite file: --console-db, else JIAOZAO_CONSOLE_DB, else var/console.sqlite."""
    return Path(option or settings_table.value(environ, "JIAOZAO_CONSOLE_DB"))


class _Env:
    """JIAOZAO_CONSOLE_* variables, declared in the one settings table, with typed casts and Chinese messages."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    def text(self, name: str) -> str:
        return settings_table.value(self.environ, name)

    def flag(self, name: str) -> bool:
        value = self.text(name)
        answer = yes_no(value) if value else False
        if answer is None:
            raise ConsoleConfigError(f"{name} 的值“{value}”应是 1 或 0")
        return answer

    def secret(self, name: str) -> str:
        """Return the variable NAME, or the first line of the file named by NAME_FILE."""
        named = self.text(name + "_FILE")
        if not named:
            return self.text(name)
        try:
            lines = Path(named).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeError):
            raise ConsoleConfigError(f"{name}_FILE 指定的文件“{named}”无法读取") from None
        return lines[0].strip() if lines else ""

    def number(self, name: str, derived: int = 0) -> int:
        """Return a whole number ≥ 1 in the setting's unit; derived stands for a default the table cannot hold."""
        value = settings_table.given(self.environ, name)
        if not value:
            return derived or int(settings_table.declared(name).default)
        if not value.isdigit() or int(value) < 1:
            unit = settings_table.declared(name).unit
            raise ConsoleConfigError(f"{name} 的值“{value}”应是正整数（单位 {unit}）")
        return int(value)

    def clock(self, name: str) -> time:
        """Return a time of day written HH:MM."""
        value = self.text(name).replace("：", ":")
        hours, _, minutes = value.partition(":")
        if not (hours.isascii() and hours.isdigit() and minutes.isascii() and minutes.isdigit()):
            raise ConsoleConfigError(f"{name} 的值“{value}”应是“时:分”，如 09:30")
        if int(hours) > 23 or int(minutes) > 59 or len(minutes) != 2:
            raise ConsoleConfigError(f"{name} 的值“{value}”不是一天中的时刻，应如 09:30")
        return time(int(hours), int(minutes))


def _sms(environ: Mapping[str, str]) -> SmsSettings | None:
    """Return the SMS platform settings jiaozao sms reads; a fault stops the console as it stops the command."""
    try:
        return SmsSettings.read(environ)
    except JiaozaoError as error:
        raise ConsoleConfigError(f"{error}；工作台没有启动。") from None


def _site_url(inputs: Settings) -> str:
    """Return the public site's address as the build reads it from site.yaml (网址; / when it is not usable)."""
    from generator.workflows.facts import site_url

    return site_url(inputs.catalogs)
