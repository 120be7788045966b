"""Accounts (用户): roles, departments, sign-in with lockout, and the changes administrators make."""

from __future__ import annotations

import enum
import re
import sqlite3
import time
from dataclasses import dataclass

from console.audit import now_text
from console.passwords import DUMMY_HASH, check_strength, hash_password, verify_password

MAX_FAILURES = 5  # wrong passwords in a row before the account is locked
LOCK_SECONDS = 15 * 60
ADDRESS_FAILURES = 20  # failed sign-ins from one address within LOCK_SECONDS before it is throttled
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


def _user(row: sqlite3.Row) -> User:
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
    return [_user(r) for r in db.execute("SELECT * FROM users ORDER BY name").fetchall()]


def find(db: sqlite3.Connection, name: str) -> User | None:
    row = db.execute("SELECT * FROM users WHERE name = ?", (name.strip(),)).fetchone()
    return _user(row) if row else None


def by_id(db: sqlite3.Connection, user_id: int) -> User | None:
    row = db.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    return _user(row) if row else None


def require(db: sqlite3.Connection, name: str) -> User:
    user = find(db, name)
    if user is None:
        raise UserError(f"没有用户“{name}”")
    return user


def authenticate(db: sqlite3.Connection, name: str, password: str, address: str) -> User | None:
    """Return the user when name and password match and neither account nor address is locked out.

    Every failure looks the same to the caller: unknown name, wrong password, locked or disabled.
    """
    now = time.time()
    db.execute("DELETE FROM address_failures WHERE at < ?", (now - LOCK_SECONDS,))
    (recent,) = db.execute("SELECT COUNT(*) FROM address_failures WHERE address = ?", (address,)).fetchone()
    row = db.execute("SELECT * FROM users WHERE name = ?", (name.strip(),)).fetchone()
    matches = verify_password(row["password"] if row else DUMMY_HASH, password)
    if row is not None and matches and recent < ADDRESS_FAILURES:
        user = _user(row)
        if not user.disabled and user.locked_until <= now:
            db.execute("UPDATE users SET failures = 0 WHERE id = ?", (user.id,))
            return user
    db.execute("INSERT INTO address_failures (address, at) VALUES (?, ?)", (address, now))
    if row is not None and not matches:
        failures = row["failures"] + 1
        locked = now + LOCK_SECONDS if failures >= MAX_FAILURES else row["locked_until"]
        db.execute(
            "UPDATE users SET failures = ?, locked_until = ? WHERE id = ?",
            (0 if failures >= MAX_FAILURES else failures, locked, row["id"]),
        )
    return None
