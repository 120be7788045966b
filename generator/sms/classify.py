"""One classification of what the platforms answer, for all of them: delivered, or which kind of failure.

A send answer or receipt code is looked up in each platform's table first, then by the words of its description
(空号, 停机 …); a failure nothing recognises counts as unreachable (one retry), never as delivered.
"""

from __future__ import annotations

from dataclasses import dataclass

ACCEPTED = "已提交"  # a send answer: the platform took the message
DELIVERED = "已送达"
BAD_NUMBER = "空号"  # 空号, illegal number: permanent
REFUSED = "拒收"  # refused or blacklisted: permanent
UNREACHABLE = "停机或关机"  # 停机, 关机, expired: temporary, one retry on the next working day
FLOW_CONTROL = "流控"  # too many for now: back off to the next working day
CONFIGURATION = "余额或配置"  # quota, balance, signature, template, permission: stops the whole batch
NO_RECEIPT = "未回执"  # no receipt within the platform's query window
PERMANENT = (BAD_NUMBER, REFUSED)

# What the staff should do when a configuration error stops the batch, by the words in the platform's code.
_ADVICE = (
    (
        ("AMOUNT", "BALANCE", "余额", "欠费", "OUT_OF_SERVICE", "Insufficient", "PackageLimit", "FeeCount"),
        "请到短信平台充值或购买套餐包",
    ),
    (("SIGN", "签名"), "请检查 department.yaml 中的“短信签名”是否与平台上审核通过的签名一字不差"),
    (
        ("TEMPLATE", "模板", "Template"),
        "请检查 department.yaml 中的“短信模板编号”“短信模板参数”是否与平台上审核通过的模板一致",
    ),
    (
        (
            "PERMISSION",
            "RAM",
            "AuthFailure",
            "AccessKey",
            "Signature",
            "UnauthorizedOperation",
            "ACCOUNT",
            "鉴权",
            "SdkAppId",
        ),
        "请检查短信平台的密钥（JIAOZAO_SMS_KEY_ID / KEY_SECRET / APP_ID）和账号权限",
    ),
    (
        ("DAY_LIMIT", "DailyLimit", "限额", "Quota", "QUOTA"),
        "今天的发送量已达平台上限，请明天再发或到平台调整限额",
    ),
)

_ALIYUN = {
    "OK": ACCEPTED,
    "isv.MOBILE_NUMBER_ILLEGAL": BAD_NUMBER,
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED": BAD_NUMBER,
    "isv.BLACK_KEY_CONTROL_LIMIT": CONFIGURATION,
    "isv.BUSINESS_LIMIT_CONTROL": FLOW_CONTROL,
    "Throttling.User": FLOW_CONTROL,
    "Throttling": FLOW_CONTROL,
    "isp.RAM_PERMISSION_DENY": CONFIGURATION,
    "isv.AMOUNT_NOT_ENOUGH": CONFIGURATION,
    "isv.OUT_OF_SERVICE": CONFIGURATION,
    "isv.DAY_LIMIT_CONTROL": CONFIGURATION,
    "isv.SMS_SIGNATURE_ILLEGAL": CONFIGURATION,
    "isv.SMS_SIGN_ILLEGAL": CONFIGURATION,
    "isv.SMS_TEMPLATE_ILLEGAL": CONFIGURATION,
    "isv.TEMPLATE_MISSING_PARAMETERS": CONFIGURATION,
    "isv.PARAM_LENGTH_LIMIT": CONFIGURATION,
    "isv.ACCOUNT_NOT_EXISTS": CONFIGURATION,
    "isv.ACCOUNT_ABNORMAL": CONFIGURATION,
    "isv.PRODUCT_UN_SUBSCRIPT": CONFIGURATION,
    "isv.PRODUCT_UNSUBSCRIBE": CONFIGURATION,
    "InvalidAccessKeyId.NotFound": CONFIGURATION,
    "SignatureDoesNotMatch": CONFIGURATION,
    "Forbidden.RAM": CONFIGURATION,
}
_TENCENT = {
    "Ok": ACCEPTED,
    "FailedOperation.PhoneNumberInBlacklist": REFUSED,
    "FailedOperation.PhoneNumberOnBlacklist": REFUSED,
    "InvalidParameterValue.IncorrectPhoneNumber": BAD_NUMBER,
    "UnsupportedOperation.UnsupportedRegion": BAD_NUMBER,
    "LimitExceeded.PhoneNumberDailyLimit": FLOW_CONTROL,
    "LimitExceeded.PhoneNumberOneHourLimit": FLOW_CONTROL,
    "LimitExceeded.PhoneNumberThirtySecondLimit": FLOW_CONTROL,
    "LimitExceeded.PhoneNumberSameContentDailyLimit": FLOW_CONTROL,
    "LimitExceeded.DeliveryFrequencyLimit": FLOW_CONTROL,
    "RequestLimitExceeded": FLOW_CONTROL,
    "LimitExceeded.AppDailyLimit": CONFIGURATION,
    "LimitExceeded.DailyLimit": CONFIGURATION,
    "FailedOperation.InsufficientBalanceInSmsPackage": CONFIGURATION,
    "FailedOperation.ContainSensitiveWord": CONFIGURATION,
    "FailedOperation.SignatureIncorrectOrUnapproved": CONFIGURATION,
    "FailedOperation.TemplateIncorrectOrUnapproved": CONFIGURATION,
    "FailedOperation.TemplateParamSetNotMatchApprovedTemplate": CONFIGURATION,
    "FailedOperation.TemplateUnapprovedOrNotExist": CONFIGURATION,
    "InvalidParameterValue.TemplateParameterLengthLimit": CONFIGURATION,
    "InvalidParameterValue.TemplateParameterFormatError": CONFIGURATION,
    "UnauthorizedOperation.SmsSdkAppIdVerifyFail": CONFIGURATION,
    "UnauthorizedOperation.SerivceSuspendDueToArrears": CONFIGURATION,
    "UnauthorizedOperation.IndividualUserMarketingSmsPermissionDeny": CONFIGURATION,
    "AuthFailure.SecretIdNotFound": CONFIGURATION,
    "AuthFailure.SignatureFailure": CONFIGURATION,
    "AuthFailure.UnauthorizedOperation": CONFIGURATION,
}
_TABLES = {"aliyun": _ALIYUN, "tencent": _TENCENT, "cmas": {}}
# Carrier receipt codes the platforms pass on (CMPP/SGIP), and words of their descriptions.
_RECEIPTS = {
    "DELIVRD": DELIVERED, "DELIVERED": DELIVERED, "0": DELIVERED,
    "MN:0001": BAD_NUMBER, "MK:0012": BAD_NUMBER, "IC:0001": BAD_NUMBER, "UNKNOWN": BAD_NUMBER,
    "MN:0054": UNREACHABLE, "MK:0005": UNREACHABLE, "EXPIRED": UNREACHABLE, "UNDELIV": UNREACHABLE,
    "DB:0141": REFUSED, "MK:0004": REFUSED, "REJECTD": REFUSED, "BLACK": REFUSED,
}  # fmt: skip
_WORDS = (
    (
        (
            "空号",
            "号码不存在",
            "号码错误",
            "号码格式",
            "无效号码",
            "NUMBER_ILLEGAL",
            "IncorrectPhoneNumber",
            "not exist",
            "invalid number",
            "illegal",
        ),
        BAD_NUMBER,
    ),
    (("黑名单", "拒收", "退订", "拦截", "Blacklist", "BLACK", "REJECT", "refused"), REFUSED),
    (("流控", "频率", "LIMIT_CONTROL", "Throttling", "LimitExceeded", "flow"), FLOW_CONTROL),
    (
        (
            "停机",
            "关机",
            "不在服务区",
            "过期",
            "超时",
            "欠费停机",
            "EXPIRED",
            "ABSENT",
            "power off",
            "unreachable",
        ),
        UNREACHABLE,
    ),
)


@dataclass(frozen=True)
class Failure:
    """A platform's answer that is not a success: its class, code and words."""

    kind: str  # one of the classes above
    code: str
    message: str = ""

    def advice(self) -> str:
        """Return what to do about a configuration error that stopped the batch."""
        return next(
            (fix for words, fix in _ADVICE if any(w in self.code or w in self.message for w in words)),
            "请登录短信平台查看账号、签名和模板的状态",
        )


def classify_answer(provider: str, code: str, message: str = "") -> str:
    """Return the class of a send answer's code: ACCEPTED, or a failure (unknown: read by its words, else
    CONFIGURATION, which stops the batch for a person to look)."""
    known = _TABLES[provider].get(code.strip())
    if known is not None:
        return known
    by_words = _by_words(f"{code} {message}")
    return by_words or CONFIGURATION  # an unknown refusal of a whole call: stop and let a person look


def classify_receipt(success: bool, code: str, description: str = "") -> str:
    """Return the class of a receipt: delivered, or which failure (unknown failures: unreachable, one retry)."""
    if success:
        return DELIVERED
    known = _RECEIPTS.get(code.strip().upper())
    if known is not None and known != DELIVERED:
        return known
    found = _by_words(f"{code} {description}")
    return found if found in (BAD_NUMBER, REFUSED, UNREACHABLE) else UNREACHABLE


def _by_words(text: str) -> str | None:
    lowered = text.lower()
    return next((kind for words, kind in _WORDS if any(w.lower() in lowered for w in words)), None)
