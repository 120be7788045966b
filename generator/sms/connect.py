"""The adapter for the configured platform."""

from __future__ import annotations

from generator.sms.platform import Platform
from generator.sms.settings import SmsSettings


def platform_for(settings: SmsSettings) -> Platform:
    """Return the adapter of the settings' provider (the SDK of the others is not even imported)."""
    if settings.provider == "aliyun":
        from generator.sms.aliyun import Aliyun

        return Aliyun(settings)
    if settings.provider == "tencent":
        from generator.sms.tencent import Tencent

        return Tencent(settings)
    from generator.sms.cmas import Cmas

    return Cmas(settings)
