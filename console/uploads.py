"""Uploaded spreadsheets judged by their content, not their name: a real .xlsx or a CSV text, within limits."""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

from generator.workflows.files import active_content, refusal
from portal.rules.text import decode_text

_CHUNK = 1024 * 1024
_REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


class UploadRefused(Exception):
    """An upload the console will not read; the message says why and what to do, in Chinese."""


@dataclass(frozen=True)
class Upload:
    """A checked upload: its bytes, what kind of file it really is, and a name fit only for showing."""

    content: bytes
    ext: str  # "xlsx" or "csv"
    client_name: str
    sha256: str


def shown_name(name: str) -> str:
    """Return the client's file name reduced to something safe to show (never used as a path)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return clean[:100] or "（无文件名）"


def check_upload(
    content: bytes, client_name: str, limit: int, unzip_limit: int, max_rows: int | None = None
) -> Upload:
    """Return the upload when it is a usable .xlsx or .csv; raise UploadRefused otherwise.

    max_rows: rows the file may hold (every sheet together), counted before any cell is parsed.
    """
    if not content:
        raise UploadRefused("没有收到文件，或文件是空的：请选择要上传的 .xlsx 或 .csv 文件")
    if len(content) > limit:
        raise UploadRefused(too_large(limit))
    if content.startswith(b"PK\x03\x04"):
        rows = _check_xlsx(content, unzip_limit, shown_name(client_name))
        ext = "xlsx"
    elif content.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadRefused("这是旧版 Excel（.xls）或加密的文件：请在 Excel/WPS 中另存为 .xlsx 再上传")
    else:
        _check_csv(content)
        rows = content.count(b"\n") + (not content.endswith(b"\n"))
        ext = "csv"
    if max_rows is not None and rows > max_rows:
        raise UploadRefused(
            f"文件“{shown_name(client_name)}”有约 {rows:,} 行，超过每个文件 {max_rows:,} 行的上限：请删去多余的行或工作表，"
            "或按科室分成几个文件后再上传"
        )
    return Upload(content, ext, shown_name(client_name), hashlib.sha256(content).hexdigest())


def too_large(limit: int) -> str:
    return f"文件太大：最大 {limit // (1024 * 1024)} MB。请删去多余的工作表或另存为 .csv 再上传"


def _check_xlsx(content: bytes, unzip_limit: int, shown: str) -> int:
    """Check a workbook and return how many rows its sheets hold."""
    broken = "文件已损坏或不是 Excel 工作簿：请用 Excel/WPS 打开后另存为 .xlsx 再上传"
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            names = set(book.namelist())
            if not all(part in names for part in _REQUIRED_PARTS):
                raise UploadRefused(
                    "这不是 Excel 工作簿（.xlsx）：请在 Excel/WPS 中另存为 .xlsx 或 .csv 再上传"
                )
            rows = _unpack_within(book, unzip_limit)
            if found := active_content(book):  # macros, external links, DDE/web formulas: never parsed
                raise UploadRefused(refusal(shown, found))
            return rows
    except UploadRefused:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
    ):
        raise UploadRefused(broken) from None


def _unpack_within(book: zipfile.ZipFile, unzip_limit: int) -> int:
    """Decompress every part, counting what comes out: a zip bomb stops at the limit, not at the disk's end.

    Return the rows the sheets hold (their <row> elements).
    """
    total = rows = 0
    for info in book.infolist():
        if info.file_size > unzip_limit:
            raise UploadRefused(_bomb(unzip_limit))
        sheet = info.filename.lower().startswith("xl/worksheets/")
        with book.open(info) as part:  # CRC is checked at the end of each part: a damaged file fails here
            while chunk := part.read(_CHUNK):
                if sheet:  # a <row cut between two chunks goes uncounted: the limit is a bound, not a tally
                    rows += chunk.count(b"<row ") + chunk.count(b"<row>")
                total += len(chunk)
                if total > unzip_limit:
                    raise UploadRefused(_bomb(unzip_limit))
    return rows


def _bomb(unzip_limit: int) -> str:
    return (
        f"文件解压后超过 {unzip_limit // (1024 * 1024)} MB，可能是恶意构造的压缩文件，已拒绝。"
        "如确是台账，请另存为 .csv 再上传"
    )


def _check_csv(content: bytes) -> None:
    text = decode_text(content)
    if text is None:
        raise UploadRefused(
            "文件既不是 Excel 工作簿，也不是 UTF-8 或 GBK 编码的 CSV：请另存为 .xlsx 或“CSV UTF-8”再上传"
        )
    controls = sum(1 for ch in text[:_CHUNK] if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    if controls:
        raise UploadRefused("文件含有不可见的控制字符，不是表格文本：请另存为 .xlsx 或“CSV UTF-8”再上传")
    if "," not in text and "\t" not in text:
        raise UploadRefused("文件里没有用逗号分隔的列，不是 CSV 表格：请另存为 .xlsx 或“CSV UTF-8”再上传")
