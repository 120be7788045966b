"""电子邮件提醒: SMTP settings from the environment (never the repository), sending with every failure reported.

Settings: JIAOZAO_SMTP_HOST, _PORT (25; 465 means SSL), _STARTTLS (1/0), _USER, _PASSWORD, _FROM, _TIMEOUT
(seconds, 10), declared in the one settings table (portal/rules/settings_table.py) — from the environment, or
KEY=VALUE lines of the file JIAOZAO_SMTP_CONFIG names, which must lie outside the project. Without a host nothing
is sent: there is no default server.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import TypeVar

from generator.config import secret_file_values
from generator.ledger.identifiers import is_email_address
from generator.problems import JiaozaoError
from generator.reminders.due import HolderGroup
from generator.reminders.email_text import email_body, email_subject
from portal.rules import settings_table
from portal.rules.text import yes_no

PREFIX = "JIAOZAO_SMTP_"
_N = TypeVar("_N", int, float)


class MailError(JiaozaoError):
    """SMTP settings that cannot be used."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send email."""

    host: str
    port: int
    starttls: bool
    user: str
    password: str
    sender: str
    timeout: float

    @classmethod
    def read(cls, environ: Mapping[str, str] = os.environ) -> SmtpSettings | None:
        """Return the settings, or None when no host is configured (then email is not sent)."""
        values = secret_file_values(
            settings_table.given(environ, PREFIX + "CONFIG"), "SMTP 配置文件", "密码", MailError
        )
        values.update({k: v for k, v in environ.items() if k.startswith(PREFIX)})
        host = settings_table.given(values, PREFIX + "HOST")
        if not host:
            return None
        sender = settings_table.given(values, PREFIX + "FROM")
        if not is_email_address(sender):
            raise MailError(
                f"已设置 {PREFIX}HOST，但 {PREFIX}FROM（发件地址）未设置或不是一个邮箱地址（如 jiaozao@example.gov.cn）"
            )
        return cls(
            host=host,
            port=_number(values, "PORT", int),
            starttls=yes_no(settings_table.value(values, PREFIX + "STARTTLS", strip=False)) is True,
            user=settings_table.given(values, PREFIX + "USER"),
            password=settings_table.given(values, PREFIX + "PASSWORD", strip=False),
            sender=sender,
            timeout=_number(values, "TIMEOUT", float),
        )


def _number(values: Mapping[str, str], key: str, kind: Callable[[str], _N]) -> _N:
    text = settings_table.value(values, PREFIX + key)
    try:
        return kind(text)
    except ValueError:
        raise MailError(f"{PREFIX}{key} 的值“{text}”不是数字") from None


def header_text(text: str) -> str:
    """Return text fit for a mail header: one line, without control or format characters."""
    return " ".join(
        "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text).split()
    )


def compose(group: HolderGroup, sender: str, today: date) -> EmailMessage:
    """Return the reminder email to one holder; an address that is not exactly one mailbox raises MailError."""
    to = group.email.strip()
    if not is_email_address(to):
        raise MailError(f"“{header_text(to)}”不是一个有效的邮箱地址，不发送")
    message = EmailMessage()
    message["Subject"] = header_text(email_subject(group))
    message["From"] = formataddr((header_text(group.department.name), sender))
    message["To"] = to
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid("jiaozao", domain=sender.rpartition("@")[2])
    message.set_content(email_body(group, today))
    return message


@dataclass(frozen=True)
class Outcome:
    """What became of one email: sent, or the reason it was not."""

    group: HolderGroup
    message: EmailMessage
    error: str  # "" when sent


def send_all(settings: SmtpSettings, messages: list[tuple[HolderGroup, EmailMessage]]) -> list[Outcome]:
    """Send each message; a refused, timed-out or dropped one is reported and the rest still tried."""
    outcomes, client = [], None
    try:
        for index, (group, message) in enumerate(messages):
            try:
                to = str(message["To"] or "")
                if not is_email_address(to):  # never more than the one mailbox the ledger gave
                    outcomes.append(
                        Outcome(group, message, f"收件地址“{header_text(to)}”不是一个有效的邮箱地址，未发送")
                    )
                    continue
                if client is None:
                    client = _connect(settings)
                client.send_message(message, to_addrs=[to])
                outcomes.append(Outcome(group, message, ""))
            except smtplib.SMTPResponseException as error:
                outcomes.append(Outcome(group, message, _refusal(error.smtp_code, error.smtp_error)))
                client = _reset(client)
            except smtplib.SMTPRecipientsRefused as error:
                code, text = next(iter(error.recipients.values()))
                outcomes.append(Outcome(group, message, _refusal(code, text)))
                client = _reset(client)
            except (smtplib.SMTPException, OSError) as error:
                reason = _failure(error)
                outcomes.append(Outcome(group, message, reason))
                _close(client)
                client = None
                if (
                    isinstance(error, smtplib.SMTPConnectError | ConnectionRefusedError)
                    or "无法连接" in reason
                ):
                    rest = messages[index + 1 :]
                    outcomes += [Outcome(g, m, reason) for g, m in rest]
                    break
    finally:
        _close(client)
    return outcomes


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    try:
        if settings.port == 465:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    except (smtplib.SMTPException, OSError) as error:
        raise ConnectionRefusedError(
            f"无法连接邮件服务器 {settings.host}:{settings.port}（{_failure(error)}）"
        ) from error
    if settings.starttls:
        client.starttls(context=ssl.create_default_context())
    if settings.user:
        client.login(settings.user, settings.password)
    return client


def _reset(client: smtplib.SMTP | None) -> smtplib.SMTP | None:
    """Return the connection ready for the next message, or None when it has to be opened again."""
    if client is None:
        return None
    try:
        client.rset()
        return client
    except (smtplib.SMTPException, OSError):
        _close(client)
        return None


def _close(client: smtplib.SMTP | None) -> None:
    if client is None:
        return
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _refusal(code: int, text: bytes | str) -> str:
    shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"邮件服务器拒收（{code} {shown.strip()}）"


def _failure(error: BaseException) -> str:
    if isinstance(error, ConnectionRefusedError) and error.args and isinstance(error.args[0], str):
        return error.args[0]
    if isinstance(error, TimeoutError):
        return "连接超时"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "邮件服务器断开了连接"
    return f"{type(error).__name__}: {error}"
