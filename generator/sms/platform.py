"""What every platform adapter offers: send one call's messages, find what became of messages sent on a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from generator.problems import JiaozaoError
from generator.sms._errors import surely_unsent
from generator.sms.classify import ACCEPTED, CONFIGURATION, Failure, classify_answer


@dataclass(frozen=True)
class Outgoing:
    """One message of a call: the outbox row it is, its number and the template's parameters."""

    key: int  # the outbox row
    phone: str  # 11-digit mobile number
    params: tuple[tuple[str, str], ...]  # template variable → value, in the template's order


@dataclass(frozen=True)
class Call:
    """One submission to the platform: same signature and template; out_id travels as OutId / SessionContext."""

    out_id: str
    sign: str
    template: str
    messages: tuple[Outgoing, ...]


@dataclass(frozen=True)
class Answer:
    """The platform's answer about one message of a call: taken (with its BizId/SerialNo) or refused."""

    key: int
    serial: str = ""
    failure: Failure | None = None


@dataclass(frozen=True)
class Receipt:
    """What the platform knows of a message it took: delivered, failed, or still waiting (kind "")."""

    phone: str
    out_id: str
    serial: str
    kind: str  # DELIVERED, a failure class, or "" while the platform waits for the carrier
    code: str = ""
    description: str = ""


class PlatformError(JiaozaoError):
    """The platform refused a whole call: flow control, or a configuration error that stops the batch."""

    def __init__(self, failure: Failure, platform: str):
        self.failure = failure
        super().__init__(
            f"{platform}拒绝了这批短信：{failure.code}"
            + (f"（{failure.message}）" if failure.message else "")
            + f"。{failure.advice()}"
        )


class PlatformUnreachable(JiaozaoError):
    """The platform could not be reached: nothing of the call was sent."""


class PlatformUncertain(JiaozaoError):
    """The call may or may not have been taken (a timeout, a dropped connection): ask, never send again."""


def refused_call(provider: str, platform: str, code: str, message: str) -> PlatformError:
    """The error for a call the platform answered with an error code: classified once, for every platform (an
    answer that classifies as accepted is still a refusal of the whole call here: configuration)."""
    kind = classify_answer(provider, code, message)
    return PlatformError(Failure(kind if kind != ACCEPTED else CONFIGURATION, code, message), platform)


def lost_call(platform: str, error: BaseException, detail: str = "") -> JiaozaoError:
    """The error for a call that got no answer: unreachable when it surely never left, else uncertain (ask the
    platform, never send again). detail names what was seen (the error's type by default)."""
    seen = detail or type(error).__name__
    if surely_unsent(error):
        return PlatformUnreachable(f"无法连接{platform}短信平台（{seen}）")
    return PlatformUncertain(f"{platform}短信平台没有答复（{seen}）")


class Platform(Protocol):
    """An SMS platform adapter."""

    name: str  # 阿里云 …
    most: int  # numbers a call may carry
    window: int  # days back the platform answers queries about sent messages
    param_limit: int  # characters a template parameter may hold
    same_params: bool  # whether one call carries one set of parameters for all its numbers

    def send(self, call: Call) -> list[Answer]:
        """Send one call; raise PlatformError, PlatformUnreachable or PlatformUncertain when it went wrong."""
        ...

    def query(self, phone: str, day: date) -> list[Receipt]:
        """Return what the platform knows of the messages sent to a number on a day (raises as send does)."""
        ...

    def pull(self) -> list[Receipt]:
        """Return receipts the platform pushes or keeps for pulling (empty where it has none)."""
        ...
