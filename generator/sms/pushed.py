"""Receipts the platforms push to a URL the bureau hosts: each platform's body read into Receipts, and the exact
acknowledgement it expects. 阿里云 SmsReport (a JSON list), 腾讯云's status callback (a JSON list), 云MAS's
status report (one JSON object, or a list of them)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from generator.sms.classify import classify_receipt
from generator.sms.platform import Receipt

# What each platform wants back (body, media type): anything else and it pushes the same receipts again.
ACKNOWLEDGEMENTS = {
    "aliyun": (json.dumps({"code": 0, "msg": "成功"}, ensure_ascii=False), "application/json"),
    "tencent": (json.dumps({"result": 0, "errmsg": "OK"}), "application/json"),
    "cmas": ("ok", "text/plain"),
}


class PushUnreadable(ValueError):
    """A pushed body that is not the platform's receipt format."""


def read_push(provider: str, body: bytes) -> list[Receipt]:
    """Return the receipts in a platform's pushed body; raise PushUnreadable when it is not its format."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise PushUnreadable("回执不是 UTF-8 编码的 JSON") from None
    items = data if isinstance(data, list) else [data]
    if not all(isinstance(i, dict) for i in items):
        raise PushUnreadable("回执应是 JSON 对象或对象的列表")
    read = _READERS[provider]
    receipts = [read(i) for i in items]
    if any(not r.phone for r in receipts):
        raise PushUnreadable("回执缺少手机号码")
    return receipts


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    return "" if value is None else str(value).strip()


def _local(phone: str) -> str:
    for prefix in ("+86", "0086", "86"):
        if phone.startswith(prefix) and len(phone) == len(prefix) + 11:
            return phone[len(prefix) :]
    return phone


def _aliyun(item: dict[str, Any]) -> Receipt:
    success = item.get("success") is True or _text(item, "success").lower() == "true"
    code, words = _text(item, "err_code"), _text(item, "err_msg")
    kind = classify_receipt(success, code, words)
    return Receipt(
        _local(_text(item, "phone_number")), _text(item, "out_id"), _text(item, "biz_id"), kind, code, words
    )


def _tencent(item: dict[str, Any]) -> Receipt:
    success = _text(item, "report_status").upper() == "SUCCESS"
    code, words = _text(item, "errmsg"), _text(item, "description")
    kind = classify_receipt(success, code, words)
    return Receipt(_local(_text(item, "mobile")), _text(item, "ext"), _text(item, "sid"), kind, code, words)


def _cmas(item: dict[str, Any]) -> Receipt:
    status = _text(item, "reportStatus")
    code = _text(item, "errorCode") or status
    kind = classify_receipt(status.upper() == "DELIVRD", code, status)
    return Receipt(_local(_text(item, "mobile")), "", _text(item, "msgGroup"), kind, code, status)


_READERS: dict[str, Callable[[dict[str, Any]], Receipt]] = {
    "aliyun": _aliyun,
    "tencent": _tencent,
    "cmas": _cmas,
}
