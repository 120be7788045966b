"""阿里云短信 (dysmsapi 2017-05-25): SendBatchSms (100 numbers a call, parameters per number) and
QuerySendDetails (what became of the messages to a number on a day, 30 days back), through the official SDK
with its retries off: the send API is not idempotent."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from alibabacloud_dysmsapi20170525 import models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.runtime import RuntimeOptions

from generator.sms.classify import ACCEPTED, CONFIGURATION, Failure, classify_answer, classify_receipt
from generator.sms.platform import (
    Answer,
    Call,
    PlatformError,
    Receipt,
    lost_call,
    refused_call,
)
from generator.sms.settings import SmsSettings

_WAITING, _FAILED, _DELIVERED = 1, 2, 3  # SendStatus of QuerySendDetails


class Aliyun:
    """The 阿里云 adapter."""

    name = "阿里云"
    most = 100
    window = 30
    param_limit = 35  # 通知短信: each variable at most 35 characters
    same_params = False

    def __init__(self, settings: SmsSettings):
        parts = urlsplit(settings.endpoint if "://" in settings.endpoint else "https://" + settings.endpoint)
        milliseconds = int(settings.timeout * 1000)
        self._client = Client(
            Config(
                access_key_id=settings.key_id, access_key_secret=settings.key_secret, endpoint=parts.netloc,
                protocol=parts.scheme, read_timeout=milliseconds, connect_timeout=milliseconds,
            )
        )  # fmt: skip
        self._runtime = RuntimeOptions(
            autoretry=False, max_attempts=0, read_timeout=milliseconds, connect_timeout=milliseconds
        )

    def send(self, call: Call) -> list[Answer]:
        request = models.SendBatchSmsRequest(
            phone_number_json=json.dumps([m.phone for m in call.messages]),
            sign_name_json=json.dumps([call.sign] * len(call.messages), ensure_ascii=False),
            template_code=call.template,
            template_param_json=json.dumps([dict(m.params) for m in call.messages], ensure_ascii=False),
            out_id=call.out_id,
        )
        body = self._call(lambda: self._client.send_batch_sms_with_options(request, self._runtime).body)
        code, message = str(body.code or ""), str(body.message or "")
        if classify_answer("aliyun", code, message) != ACCEPTED:
            raise PlatformError(Failure(classify_answer("aliyun", code, message), code, message), self.name)
        return [Answer(m.key, str(body.biz_id or "")) for m in call.messages]

    def query(self, phone: str, day: date) -> list[Receipt]:
        found: list[Receipt] = []
        page = 1
        while True:
            request = models.QuerySendDetailsRequest(
                phone_number=phone, send_date=day.strftime("%Y%m%d"), page_size=50, current_page=page
            )
            body = self._call(
                partial(self._client.query_send_details_with_options, request, self._runtime)
            ).body
            code = str(body.code or "")
            if code != "OK":
                raise PlatformError(Failure(CONFIGURATION, code, str(body.message or "")), self.name)
            dtos = body.sms_send_detail_dtos.sms_send_detail_dto if body.sms_send_detail_dtos else None
            details = list(dtos or [])
            found += [_receipt(d, phone) for d in details]
            if not details or len(found) >= int(body.total_count or 0):
                return found
            page += 1

    def pull(self) -> list[Receipt]:
        return []  # 阿里云 pushes receipts to MNS or HTTP; 叫早 asks QuerySendDetails instead

    def _call(self, run: Callable[[], Any]) -> Any:
        from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

        try:
            return run()
        except AlibabaCloudException as error:  # an HTTP error with a code: the call was answered, not taken
            code, message = str(error.code or ""), str(getattr(error, "message", "") or "")
            raise refused_call("aliyun", self.name, code, message) from None
        except Exception as error:
            raise lost_call(self.name, error) from None


def _receipt(
    detail: models.QuerySendDetailsResponseBodySmsSendDetailDTOsSmsSendDetailDTO, phone: str
) -> Receipt:
    status = int(detail.send_status or _WAITING)
    code = str(detail.err_code or "")
    kind = "" if status == _WAITING else classify_receipt(status == _DELIVERED, code)
    return Receipt(str(detail.phone_num or phone), str(detail.out_id or ""), "", kind, code)
