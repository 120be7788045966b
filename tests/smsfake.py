"""A fake SMS platform for the tests: a real HTTP server on 127.0.0.1 speaking 阿里云's RPC style or 腾讯云's TC3
JSON API to the official SDKs, with scripted outcomes (receipts per number, whole-call errors, held requests)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

DELIVERED = "DELIVRD"
NO_RECEIPT = "none"


@dataclass
class Sent:
    """A message the fake platform took."""

    phone: str
    out_id: str
    params: dict[str, str] | list[str]
    sign: str
    template: str
    serial: str


@dataclass
class FakeSms:
    """Scripted platform: receipts[phone] is a carrier code (DELIVRD, MN:0001 …) or NO_RECEIPT."""

    provider: str  # aliyun / tencent
    receipts: dict[str, str] = field(default_factory=dict)
    refuse_call: list[tuple[str, str]] = field(default_factory=list)  # (code, message) for the next calls
    refuse_number: dict[str, str] = field(default_factory=dict)  # tencent: phone → per-number code
    hold_on_call: int = 0  # hold the nth send call (1-based) after taking it, until release is set
    sleep_on_call: tuple[int, float] = (0, 0.0)  # take the nth call, then answer after these seconds
    duplicate_receipts: bool = False
    sent: list[Sent] = field(default_factory=list)
    calls: int = 0
    queries: int = 0
    release: threading.Event = field(default_factory=threading.Event)
    held: threading.Event = field(default_factory=threading.Event)
    _next_pull: int = 0  # receipts before this index of `sent` have been pulled
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> str:
        """Start serving; return the endpoint (http://127.0.0.1:PORT)."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                query = dict(parse_qsl(urlsplit(self.path).query))
                if fake.provider == "aliyun":
                    values = {**query, **dict(parse_qsl(raw))}
                    answer = fake.aliyun(values.get("Action") or self.headers.get("x-acs-action", ""), values)
                else:
                    answer = fake.tencent(self.headers.get("X-TC-Action", ""), json.loads(raw or "{}"))
                if answer is None:
                    return
                data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client is gone (killed, or gave up)

            do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def per_number(self) -> dict[str, int]:
        """Return how many messages each number was sent."""
        counted: dict[str, int] = {}
        for s in self.sent:
            counted[s.phone] = counted.get(s.phone, 0) + 1
        return counted

    def _take_call(self) -> tuple[int, tuple[str, str] | None]:
        with self._lock:
            self.calls += 1
            return self.calls, (self.refuse_call.pop(0) if self.refuse_call else None)

    def _after_taking(self, number: int) -> None:
        if number == self.hold_on_call:
            self.held.set()
            self.release.wait(60)
        if number == self.sleep_on_call[0]:
            time.sleep(self.sleep_on_call[1])

    # 阿里云 ------------------------------------------------------------------------------------------------
    def aliyun(self, action: str, values: dict[str, str]) -> dict[str, Any] | None:
        request_id = f"R{time.monotonic_ns()}"
        if action == "SendBatchSms":
            number, refusal = self._take_call()
            if refusal:
                return {"Code": refusal[0], "Message": refusal[1], "RequestId": request_id}
            phones = json.loads(values["PhoneNumberJson"])
            params = json.loads(values.get("TemplateParamJson") or "[]")
            signs = json.loads(values["SignNameJson"])
            biz = f"B{number}"
            with self._lock:
                for i, phone in enumerate(phones):
                    self.sent.append(
                        Sent(phone, values.get("OutId", ""), params[i], signs[i], values["TemplateCode"], biz)
                    )  # fmt: skip
            self._after_taking(number)
            return {"Code": "OK", "Message": "OK", "BizId": biz, "RequestId": request_id}
        if action == "QuerySendDetails":
            self.queries += 1
            phone = values["PhoneNumber"]
            details = [self._aliyun_detail(s) for s in self.sent if s.phone == phone]
            if self.duplicate_receipts:
                details = details + details[::-1]
            size, page = int(values.get("PageSize", 50)), int(values.get("CurrentPage", 1))
            return {
                "Code": "OK", "Message": "OK", "RequestId": request_id, "TotalCount": len(details),
                "SmsSendDetailDTOs": {"SmsSendDetailDTO": details[(page - 1) * size : page * size]},
            }  # fmt: skip
        return {"Code": "InvalidAction", "Message": action, "RequestId": request_id}

    def _aliyun_detail(self, s: Sent) -> dict[str, Any]:
        code = self.receipts.get(s.phone, DELIVERED)
        status = 1 if code == NO_RECEIPT else (3 if code == DELIVERED else 2)
        return {
            "PhoneNum": s.phone, "SendStatus": status, "ErrCode": "DELIVERED" if status == 3 else ("" if status == 1 else code),
            "TemplateCode": s.template, "Content": json.dumps(s.params, ensure_ascii=False), "SendDate": "2026-11-23 09:00:00",
            "ReceiveDate": "2026-11-23 09:00:05" if status != 1 else "", "OutId": s.out_id,
        }  # fmt: skip

    # 腾讯云 ------------------------------------------------------------------------------------------------
    def tencent(self, action: str, body: dict[str, Any]) -> dict[str, Any] | None:
        request_id = f"T{time.monotonic_ns()}"
        if action == "SendSms":
            number, refusal = self._take_call()
            if refusal:
                return {
                    "Response": {
                        "Error": {"Code": refusal[0], "Message": refusal[1]},
                        "RequestId": request_id,
                    }
                }
            statuses = []
            with self._lock:
                for i, full in enumerate(body["PhoneNumberSet"]):
                    phone = full.removeprefix("+86")
                    serial = f"S{number}-{i}"
                    code = self.refuse_number.get(phone, "Ok")
                    if code == "Ok":
                        self.sent.append(
                            Sent(phone, body.get("SessionContext", ""), body.get("TemplateParamSet", []),
                                 body["SignName"], body["TemplateId"], serial)
                        )  # fmt: skip
                    statuses.append({
                        "SerialNo": serial if code == "Ok" else "", "PhoneNumber": full, "Fee": 1,
                        "SessionContext": body.get("SessionContext", ""), "Code": code,
                        "Message": "send success" if code == "Ok" else code, "IsoCode": "CN",
                    })  # fmt: skip
            self._after_taking(number)
            return {"Response": {"SendStatusSet": statuses, "RequestId": request_id}}
        if action in ("PullSmsSendStatus", "PullSmsSendStatusByPhoneNumber"):
            self.queries += 1
            phone = str(body.get("PhoneNumber", "")).removeprefix("+86")
            if action == "PullSmsSendStatus":  # each receipt pulled once, at most Limit a call
                found = []
                with self._lock:
                    while self._next_pull < len(self.sent) and len(found) < int(body.get("Limit") or 100):
                        s = self.sent[self._next_pull]
                        self._next_pull += 1
                        if self.receipts.get(s.phone, DELIVERED) != NO_RECEIPT:
                            found.append(s)
            else:
                found = [s for s in self.sent if s.phone == phone]
                found = [s for s in found if self.receipts.get(s.phone, DELIVERED) != NO_RECEIPT]
            statuses = [self._tencent_status(s) for s in found]
            if self.duplicate_receipts:
                statuses = statuses + statuses[::-1]
            return {"Response": {"PullSmsSendStatusSet": statuses, "RequestId": request_id}}
        return {"Response": {"Error": {"Code": "InvalidAction", "Message": action}, "RequestId": request_id}}

    def _tencent_status(self, s: Sent) -> dict[str, Any]:
        code = self.receipts.get(s.phone, DELIVERED)
        return {
            "UserReceiveTime": "2026-11-23 09:00:05", "CountryCode": "86", "SubscriberNumber": s.phone,
            "PhoneNumber": "+86" + s.phone, "SerialNo": s.serial, "ReportStatus": "SUCCESS" if code == DELIVERED else "FAIL",
            "Description": "用户短信送达成功" if code == DELIVERED else code, "SessionContext": s.out_id,
        }  # fmt: skip
