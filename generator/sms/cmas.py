"""中国移动云MAS over HTTPS: template submit (tmpsubmit) with the md5 `mac`. Only submitting: the platform pushes
receipts to a URL the bureau hosts, which 叫早 does not run yet, so its messages stay 已提交 until the window ends
(then 未回执); nothing is ever sent twice."""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.error
import urllib.request
from datetime import date

from generator.sms._errors import surely_unsent
from generator.sms.classify import CONFIGURATION, FLOW_CONTROL, Failure
from generator.sms.platform import (
    Answer,
    Call,
    PlatformError,
    PlatformUncertain,
    PlatformUnreachable,
    Receipt,
)
from generator.sms.settings import SmsSettings

_FLOW = ("TooManyRequests", "OverFlow", "流控")


def mac(*fields: str) -> str:
    """Return the md5 of the fields joined, as 云MAS checks it (lowercase hex)."""
    return hashlib.md5("".join(fields).encode("utf-8")).hexdigest()


class Cmas:
    """The 中国移动云MAS adapter (submit only)."""

    name = "中国移动云MAS"
    most = 200
    window = 7
    param_limit = 30
    same_params = True

    def __init__(self, settings: SmsSettings):
        self._settings = settings

    def send(self, call: Call) -> list[Answer]:
        s = self._settings
        mobiles = ",".join(m.phone for m in call.messages)
        params = json.dumps([v for _, v in call.messages[0].params], ensure_ascii=False)
        fields = {
            "ecName": s.app_id, "apId": s.key_id, "templateId": call.template, "mobiles": mobiles,
            "params": params, "sign": call.sign, "addSerial": "",
        }  # fmt: skip
        fields["mac"] = mac(s.app_id, s.key_id, s.key_secret, call.template, mobiles, params, call.sign, "")
        body = base64.b64encode(json.dumps(fields, ensure_ascii=False).encode("utf-8"))
        request = urllib.request.Request(s.endpoint, body, {"Content-Type": "text/plain"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=s.timeout) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, OSError, ValueError) as error:
            if surely_unsent(error) or (
                isinstance(error, urllib.error.URLError) and isinstance(error.reason, ConnectionRefusedError)
            ):
                raise PlatformUnreachable(f"无法连接{self.name}") from None
            raise PlatformUncertain(f"{self.name}没有答复（{type(error).__name__}）") from None
        code = str(answer.get("rspcod", ""))
        if not answer.get("success") and code != "success":
            kind = FLOW_CONTROL if any(w in code for w in _FLOW) else CONFIGURATION
            raise PlatformError(Failure(kind, code, ""), self.name)
        group = str(answer.get("msgGroup") or answer.get("mgsGroup") or "")
        return [Answer(m.key, group) for m in call.messages]

    def query(self, phone: str, day: date) -> list[Receipt]:
        return []  # receipts are pushed by 云MAS; not received by 叫早 yet

    def pull(self) -> list[Receipt]:
        return []
