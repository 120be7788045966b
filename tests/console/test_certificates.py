"""A department's certificate table: cut from the console's loaded province, or read from its own files — the same."""

from __future__ import annotations

from console import certificates, loaded
from console.settings import ConsoleSettings


def test_the_table_is_the_same_from_the_loaded_province_and_from_the_departments_files(
    settings: ConsoleSettings,
) -> None:
    loaded.forget()
    certificates._tables.clear()
    own = certificates.certificates(settings, "anshan")  # nothing loaded yet: its own files
    assert loaded.loaded_if_ready(settings) is None and len(own) > 50
    loaded.loaded_day(settings)
    certificates._tables.clear()
    cut = certificates.certificates(settings, "anshan")
    assert cut == own
    number = next(r.number for r in own if r.number)
    assert certificates.with_number(settings, "anshan", number) == [r for r in own if r.number == number]
    assert certificates.certificates(settings, "nowhere") == []
