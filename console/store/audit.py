"""The append-only audit log (操作日志): who did what, when, from where. Never a password."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from console.store import audit_chain
from portal.rules.china import china_timestamp

ACTIONS = {
    "login": "登录成功",
    "login_failed": "登录失败",
    "logout": "退出",
    "upload_catalog": "上传目录",
    "upload_ledger": "上传台账",
    "publish": "发布",
    "restore": "恢复旧版本",
    "accept_ledger": "接受台账",
    "edit_facts": "修改部门信息",
    "edit_site": "修改网站设置",
    "user_add": "新增用户",
    "user_passwd": "修改密码",
    "user_disable": "停用用户",
    "forbidden": "越权访问被拒绝",
    "refused": "请求被拒绝",
    "refused_left_out": "被拒绝的请求（未逐条记录）",
    "holidays_refused": "放假通知预览发现问题",
    "holidays_import": "导入放假通知",
    "record_reminder": "登记提醒结果",
    "correct_reminder": "更正提醒记录",
    "import_worklist": "导入提醒清单",
    "confirm_sms": "确认短信已上传",
    "send_email": "发送提醒邮件",
    "sms_send": "短信自动发送",
    "sms_receipts": "收取短信回执",
    "sms_stopped": "短信发送停止",
    "sms_push": "短信平台推送回执",
}


def now_text() -> str:
    """Return the current time in China as YYYY-MM-DD HH:MM:SS."""
    return china_timestamp()


@dataclass(frozen=True)
class Entry:
    id: int
    at: str
    user: str
    address: str
    action: str
    department: str
    detail: str

    @property
    def label(self) -> str:
        return ACTIONS.get(self.action, self.action)


def log(
    db: sqlite3.Connection, user: str, address: str, action: str, department: str = "", detail: str = ""
) -> None:
    """Append one entry to the audit log, chained to the one before (console/store/audit_chain.py)."""
    audit_chain.append(db, (now_text(), user, address, action, department, detail))


def search(
    db: sqlite3.Connection,
    user: str = "",
    action: str = "",
    department: str = "",
    limit: int = 200,
    *,
    start: str = "",
    end: str = "",
    offset: int = 0,
) -> list[Entry]:
    """Return the newest entries matching every filter given (empty filters match all), skipping offset of them.

    start and end are days (YYYY-MM-DD), both included.
    """
    where, values = _where(user, action, department, start, end)
    rows = db.execute(
        f"SELECT id, at, user, address, action, department, detail FROM audit{where}"
        " ORDER BY id DESC LIMIT ? OFFSET ?",
        (*values, limit, offset),
    ).fetchall()
    return [Entry(*row) for row in rows]


def count(
    db: sqlite3.Connection,
    user: str = "",
    action: str = "",
    department: str = "",
    *,
    start: str = "",
    end: str = "",
) -> int:
    """Return how many entries match the filters, as search takes them."""
    where, values = _where(user, action, department, start, end)
    return int(db.execute(f"SELECT COUNT(*) FROM audit{where}", values).fetchone()[0])


def _where(user: str, action: str, department: str, start: str, end: str) -> tuple[str, list[object]]:
    clauses, values = [], list[object]()
    for column, value in (("user", user), ("action", action), ("department", department)):
        if value:
            clauses.append(f"{column} = ?")
            values.append(value)
    if start:
        clauses.append("at >= ?")
        values.append(start)
    if end:
        clauses.append("at < ?")
        values.append(
            end + " 99"
        )  # every time of that day: "YYYY-MM-DD HH:MM:SS" sorts below "YYYY-MM-DD 99"
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), values
