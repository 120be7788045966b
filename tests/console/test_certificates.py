"""A department's certificate table: cut from the console's loaded province, or read from its own files — the same."""

from __future__ import annotations

from console.settings import ConsoleSettings
from console.state import certificates, province


def test_the_table_is_the_same_from_the_loaded_province_and_from_the_departments_files(
    settings: ConsoleSettings,
) -> None:
    settings.memory.forget()
    own = certificates.certificates(settings, "anshan")  # nothing loaded yet: its own files
    assert province.loaded_if_ready(settings) is None and len(own) > 50
    province.loaded_day(settings)
    settings.memory.drop(("certificates", "anshan"))
    cut = certificates.certificates(settings, "anshan")
    assert cut == own
    number = next(r.number for r in own if r.number)
    assert certificates.with_number(settings, "anshan", number) == [r for r in own if r.number == number]
    assert certificates.certificates(settings, "nowhere") == []
