"""The notice as pasted: bytes decoded (UTF-8, UTF-8 with BOM, GBK), text normalised for parsing."""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

from generator.problems import InputError, Problem
from portal.rules.text import decode_text

STDIN = "-"
_FIX_ENCODING = "请在记事本或 WPS 中把通知另存为 UTF-8（或 GBK）编码的 .txt 文件"
EMPTY_FIX = "请把国务院办公厅放假安排通知的全文（从标题到落款日期）粘贴进文件后再导入"


def read_notice_text(source: str) -> tuple[str, str]:
    """Return (text, shown name) of a notice file, or of standard input for '-'."""
    if source == STDIN:
        raw, shown = sys.stdin.buffer.read(), "标准输入"
    else:
        path = Path(source)
        shown = path.name
        if not path.is_file():
            raise InputError([Problem(shown, "找不到这个文件", "请检查文件名和路径")])
        raw = path.read_bytes()
    text = decode_notice(raw, shown)
    if not text.strip():
        raise InputError([Problem(shown, "文件是空的", EMPTY_FIX)])
    return text, shown


def decode_notice(raw: bytes, shown: str) -> str:
    """Return the text of UTF-8 (with or without BOM) or GBK bytes; anything else raises InputError."""
    text = decode_text(raw)
    if text is None:
        raise InputError([Problem(shown, "文件编码无法识别（既不是 UTF-8 也不是 GBK）", _FIX_ENCODING)])
    return text


# Traditional characters of the words the reader looks for, as Hong Kong and Taiwan reprints write them.
_SIMPLIFIED = str.maketrans(
    "調補長慶勞動節國辦發電號週禮農曆與連關於將現務廳開門",
    "调补长庆劳动节国办发电号周礼农历与连关于将现务厅开门",
)


def normalize(text: str) -> str:
    """Return text with full-width forms made half-width and blanks inside lines removed; lines kept."""
    text = (
        unicodedata.normalize("NFKC", text).translate(_SIMPLIFIED).replace("\r\n", "\n").replace("\r", "\n")
    )
    return "\n".join(re.sub(r"[^\S\n]+", "", line) for line in text.split("\n"))
