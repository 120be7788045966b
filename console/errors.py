"""Every error the console shows: a Chinese page for people, the portal's JSON shape for .json addresses.

{"error": {"status": 403, "code": "forbidden", "message": "…", "hint": "…"}}

The one place that maps errors to answers: input problems are 400 or 409 with a title, forbidden 403, missing
404; a problem in staff data (a broken 目录 or 台账 on disk) is a 409 naming the department, what is wrong in
clerk words and who can fix it, never a 500.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from generator.problems import DepartmentUnusable, InputError, JiaozaoError, Level, Problem, Unusable
from portal.errors import PortalError


@dataclass
class ConsoleError(PortalError):
    """An error raised in an endpoint and rendered once, at the edge (in the portal's one JSON shape)."""

    details: tuple[str, ...] = ()  # what is wrong, line by line, shown under the message


TITLES = {
    400: "请求有误",
    403: "没有权限",
    404: "没有找到",
    405: "不支持的请求方式",
    409: "数据有误",
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


def from_domain(error: JiaozaoError, fixers: tuple[list[str], list[str]] = ([], [])) -> ConsoleError:
    """Return the answer to an error the generator raised: staff data that cannot be used is a 409.

    fixers: (who may change the department, the administrators), for a department's broken inputs.
    """
    if isinstance(error, DepartmentUnusable):
        return unusable(error.unusable, fixers)
    if isinstance(error, InputError):
        details = tuple(clerk_line(p) for p in _errors_first(error.problems)[:10])
        return ConsoleError(409, "inputs", "目录或台账有错误，这项工作暂时无法完成", _ASK, details=details)
    return ConsoleError(409, "inputs", clerk_text(str(error)), "请按提示修正后再试；没有做任何修改。")


_ASK = "请有修改权限的人员在本部门的“目录”或“台账”页修正；如不清楚，请联系工作台管理员。"


def unusable(found: Unusable, fixers: tuple[list[str], list[str]] = ([], [])) -> ConsoleError:
    """Return the 409 of a department whose 目录 or 台账 cannot be used: what is wrong and who can fix it."""
    staff, admins = fixers
    who = f"本部门有修改权限的人员（{'、'.join(staff)}）" if staff else "本部门有修改权限的人员"
    also = f"；也可请工作台管理员（{'、'.join(admins)}）处理" if admins else "；也可请工作台管理员处理"
    message = f"{found.name}的{found.what}有错误，本部门暂停提醒和统计（其他部门不受影响）"
    details = tuple(clerk_line(p) for p in found.errors[:10])
    hint = f"可以修正的人：{who}在{_where_to_fix(found)}{also}。"
    return ConsoleError(409, "department_data", message, hint, details=details)


def _where_to_fix(found: Unusable) -> str:
    if found.what == "台账":
        return "“台账”页上传改正后的台账"
    if found.errors and file_in_words(found.errors[0].file) in ("部门信息", "办理指南"):
        return "“部门信息”页改正并保存"
    return "“目录”页上传改正后的目录并发布"


def _errors_first(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: p.level is not Level.ERROR)


_FILES = (  # file names staff never need to see, in their words
    (re.compile(r"department\.ya?ml"), "部门信息"),
    (re.compile(r"renewal\.ya?ml"), "办理指南"),
    (re.compile(r"catalog\.(?:xlsx|csv)"), "目录表格"),
    (re.compile(r"holidays\.csv"), "节假日安排"),
    (re.compile(r"--[a-z][a-z-]*"), "设置"),
    (re.compile(r"YAML\s*", re.I), ""),
    (re.compile(r"（[A-Za-z]*(?:Error|Exception)）"), ""),  # the name of a Python exception
)


def clerk_text(text: str) -> str:
    """Return a message with file names, options and format names put in clerk words."""
    for pattern, words in _FILES:
        text = pattern.sub(words, text)
    return text


def clerk_line(problem: Problem) -> str:
    """Return one problem as a clerk reads it: which of her files, where in it, what is wrong, what to do."""
    where = file_in_words(problem.file)
    if problem.sheet:
        where += f"工作表“{problem.sheet}”"
    if problem.row is not None:
        where += f"第 {problem.row} 行"
    if problem.column:
        where += f"“{problem.column}”"
    value = f"（“{problem.value}”）" if problem.value else ""
    return clerk_text(f"{where}{value}：{problem.message}。{problem.fix}")


def file_in_words(file: str) -> str:
    """Return which of the department's files a path is, in the clerk's words (never the path)."""
    name = PurePath(file.replace("\\", "/")).name
    for pattern, words in _FILES[:4]:
        if pattern.fullmatch(name):
            return words
    if name and name == file and "." not in name:  # already in words ("当前台账", "上传的文件 …" keep theirs)
        return file
    if file.startswith(("上传的文件", "当前台账")):
        return file
    return "台账文件" if name else "文件"
