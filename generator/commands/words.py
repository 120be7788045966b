"""The command line's own words in Chinese: argparse's usage, headings and error lines (help and errors a
clerk reads at the terminal), put in place before the parser is built."""

from __future__ import annotations

import argparse

WORDS = {
    "usage: ": "用法：",
    "options": "选项",
    "positional arguments": "位置参数",
    "show this help message and exit": "显示这段帮助后退出",
    "show program's version number and exit": "显示版本号后退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n（用 -h 查看用法）\n",
    "the following arguments are required: %s": "缺少必填的参数：%s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "后面需要一个值",
    "expected at most one argument": "后面最多一个值",
    "expected at least one argument": "后面至少需要一个值",
    "invalid choice: %(value)r (choose from %(choices)s)": "不认识“%(value)s”，可用：%(choices)s",
    "invalid %(type)s value: %(value)r": "值“%(value)s”不对",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "one of the arguments %s is required": "以下参数至少要给一个：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "多余的值 %r",
}


def _chinese(text: str) -> str:
    return WORDS.get(text, text)


def _chinese_plural(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "后面需要 %s 个值"
    return singular if n == 1 else plural


def use_chinese() -> None:
    """Make argparse speak Chinese in this process (it looks its words up at the time it writes them)."""
    argparse._ = _chinese  # type: ignore[attr-defined]
    argparse.ngettext = _chinese_plural  # type: ignore[attr-defined]
