"""SQLite's dialect as the code writes it, turned into PostgreSQL's: one place for every difference we bridge.

Only what lies outside quoted text changes: `?` → `%s`, `:name` → `%(name)s`, a bare `user` column → `"user"`
(a keyword in PostgreSQL: unquoted it means the current role), `IFNULL` → `COALESCE`, `INSTR` → `STRPOS`,
x'00' → bytea, `BEGIN IMMEDIATE` → `BEGIN` plus one database-wide write lock (SQLite's single writer, kept),
`INSERT OR IGNORE` / `INSERT OR REPLACE` → `ON CONFLICT`. Every `%` is doubled, since psycopg reads `%` as a placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

WRITE_LOCK = 7_366_431  # pg_advisory_xact_lock key of BEGIN IMMEDIATE: one writer at a time, as in SQLite
_QUOTED = re.compile(r"(?<!\w)[xX]'[0-9A-Fa-f]*'|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
_WORDS = re.compile(
    r"(?<![\w.:\"%])user(?![\w\"(])|\?|(?<![\w:]):([A-Za-z_]\w*)|\bIFNULL\s*\(|\bINSTR\s*\(", re.I
)
_BEGIN = re.compile(r"^\s*BEGIN(\s+(DEFERRED|IMMEDIATE|EXCLUSIVE))?(\s+TRANSACTION)?\s*;?\s*$", re.I)
_OR = re.compile(r"^(\s*)INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+(\w+)\s*\(([^)]*)\)", re.I)
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)", re.I)


@dataclass(frozen=True)
class Statement:
    """One statement in PostgreSQL's dialect, and what the connection must do around it."""

    sql: str
    begins: bool = False  # starts a transaction (the connection holds its thread lock until it ends)
    ends: bool = False  # COMMIT or ROLLBACK
    returns_id: bool = False  # RETURNING id was added: the cursor's lastrowid comes from it


def translate(sql: str, keys: Callable[[str], tuple[str, ...]], identity: Callable[[str], bool]) -> Statement:
    """Return a SQLite statement in PostgreSQL's dialect.

    keys(table) gives a table's primary key columns (for INSERT OR REPLACE), identity(table) whether it has
    an `id` filled in by the database (so INSERT gets RETURNING id, for lastrowid).
    """
    if _BEGIN.match(sql):
        immediate = re.search(r"IMMEDIATE|EXCLUSIVE", sql, re.I) is not None
        lock = f"; SELECT pg_advisory_xact_lock({WRITE_LOCK})" if immediate else ""
        return Statement("BEGIN" + lock, begins=True)
    if re.match(r"^\s*(COMMIT|END|ROLLBACK)(\s+TRANSACTION)?\s*;?\s*$", sql, re.I):
        return Statement(sql, ends=True)
    text = _outside_quotes(sql, _words)
    text, returns_id = _conflicts(text, keys), False
    insert = _INSERT.match(text)
    if insert and identity(insert.group(1).lower()) and not re.search(r"\bRETURNING\b", text, re.I):
        text, returns_id = text.rstrip().rstrip(";") + " RETURNING id", True
    return Statement(text, returns_id=returns_id)


def parameters(values: Any) -> Sequence[Any] | Mapping[str, Any]:
    """Return the parameters as psycopg takes them: a sequence stays, a mapping stays, None is none."""
    if values is None:
        return ()
    if isinstance(values, Mapping):
        return dict(values)
    return tuple(values)


def _outside_quotes(sql: str, change: Callable[[str], str]) -> str:
    """Apply change to the parts of sql outside quoted strings and names; double every % everywhere."""
    out, at = [], 0
    for quoted in _QUOTED.finditer(sql):
        out.append(change(sql[at : quoted.start()].replace("%", "%%")))
        text = quoted.group(0)
        blob = text[0] in "xX"  # x'00ff': a BLOB literal, bytea in PostgreSQL
        out.append(f"'\\x{text[2:-1]}'::bytea" if blob else text.replace("%", "%%"))
        at = quoted.end()
    out.append(change(sql[at:].replace("%", "%%")))
    return "".join(out)


def _words(part: str) -> str:
    def one(found: re.Match[str]) -> str:
        word = found.group(0)
        if word == "?":
            return "%s"
        if found.group(1):
            return f"%({found.group(1)})s"
        if word.lower() == "user":
            return '"user"'
        return "STRPOS(" if word[:5].upper() == "INSTR" else "COALESCE("

    return _WORDS.sub(one, part)


def _conflicts(sql: str, keys: Callable[[str], tuple[str, ...]]) -> str:
    """Return INSERT OR IGNORE / OR REPLACE as INSERT … ON CONFLICT."""
    found = _OR.match(sql)
    if not found:
        return sql
    indent, how, table, columns = found.groups()
    head = f"{indent}INSERT INTO {table} ({columns})"
    rest = sql[found.end() :].rstrip().rstrip(";")
    returning = re.search(r"\sRETURNING\b.*$", rest, re.I | re.S)
    tail = returning.group(0) if returning else ""
    rest = rest[: returning.start()] if returning else rest
    if how.upper() == "IGNORE":
        return f"{head}{rest} ON CONFLICT DO NOTHING{tail}"
    key = keys(table.lower())
    names = [c.strip() for c in columns.split(",")]
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in names if c.strip('"') not in key)
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    return f"{head}{rest} ON CONFLICT ({', '.join(key)}) {action}{tail}"
