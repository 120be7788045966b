"""The lookup index as `jiaozao build` writes it and the portal reads it: one format, owned by the reader.

A portal data folder holds numbered generations (gen-000001/, …) and a CURRENT file naming the one in use.
Each generation holds
- a Whoosh index of organisations' certificates, for full-text search by holder or certificate name;
- a number table for exact lookups of every certificate (persons included): numbers.u64 (sorted 64-bit
  digests of the lookup keys), offsets.u64 (where each record starts in records.txt, plus the end) and
  records.txt (one "key<TAB>record" line each, in digest order); a lookup is one binary search;
- meta.json: departments, catalogue items, site settings and the build date.
Only facts the public site already shows are stored: a natural person's name and number are masked;
their full number is kept only as the lookup key of the number table (never returned).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from whoosh import fields
from whoosh.analysis import Token, Tokenizer

from portal.rules.text import drop_invisible, fold_digits, normalize_name

FORMAT_VERSION = 3  # 3: holders and certificate names searched by normalize_name (no quotation marks)
CURRENT_FILE = "CURRENT"
META_FILE = "meta.json"
NUMBERS_FILE, OFFSETS_FILE, RECORDS_FILE = "numbers.u64", "offsets.u64", "records.txt"
GENERATION_PREFIX = "gen-"
MAX_NUMBER_LENGTH = 64
MIN_QUERY_LENGTH = 2

_DROPPED_IN_NUMBERS = re.compile(r"[\s\-‐‑‒–—―−_]+")
_PLAIN = re.compile(r"[A-Z0-9]{1,64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class MalformedInput(ValueError):
    """A number or query that cannot be looked up as typed (too long, control characters, empty)."""


def normalize_number(text: str) -> str:
    """Return the lookup key of a certificate number: full-width and Unicode digits folded, spaces, hyphens and
    invisible format characters dropped, upper case.

    Raises MalformedInput for input no certificate number can have.
    """
    if _PLAIN.fullmatch(text):  # the common case, as printed on the certificate: nothing to fold
        return text
    if len(text) > MAX_NUMBER_LENGTH:
        raise MalformedInput(f"证照编号最长 {MAX_NUMBER_LENGTH} 个字符，输入的有 {len(text)} 个")
    if _CONTROL.search(text):
        raise MalformedInput("证照编号中有不可见的控制字符，请重新输入")
    # Copied from a web page or Word, a number carries zero-width spaces, soft hyphens, a BOM: all dropped.
    folded = fold_digits(drop_invisible(unicodedata.normalize("NFKC", text)))
    key = _DROPPED_IN_NUMBERS.sub("", folded).upper()
    if not key:
        raise MalformedInput("请输入证照编号")
    return key


def number_digest(key: str) -> int:
    """Return the 64-bit digest under which a lookup key is filed in the number table."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


def bigrams(text: str) -> list[str]:
    """Return the distinct two-character pieces of an already normalised text (the text itself if shorter)."""
    if len(text) < 2:
        return [text] if text else []
    return list(dict.fromkeys(text[i : i + 2] for i in range(len(text) - 1)))


class BigramTokenizer(Tokenizer):  # type: ignore[misc]
    """Whoosh tokenizer yielding character bigrams: finds every substring, unlike word segmentation."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:  # fmt: skip
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for piece in bigrams(normalize_name(value)):
            token.text, token.boost, token.stopped = piece, 1.0, False
            yield token


def schema() -> fields.Schema:
    """Return the Whoosh schema of a lookup index."""
    return fields.Schema(
        uid=fields.ID(unique=True),  # digest of the stored record: what an incremental update deletes by
        holder=fields.TEXT(
            analyzer=BigramTokenizer(), phrase=False
        ),  # organisations only: persons are not indexed
        item=fields.ID,  # catalogue item id (meta.json "items")
        department=fields.ID,
        record=fields.STORED,
    )


@dataclass(frozen=True)
class IndexRecord:
    """One certificate as stored: public facts and schedule dates (as date ordinals; 0 = none)."""

    number: str  # as the public may see it (masked for a natural person)
    holder: str  # as the public may see it (masked for a natural person)
    person: bool
    item: str  # item id
    expires: int
    first: int
    second: int  # 0 where no second reminder is due (none in the 目录, or renewal applied for)
    deadline: int  # statutory last day to apply for renewal, 0 where the guide gives none
    estimated: bool  # a reminder date is an estimate (估算: holidays not yet published)
    applied: bool  # the holder has applied for renewal

    def encode(self) -> str:
        return "\t".join(
            (
                self.number, self.holder, "1" if self.person else "", self.item, str(self.expires),
                str(self.first), str(self.second), str(self.deadline), "1" if self.estimated else "",
                "1" if self.applied else "",
            )
        )  # fmt: skip

    @classmethod
    def decode(cls, text: str) -> IndexRecord:
        number, holder, person, item, expires, first, second, deadline, estimated, applied = text.split("\t")
        return cls(
            number, holder, person == "1", item, int(expires), int(first), int(second), int(deadline),
            estimated == "1", applied == "1",
        )  # fmt: skip


def clean_field(text: str) -> str:
    """Return a value safe to store in a tab-separated record."""
    return " ".join(text.replace("\t", " ").split())
