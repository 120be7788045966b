"""短信平台设置: JIAOZAO_SMS_* (declared in the one settings table, portal/rules/settings_table.py) from the
environment, or KEY=VALUE lines of the file JIAOZAO_SMS_CONFIG names (outside the project: the secret never goes
into the repository). Without a provider, SMS go by file (短信.csv)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from generator.config import secret_file_values
from generator.problems import JiaozaoError
from portal.rules import settings_table

PREFIX = "JIAOZAO_SMS_"
PROVIDERS = {"aliyun": "阿里云", "tencent": "腾讯云", "cmas": "中国移动云MAS"}
PUBLIC_ENDPOINTS = {
    "aliyun": "https://dysmsapi.aliyuncs.com",
    "tencent": "https://sms.tencentcloudapi.com",
    "cmas": "https://112.35.10.201:28888/sms/tmpsubmit",
}
# What each provider needs besides the endpoint, and what the setting is called on its console.
_NEEDED = {
    "aliyun": {"KEY_ID": "AccessKey ID", "KEY_SECRET": "AccessKey Secret"},
    "tencent": {"KEY_ID": "SecretId", "KEY_SECRET": "SecretKey", "APP_ID": "短信应用 SdkAppId"},
    "cmas": {
        "KEY_ID": "接口用户名 apId",
        "KEY_SECRET": "接口密码 secretKey",
        "APP_ID": "集团客户名称 ecName",
    },
}


class SmsSettingsError(JiaozaoError):
    """SMS platform settings that cannot be used."""


@dataclass(frozen=True)
class SmsSettings:
    """Which platform sends the reminder SMS, where, and with which account."""

    provider: str  # aliyun / tencent / cmas
    endpoint: str  # scheme://host[:port][/path]
    key_id: str
    key_secret: str
    app_id: str
    daily_cap: int  # at most this many messages to one number a day, across the bureau
    timeout: float  # seconds to wait for the platform's answer

    @property
    def platform_name(self) -> str:
        return PROVIDERS[self.provider]

    @property
    def by_whom(self) -> str:
        """Return who a platform's record in the 登记簿 is by, e.g. 短信平台（阿里云）."""
        return f"短信平台（{self.platform_name}）"

    @classmethod
    def read(cls, environ: Mapping[str, str] = os.environ) -> SmsSettings | None:
        """Return the settings, or None when no provider is set (SMS then go by file); every fault is named."""
        values = secret_file_values(
            settings_table.given(environ, PREFIX + "CONFIG"), "短信平台配置文件", "密钥", SmsSettingsError
        )
        values.update({k: v.strip() for k, v in environ.items() if k.startswith(PREFIX)})
        provider = settings_table.given(values, PREFIX + "PROVIDER").lower()
        if not provider or provider == "file":
            return None
        if provider not in PROVIDERS:
            raise SmsSettingsError(
                f"{PREFIX}PROVIDER 的值“{provider}”不认识；可用 aliyun（阿里云）、tencent（腾讯云）、cmas（中国移动云MAS），不设置则生成短信文件"
            )
        faults = [
            f"{PREFIX}{key}（{PROVIDERS[provider]}的 {what}）未设置"
            for key, what in _NEEDED[provider].items()
            if not settings_table.given(values, PREFIX + key)
        ]
        endpoint = settings_table.given(values, PREFIX + "ENDPOINT") or PUBLIC_ENDPOINTS[provider]
        faults += _endpoint_faults(endpoint)
        cap, timeout = _number(values, "DAILY_CAP", faults), _number(values, "TIMEOUT", faults)
        if faults:
            raise SmsSettingsError("短信平台设置有误：" + "；".join(faults))
        return cls(
            provider, endpoint.rstrip("/") if provider != "cmas" else endpoint,
            settings_table.given(values, PREFIX + "KEY_ID"), settings_table.given(values, PREFIX + "KEY_SECRET"),
            settings_table.given(values, PREFIX + "APP_ID"), int(cap), timeout,
        )  # fmt: skip


def _endpoint_faults(endpoint: str) -> list[str]:
    parts = urlsplit(endpoint if "://" in endpoint else "https://" + endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [f"{PREFIX}ENDPOINT 的值“{endpoint}”不是一个网址（如 https://dysmsapi.aliyuncs.com）"]
    if parts.scheme == "http" and not _loopback(parts.hostname):
        return [f"{PREFIX}ENDPOINT 用了不加密的 http，只允许本机地址（127.0.0.1）；请改用 https"]
    return []


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _number(values: Mapping[str, str], key: str, faults: list[str]) -> float:
    text = settings_table.value(values, PREFIX + key)
    default = settings_table.declared(PREFIX + key).default
    try:
        number = float(text)
    except ValueError:
        number = -1
    if number <= 0:
        faults.append(f"{PREFIX}{key} 的值“{text}”应是正数")
        return float(default)
    return number
