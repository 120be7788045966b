"""腾讯云短信 (SMS API 2021-01-11): SendSms (200 numbers a call, one set of parameters for all, a result per
number, SessionContext echoed), PullSmsSendStatus and PullSmsSendStatusByPhoneNumber (7 days back), through the
official SDK with no retryer: the send API is not idempotent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models
from tencentcloud.sms.v20210111.sms_client import SmsClient

from generator.sms._errors import surely_unsent
from generator.sms.classify import ACCEPTED, CONFIGURATION, Failure, classify_answer, classify_receipt
from generator.sms.platform import (
    Answer,
    Call,
    PlatformUncertain,
    PlatformUnreachable,
    Receipt,
    lost_call,
    refused_call,
)
from generator.sms.settings import SmsSettings
from portal.rules.china import CHINA

_NETWORK = ("ServerNetworkError", "ClientNetworkError", "ClientError")


class Tencent:
    """The 腾讯云 adapter."""

    name = "腾讯云"
    most = 200
    window = 7
    param_limit = 26  # 通知短信 variables (enterprise accounts); personal accounts allow fewer
    same_params = True

    def __init__(self, settings: SmsSettings):
        parts = urlsplit(settings.endpoint if "://" in settings.endpoint else "https://" + settings.endpoint)
        http = HttpProfile(
            protocol=parts.scheme, endpoint=parts.netloc, reqTimeout=int(settings.timeout) or 1
        )
        self._client = SmsClient(
            Credential(settings.key_id, settings.key_secret), "ap-guangzhou", ClientProfile(httpProfile=http)
        )
        self._app = settings.app_id

    def send(self, call: Call) -> list[Answer]:
        request = models.SendSmsRequest()
        request.PhoneNumberSet = ["+86" + m.phone for m in call.messages]
        request.SmsSdkAppId = self._app
        request.TemplateId = call.template
        request.SignName = call.sign
        request.TemplateParamSet = [value for _, value in call.messages[0].params]
        request.SessionContext = call.out_id
        answer = self._call(lambda: self._client.SendSms(request))
        by_phone = {_local(str(s.PhoneNumber or "")): s for s in answer.SendStatusSet or []}
        answers = []
        for m in call.messages:
            status = by_phone.get(m.phone)
            if status is None:  # not in the answer: the platform did not take it
                answers.append(Answer(m.key, "", Failure(CONFIGURATION, "NoStatus", "答复中没有这个号码")))
                continue
            code, message = str(status.Code or ""), str(status.Message or "")
            kind = classify_answer("tencent", code, message)
            failure = None if kind == ACCEPTED else Failure(kind, code, message)
            answers.append(Answer(m.key, str(status.SerialNo or ""), failure))
        return answers

    def query(self, phone: str, day: date) -> list[Receipt]:
        start = int(datetime.combine(day, time(), CHINA).timestamp())
        end = int(datetime.combine(day + timedelta(days=self.window), time(), CHINA).timestamp())
        found: list[Receipt] = []
        offset = 0
        while True:
            request = models.PullSmsSendStatusByPhoneNumberRequest()
            request.BeginTime, request.EndTime, request.Offset, request.Limit = start, end, offset, 100
            request.PhoneNumber, request.SmsSdkAppId = "+86" + phone, self._app
            answer = self._call(partial(self._client.PullSmsSendStatusByPhoneNumber, request))
            page = [_receipt(s) for s in answer.PullSmsSendStatusSet or []]
            found += page
            if len(page) < 100:
                return found
            offset += 100

    def pull(self) -> list[Receipt]:
        """Return every receipt not pulled yet: the platform gives at most 100 a call, each once."""
        request = models.PullSmsSendStatusRequest()
        request.Limit, request.SmsSdkAppId = 100, self._app
        found: list[Receipt] = []
        while True:
            page = self._call(lambda: self._client.PullSmsSendStatus(request)).PullSmsSendStatusSet or []
            found += [_receipt(s) for s in page]
            if len(page) < 100:
                return found

    def _call(self, run: Callable[[], Any]) -> Any:
        try:
            return run()
        except TencentCloudSDKException as error:
            code, message = str(error.get_code() or ""), str(error.get_message() or "")
            if code in _NETWORK:
                if surely_unsent(error) or "refused" in message.lower():
                    raise PlatformUnreachable(f"无法连接{self.name}短信平台") from None
                raise PlatformUncertain(f"{self.name}短信平台没有答复（{code}）") from None
            raise refused_call("tencent", self.name, code, message) from None
        except Exception as error:
            raise lost_call(self.name, error) from None


def _local(phone: str) -> str:
    return phone[3:] if phone.startswith("+86") else phone


def _receipt(status: models.PullSmsSendStatus) -> Receipt:
    success = str(status.ReportStatus or "").upper() == "SUCCESS"
    description = str(status.Description or "")
    return Receipt(
        _local(str(status.PhoneNumber or status.SubscriberNumber or "")), str(status.SessionContext or ""),
        str(status.SerialNo or ""), classify_receipt(success, description, description), description, description,
    )  # fmt: skip
