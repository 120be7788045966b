"""Server-side sessions: a random id in an HttpOnly cookie, its hash in the database, a CSRF token each."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from dataclasses import dataclass

from console.store.users import USER_COLUMNS, User, user_of


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str


def _key(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


def start(db: sqlite3.Connection, user: User) -> str:
    """Return the cookie value of a new session for user (a new id at every sign-in)."""
    cookie = secrets.token_urlsafe(32)
    now = time.time()
    db.execute(
        "INSERT INTO sessions (id, user_id, csrf, created, seen) VALUES (?, ?, ?, ?, ?)",
        (_key(cookie), user.id, secrets.token_urlsafe(32), now, now),
    )
    return cookie


def resume(db: sqlite3.Connection, cookie: str, idle: int, longest: int) -> Session | None:
    """Return the live session of a cookie, marking it seen; expired or disabled ones end here."""
    if not cookie or len(cookie) > 100:
        return None
    key, now = _key(cookie), time.time()
    row = db.execute(  # the session and its user in one round trip (each request asks)
        f"SELECT s.csrf, s.created, s.seen, {USER_COLUMNS} FROM sessions s LEFT JOIN users u ON u.id = s.user_id"
        " WHERE s.id = ?",
        (key,),
    ).fetchone()
    if row is None:
        return None
    user = user_of(row) if row["id"] is not None else None
    if user is None or user.disabled or now - row["seen"] > idle or now - row["created"] > longest:
        db.execute("DELETE FROM sessions WHERE id = ?", (key,))
        return None
    if now - row["seen"] > 5:  # one write every few seconds is enough to keep it alive
        db.execute("UPDATE sessions SET seen = ? WHERE id = ?", (now, key))
    return Session(user, row["csrf"])


def end(db: sqlite3.Connection, cookie: str) -> None:
    db.execute("DELETE FROM sessions WHERE id = ?", (_key(cookie),))


def prune(db: sqlite3.Connection, idle: int, longest: int) -> None:
    now = time.time()
    db.execute("DELETE FROM sessions WHERE seen < ? OR created < ?", (now - idle, now - longest))


def login_token(db: sqlite3.Connection, pre_session: str) -> str:
    """Return the sign-in form's CSRF token for a pre-session (the random value of the sign-in cookie).

    An HMAC with the console's own secret: a token taken from one sign-in form is worthless with another
    form's cookie, and nobody can make a matching pair without the console database."""
    return hmac.new(_login_secret(db), pre_session.encode(), hashlib.sha256).hexdigest()


def login_token_matches(db: sqlite3.Connection, pre_session: str, given: str) -> bool:
    return bool(pre_session) and len(pre_session) <= 100 and same_token(login_token(db, pre_session), given)


def _login_secret(db: sqlite3.Connection) -> bytes:
    """Return the secret of sign-in form tokens, made at first use and kept in the database (mode 0600)."""
    read = "SELECT value FROM meta WHERE key = 'login_secret'"
    row = db.execute(read).fetchone()
    if row is None:  # the first one of parallel first starts wins
        db.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('login_secret', ?)", (secrets.token_hex(32),)
        )
        row = db.execute(read).fetchone()
    return bytes.fromhex(row["value"])


def same_token(expected: str, given: str) -> bool:
    """Return whether a submitted CSRF token is the expected one (constant time)."""
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode())
