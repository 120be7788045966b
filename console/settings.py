"""The console's one configuration, read once at start from options, then the environment, then defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from generator.config import Settings
from generator.database.connection import with_statement_timeout
from generator.problems import JiaozaoError
from generator.reminders.mail import SmtpSettings
from generator.sms.settings import SmsSettings
from portal.rules.text import yes_no

DEFAULT_DB = Path("var") / "console.sqlite"
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
            db=Path(db or env.text("DB") or DEFAULT_DB),
            # every connection the console opens starts with the statement timeout (the CLI's do not)
            database_url=with_statement_timeout(inputs.database_url, inputs.database_statement_timeout),
            https=env.flag("HTTPS"),
            upload_limit=env.number("UPLOAD_MB", 50) * _MB,
            unzip_limit=env.number("UNZIP_MB", 1024) * _MB,
            upload_checks=env.number("UPLOAD_CHECKS", os.cpu_count() or 1, "个"),
            upload_rows=env.number("UPLOAD_ROWS", 2_000_000, "行"),
            upload_days=env.number("UPLOAD_DAYS", 90, "天"),
            trusted_proxy=env.text("TRUSTED_PROXY"),
            sso_header=env.text("SSO_HEADER").lower(),
            proxy_secret=env.secret("PROXY_SECRET"),
            public_url=env.text("PUBLIC_URL") or _site_url(inputs),
            smtp=SmtpSettings.read(environ),
            sms=_sms(environ),
            sms_send_at=env.clock("SMS_SEND_AT", time(9, 30)),
            sms_receipt_minutes=env.number("SMS_RECEIPT_MINUTES", 30, "分钟"),
            sms_push_secret=env.secret("SMS_PUSH_SECRET"),
            today=today,
        )


class _Env:
    """JIAOZAO_CONSOLE_* variables with typed casts and Chinese messages."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    def text(self, key: str) -> str:
        return self.environ.get(f"JIAOZAO_CONSOLE_{key}", "").strip()

    def flag(self, key: str) -> bool:
        value = self.text(key)
        answer = yes_no(value) if value else False
        if answer is None:
            raise ConsoleConfigError(f"JIAOZAO_CONSOLE_{key} 的值“{value}”应是 1 或 0")
        return answer

    def secret(self, key: str) -> str:
        """Return the variable KEY, or the first line of the file named by KEY_FILE."""
        named = self.text(key + "_FILE")
        if not named:
            return self.text(key)
        try:
            lines = Path(named).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeError):
            raise ConsoleConfigError(f"JIAOZAO_CONSOLE_{key}_FILE 指定的文件“{named}”无法读取") from None
        return lines[0].strip() if lines else ""

    def number(self, key: str, default: int, unit: str = "MB") -> int:
        value = self.text(key)
        if not value:
            return default
        if not value.isdigit() or int(value) < 1:
            raise ConsoleConfigError(f"JIAOZAO_CONSOLE_{key} 的值“{value}”应是正整数（单位 {unit}）")
        return int(value)

    def clock(self, key: str, default: time) -> time:
        """Return a time of day written HH:MM."""
        value = self.text(key).replace("：", ":")
        if not value:
            return default
        hours, _, minutes = value.partition(":")
        if not (hours.isascii() and hours.isdigit() and minutes.isascii() and minutes.isdigit()):
            raise ConsoleConfigError(f"JIAOZAO_CONSOLE_{key} 的值“{value}”应是“时:分”，如 09:30")
        if int(hours) > 23 or int(minutes) > 59 or len(minutes) != 2:
            raise ConsoleConfigError(f"JIAOZAO_CONSOLE_{key} 的值“{value}”不是一天中的时刻，应如 09:30")
        return time(int(hours), int(minutes))


def _sms(environ: Mapping[str, str]) -> SmsSettings | None:
    """Return the SMS platform settings jiaozao sms reads; a fault stops the console as it stops the command."""
    try:
        return SmsSettings.read(environ)
    except JiaozaoError as error:
        raise ConsoleConfigError(f"{error}；工作台没有启动。") from None


def _site_url(inputs: Settings) -> str:
    """Return the public site's address as the build reads it from site.yaml (网址; / when it is not usable)."""
    from generator.site.config import read_site_config

    return read_site_config(inputs.catalogs)[0].base_url or "/"
