"""Every error the console shows: a Chinese page for people, the portal's JSON shape for .json addresses.

{"error": {"status": 403, "code": "forbidden", "message": "…", "hint": "…"}}
"""

from __future__ import annotations

from portal.errors import PortalError


class ConsoleError(PortalError):
    """An error raised in an endpoint and rendered once, at the edge (in the portal's one JSON shape)."""


TITLES = {
    400: "请求有误",
    403: "没有权限",
    404: "没有找到",
    405: "不支持的请求方式",
    413: "文件太大",
    429: "尝试太频繁",
    500: "系统出了点问题",
}


def forbidden(hint: str = "如需访问，请联系本单位的工作台管理员。") -> ConsoleError:
    return ConsoleError(403, "forbidden", "您没有权限查看或修改这里的内容", hint)


def bad_token() -> ConsoleError:
    return ConsoleError(403, "csrf", "表单已失效或来源不明，没有做任何修改", "请回到上一页，刷新后重新提交。")


def not_found(what: str = "这个页面") -> ConsoleError:
    return ConsoleError(404, "not_found", f"没有找到{what}", "请检查网址，或从工作台首页进入。")


def bad_request(message: str, hint: str = "") -> ConsoleError:
    return ConsoleError(400, "bad_request", message, hint)


def too_large(message: str) -> ConsoleError:
    return ConsoleError(413, "too_large", message, "")


def internal() -> ConsoleError:
    return ConsoleError(
        500, "internal", "系统出了点问题，没有做任何修改", "请稍后再试；如果一直这样，请报告给维护人员。"
    )
