"""Pure-Python text rules the generator, the portal and the console share: invisible characters, clean and one-line
text, staff's text files, safe links."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

# Unicode categories: control, format (U+200B, U+202E, U+00AD, U+FEFF …), line and paragraph separators: what a
# Word line break (vertical tab), a web page (zero-width space, soft hyphen) or a BOM leaves in a cell.
_INVISIBLE = frozenset(("Cc", "Cf", "Zl", "Zp"))
# The same characters as one pattern (Unicode 14, Python 3.11's tables; a test checks the two agree), for
# finding and replacing them at C speed in the millions of cells a ledger has.
INVISIBLE_CHARS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


# What staff's files are saved as: UTF-8 (Excel's "CSV UTF-8" adds a BOM) or, from Chinese Windows, GBK (read as
# its superset GB18030). UTF-8 is tried first: valid UTF-8 is almost never meant as GBK; GBK text rarely decodes as UTF-8.
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


def decode_text(raw: bytes) -> str | None:
    """Return the text of a file staff saved (a CSV, a pasted notice): UTF-8 with or without BOM, or GBK; None if neither."""
    for encoding in TEXT_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def is_invisible(ch: str) -> bool:
    """Say whether ch is a control or format character (zero-width space, soft hyphen, BOM, RTL override …)."""
    return unicodedata.category(ch) in _INVISIBLE


def has_invisible(text: str) -> bool:
    """Return whether text holds a control or format character (fast when it holds none)."""
    return not text.isprintable() and INVISIBLE_CHARS.search(text) is not None


def drop_invisible(text: str) -> str:
    """Return text without control and format characters (line breaks and tabs included)."""
    if text.isprintable():  # the common case: nothing to drop (isprintable is False for Cc/Cf/Z*)
        return text
    return INVISIBLE_CHARS.sub("", text)


# Characters that end a line in Excel (Alt+Enter), Word (vertical tab), old Mac files (CR) or Unicode text (NEL, the
# line and paragraph separators, the information separators str.splitlines() also breaks at).
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_KEPT_IN_TEXT = frozenset("\n\t")
_NAMES = {
    "\n": "换行", "\r": "回车", "\t": "制表符", "\x0b": "垂直制表符（Word 换行）", "\x00": "空字符",
    "\u00ad": "软连字符", "\u200b": "零宽空格", "\ufeff": "BOM", "\u202e": "从右到左覆盖",
    "\u2028": "行分隔符",
}  # fmt: skip


def clean_text(text: str, single_line: bool = True) -> tuple[str, str]:
    """Return text without control and format characters, and which ones were found ('' when none).

    Single-line text (names, numbers, settings): every line break and tab becomes one space, runs of spaces one, no
    blanks around it. Other text keeps its lines: every line break (CR LF as one) becomes a newline, tabs stay.
    """
    found: list[str] = []

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if not single_line and char in _KEPT_IN_TEXT:
            return char
        name = f"U+{ord(char):04X}" + (f" {_NAMES[char]}" if char in _NAMES else "")
        if name not in found:
            found.append(name)
        if char in LINE_BREAKS and not single_line:
            return "" if char == "\r" and text[match.end() : match.end() + 1] == "\n" else "\n"
        return " " if char in LINE_BREAKS or char == "\t" else ""

    cleaned = INVISIBLE_CHARS.sub(replace, text)
    if not found:
        return text, ""
    if single_line:
        cleaned = re.sub(" {2,}", " ", cleaned).strip()
    return cleaned, "、".join(found)


def one_line(text: str) -> str:
    """Return text as a single line: line breaks and tabs become one space, other invisible characters go."""
    if _plain(
        text
    ):  # the common case, checked in C: no whitespace but single inner spaces, nothing invisible
        return text
    spaced = "".join(" " if ch.isspace() else ch for ch in text)
    return " ".join(drop_invisible(spaced).split())


def _plain(text: str) -> bool:
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


# Quotation and book-title marks: a name is the same written with or without them (《食品经营许可证》, “阳光”幼儿园).
_NAME_MARKS = str.maketrans("", "", "《》〈〉<>\"'“”‘’「」『』")


def normalize_name(text: str) -> str:
    """Return a name as compared and searched (catalog names, holders, queries): full-width folded (NFKC), without
    spaces, invisible characters or quotation and book-title marks, case folded."""
    return "".join(
        drop_invisible(unicodedata.normalize("NFKC", text)).translate(_NAME_MARKS).casefold().split()
    )


# What staff put between the items of a list typed as one text (提醒方式: 人工电话通知、短信提醒).
_LIST_SEPARATORS = re.compile(r"[、,，/;；\n]+")


def split_list(text: str) -> tuple[str, ...]:
    """Return the items of a list typed as one text, split at 、 , ， / ; ； or a line break, blanks dropped."""
    return tuple(item for item in (part.strip() for part in _LIST_SEPARATORS.split(text)) if item)


# The one yes/no vocabulary of every setting (YAML files, JIAOZAO_* variables), any case. 1 and 0 only where asked:
# in a YAML file staff edit a number is more likely meant as one (每月叫早: 1, "the 1st"), so there it is an error.
YES = frozenset({"true", "yes", "on", "是"})
NO = frozenset({"false", "no", "off", "否"})


def yes_no(text: str, digits: bool = True) -> bool | None:
    """Return True for a yes word (true yes on 是, and 1 with digits), False for a no word (false no off 否, 0), else None."""
    word = text.strip().lower()
    if digits and word in ("1", "0"):
        return word == "1"
    return True if word in YES else False if word in NO else None


def fold_digits(text: str) -> str:
    """Return text with every Unicode decimal digit (Arabic-Indic, Devanagari, full-width …) as 0-9."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


_URL_FORBIDDEN = frozenset(" \"'<>\\`{}|^")


def is_web_address(text: str) -> bool:
    """Return whether text is an absolute http(s) address with a host (no javascript:, data: or relative paths)."""
    if not text or any(ch in _URL_FORBIDDEN or unicodedata.category(ch)[0] in "CZ" for ch in text):
        return False
    try:
        parts = urlsplit(text)
        _ = parts.port  # a port that is not a number raises here
    except ValueError:
        return False
    has_login = parts.username is not None or parts.password is not None  # https://gov.cn@evil.example/
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not has_login


def is_http_url(url: str) -> bool:
    """Say whether url (blanks around it aside) is an absolute http(s) address, the only kind shown as a link."""
    return is_web_address(url.strip())


def is_local_path(url: str) -> bool:
    """Say whether url is a path on this site (/lookup, lookup, ../x.html): no scheme, no other host."""
    text = url.strip()
    if not text or text.startswith(("//", "\\")) or any(ch.isspace() or is_invisible(ch) for ch in text):
        return False
    if any(ch in "<>\"'`\\" for ch in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return not parts.scheme and not parts.netloc
