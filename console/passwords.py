"""Passwords: argon2id hashes, at least 10 characters, common ones refused; never stored or logged in clear."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
_HASHER = PasswordHasher()  # argon2id with the library's current recommended cost
# A few of the passwords most often found in leaks and most often chosen in offices here.
_COMMON = frozenset(
    [
        "1234567890",
        "0123456789",
        "12345678910",
        "123456789a",
        "1q2w3e4r5t",
        "qwertyuiop",
        "1qaz2wsx3edc",
        "qazwsxedc123",
        "password123",
        "password1234",
        "passw0rd123",
        "administrator",
        "admin12345",
        "admin123456",
        "abc1234567",
        "abcd123456",
        "a123456789",
        "aa12345678",
        "iloveyou123",
        "woaini1314",
        "woaini520",
        "88888888888",
        "66666666666",
        "11111111111",
        "00000000000",
        "zxcvbnm123",
        "asdfghjkl1",
        "qwerty12345",
        "1234qwer!@",
        "p@ssw0rd12",
        "welcome123",
        "changeme123",
        "letmein1234",
        "jiaozao123",
        "jiaozao2026",
        "123123123123",
        "gov12345678",
        "zhengwu1234",
        "shenpi12345",
    ]
)


class WeakPassword(Exception):
    """A password the console refuses; the message says why, in Chinese."""


def check_strength(password: str, user_name: str = "") -> None:
    """Raise WeakPassword for a password that is too short, too common or the user's own name."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"密码至少 {MIN_LENGTH} 个字符")
    lowered = password.lower()
    if lowered in _COMMON or len(set(password)) < 4 or (user_name and user_name.lower() in lowered):
        raise WeakPassword("这个密码太常见或太容易猜到（含用户名、重复字符等），请换一个")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Return whether password matches the stored argon2 hash (never raises for a wrong one)."""
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


# Checked against when the name is unknown, so a wrong name takes as long as a wrong password.
DUMMY_HASH = _HASHER.hash("jiaozao-no-such-user")
