"""Every error the portal returns, in one JSON shape for the API and as a friendly page for people.

{"error": {"status": 404, "code": "not_found", "message": "…", "hint": "…"}}
"""

from __future__ import annotations

from dataclasses import dataclass, field

API_PREFIXES = ("/api/", "/certificates/", "/healthz", "/openapi.json")


@dataclass
class PortalError(Exception):
    """An error a client caused or should know about; raised in endpoints, rendered at the edge."""

    status: int
    code: str
    message: str
    hint: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {
            "error": {"status": self.status, "code": self.code, "message": self.message, "hint": self.hint}
        }


TITLES = {
    400: "请求有误",
    404: "没有找到",
    405: "不支持的请求方式",
    422: "输入有误",
    429: "查询太频繁",
    500: "系统出了点问题",
    503: "查询暂时不可用",
}


def wants_json(path: str) -> bool:
    """Return whether errors on this path are for programs (JSON) rather than people (HTML)."""
    return path.startswith(API_PREFIXES)


def not_found_route() -> PortalError:
    return PortalError(404, "not_found", "没有这个页面", "请检查网址，或回到证照查询页。")


def method_not_allowed() -> PortalError:
    return PortalError(405, "method_not_allowed", "只支持 GET 请求", "本接口只读，请用 GET。")


def internal() -> PortalError:
    return PortalError(500, "internal", "系统出了点问题，请稍后再试", "如果一直这样，请致电发证部门咨询。")


def unavailable() -> PortalError:
    return PortalError(
        503, "index_unavailable", "证照数据正在更新或暂时不可用，请稍后再试",
        "如有急事，请致电发证部门咨询。", {"Retry-After": "60"},
    )  # fmt: skip


def rate_limited(retry_after: int) -> PortalError:
    return PortalError(
        429, "rate_limited", f"查询太频繁，请 {retry_after} 秒后再试", "每个访问者每分钟的查询次数有限，以防批量抓取。",
        {"Retry-After": str(retry_after)},
    )  # fmt: skip


def malformed(message: str) -> PortalError:
    return PortalError(422, "malformed", message, "证照编号由字母、数字等组成，最长 64 个字符。")


def certificate_not_found(number: str) -> PortalError:
    return PortalError(
        404, "not_found", f"没有找到证照编号“{number}”",
        "请核对编号是否完整、字母 O 与数字 0 是否看混；新发的证照要等下一次数据更新才能查到。",
    )  # fmt: skip
