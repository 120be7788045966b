"""Telling, from a transport error, whether a call surely did not reach the platform."""

from __future__ import annotations

_REFUSED = (
    "Connection refused",
    "ConnectionRefused",
    "Errno 111",
    "NewConnectionError",
    "Name or service not known",
)


def surely_unsent(error: BaseException) -> bool:
    """Return whether the error says the connection was never made (so nothing was sent)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError):
            return True
        text = f"{type(current).__name__} {current}"
        if any(word in text for word in _REFUSED):
            return True
        inner = getattr(current, "inner_exception", None)
        current = inner if isinstance(inner, BaseException) else (current.__cause__ or current.__context__)
    return False
