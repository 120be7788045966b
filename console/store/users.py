"""Accounts (用户): roles, departments, sign-in with lockout, and the changes administrators make."""

from __future__ import annotations

import enum
import re
import sqlite3
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from console.store.audit import now_text
from console.store.passwords import DUMMY_HASH, check_strength, hash_password, verify_in_turn
from generator.workflows.database import dialect

if TYPE_CHECKING:
    from console.store.db import SharedConnection

MAX_FAILURES = 5  # wrong passwords in a row before the account is locked
LOCK_SECONDS = 15 * 60
ADDRESS_FAILURES = 20  # failed sign-ins from one address within LOCK_SECONDS before it is throttled
_TRIES_LOCK = 7_366_437  # pg_advisory_xact_lock key: one sign-in try counted at a time, across processes
_NAME = re.compile(r"^[\w.\-@]{2,40}$")


class Role(enum.Enum):
    """What a user may do: 科员 their own departments, 督查 read everything, 管理员 everything."""

    CLERK = "科员"
    INSPECTOR = "督查"
    ADMIN = "管理员"


class UserError(Exception):
    """A user change the console refuses; the message says why, in Chinese."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role
    departments: tuple[str, ...]
    disabled: bool
    locked_until: float

    def can_read(self, slug: str) -> bool:
        return self.role is not Role.CLERK or slug in self.departments

    def can_change(self, slug: str) -> bool:
        return self.role is Role.ADMIN or (self.role is Role.CLERK and slug in self.departments)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


# what user_of reads, from users as u
USER_COLUMNS = "u.id, u.name, u.role, u.departments, u.disabled, u.locked_until"


def user_of(row: sqlite3.Row) -> User:
    departments = tuple(d for d in row["departments"].split(",") if d)
    return User(
        row["id"], row["name"], Role(row["role"]), departments, bool(row["disabled"]), row["locked_until"]
    )


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip())
    except ValueError:
        raise UserError(f"角色“{text}”不存在，应是 科员、督查 或 管理员") from None


def add_user(
    db: sqlite3.Connection,
    name: str,
    role: Role,
    departments: list[str],
    password: str,
    known: tuple[str, ...],
) -> User:
    """Create an account; raise UserError for a bad name, department or password."""
    name = name.strip()
    if not _NAME.match(name):
        raise UserError("用户名应为 2—40 个字母、数字、汉字或 . - _ @")
    if find(db, name) is not None:
        raise UserError(f"用户名“{name}”已存在")
    unknown = [d for d in departments if d not in known]
    if unknown:
        raise UserError(f"部门代号“{unknown[0]}”不存在，可用的有：{'、'.join(known)}")
    if role is Role.CLERK and not departments:
        raise UserError("科员至少要属于一个部门：请用 --department 部门代号")
    check_strength(password, name)
    db.execute(
        "INSERT INTO users (name, role, departments, password, created_at) VALUES (?, ?, ?, ?, ?)",
        (name, role.value, ",".join(departments), hash_password(password), now_text()),
    )
    user = find(db, name)
    assert user is not None
    return user


def set_password(db: sqlite3.Connection, name: str, password: str) -> None:
    """Change a password (and unlock the account); every session of the user ends."""
    user = require(db, name)
    check_strength(password, name)
    db.execute(
        "UPDATE users SET password = ?, failures = 0, locked_until = 0 WHERE id = ?",
        (hash_password(password), user.id),
    )
    db.execute("DELETE FROM sessions WHERE user_id = ?", (user.id,))


def disable_user(db: sqlite3.Connection, name: str) -> None:
    """Disable an account and end its sessions at once."""
    user = require(db, name)
    db.execute("UPDATE users SET disabled = 1 WHERE id = ?", (user.id,))
    db.execute("DELETE FROM sessions WHERE user_id = ?", (user.id,))


def list_users(db: sqlite3.Connection) -> list[User]:
    return [user_of(r) for r in db.execute("SELECT * FROM users ORDER BY name").fetchall()]


def clerks_departments(db: sqlite3.Connection) -> list[str]:
    """Return the departments of the clerks who can sign in, those of the most recently seen clerk first."""
    rows = db.execute(
        "SELECT u.departments FROM users u LEFT JOIN sessions s ON s.user_id = u.id "
        "WHERE u.role = ? AND u.disabled = 0 GROUP BY u.id, u.departments "
        "ORDER BY COALESCE(MAX(s.seen), 0) DESC, u.id",
        (Role.CLERK.value,),
    ).fetchall()
    return list(dict.fromkeys(d for row in rows for d in row["departments"].split(",") if d))


def find(db: sqlite3.Connection, name: str) -> User | None:
    row = db.execute("SELECT * FROM users WHERE name = ?", (name.strip(),)).fetchone()
    return user_of(row) if row else None


def require(db: sqlite3.Connection, name: str) -> User:
    user = find(db, name)
    if user is None:
        raise UserError(f"没有用户“{name}”")
    return user


async def authenticate(db: sqlite3.Connection, name: str, password: str, address: str) -> User | None:
    """Return the user when name and password match and neither account nor address is locked out.

    Every failure looks the same to the caller: unknown name, wrong password, locked or disabled. A try is
    counted against the address and the account before its password is checked (one statement each), so
    parallel tries cannot slip past the limits; a locked account or throttled address costs no hash at all.
    """
    counted = _count_try(db, name, address)
    if counted is None:
        return None
    row_id, stored, user_id = counted
    matches = await verify_in_turn(stored, password)
    now = time.time()
    if user_id is None:
        return None
    if not matches:  # counted already; the fifth wrong one in a row locks the account
        db.execute(
            "UPDATE users SET failures = 0, locked_until = ? WHERE id = ? AND failures >= ? AND locked_until <= ?",
            (now + LOCK_SECONDS, user_id, MAX_FAILURES, now),
        )
        return None
    signed = db.execute(
        "UPDATE users SET failures = 0 WHERE id = ? AND disabled = 0 AND locked_until <= ? RETURNING *",
        (user_id, now),
    ).fetchall()
    if not signed:
        return None  # locked by a parallel wrong try meanwhile
    db.execute("DELETE FROM address_failures WHERE rowid = ?", (row_id,))
    return user_of(signed[0])


def _count_try(db: sqlite3.Connection, name: str, address: str) -> tuple[int, str, int | None] | None:
    """Count a sign-in try as a failure until its password proves right.

    Return its address_failures row, the hash to check the password against (a dummy one for an unknown
    name, so that takes as long) and the user's id; None when it must be refused without checking.
    """
    now = time.time()
    db.execute("DELETE FROM address_failures WHERE at < ?", (now - LOCK_SECONDS,))
    # One transaction, one at a time: with several sessions (PostgreSQL: a pool, other processes) a try whose
    # number was drawn earlier could still be uncommitted when a later one counts the tries before it.
    with cast("SharedConnection", db).transaction():
        if dialect(db) == "postgresql":
            db.execute(f"SELECT pg_advisory_xact_lock({_TRIES_LOCK})")
        # RETURNING, not lastrowid: the connection is shared, and another thread may insert in between.
        ((row_id,),) = db.execute(
            "INSERT INTO address_failures (address, at) VALUES (?, ?) RETURNING rowid", (address, now)
        ).fetchall()
        (earlier,) = db.execute(  # failures before this one, in the order the database took them
            "SELECT COUNT(*) FROM address_failures WHERE address = ? AND rowid < ?", (address, row_id)
        ).fetchone()
    if earlier >= ADDRESS_FAILURES:
        return None
    found = db.execute("SELECT id, password FROM users WHERE name = ?", (name.strip(),)).fetchone()
    if found is None:
        return row_id, DUMMY_HASH, None
    # One statement: the try is counted, and the one after MAX_FAILURES unchecked ones locks the account.
    counted = db.execute(
        """UPDATE users SET
               failures = CASE WHEN failures >= :most THEN 0 ELSE failures + 1 END,
               locked_until = CASE WHEN failures >= :most THEN :until ELSE locked_until END
           WHERE id = :id AND disabled = 0 AND locked_until <= :now RETURNING failures""",
        {"most": MAX_FAILURES, "until": now + LOCK_SECONDS, "id": found["id"], "now": now},
    ).fetchall()
    if not counted or counted[0]["failures"] == 0:
        return None  # disabled, locked, or locked just now
    return row_id, found["password"], found["id"]
