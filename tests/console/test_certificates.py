"""A department's certificate table: read from its own files, the same as cut from the province's day."""

from __future__ import annotations

from console.settings import ConsoleSettings
from console.state import certificates
from console.state.inputs import today_of
from generator.workflows.certificates import department_rows, table_rows
from generator.workflows.remind import load_day


def test_the_table_from_the_department_s_own_files_is_its_part_of_the_province_s_day(
    settings: ConsoleSettings,
) -> None:
    settings.memory.forget()
    own = certificates.certificates(settings, "anshan")  # its own files: the console never loads the province
    assert len(own) > 50
    day = load_day(settings.inputs, today_of(settings))
    ledger, catalogs = day.inputs.ledger, day.inputs.catalogs
    assert table_rows(ledger, day.schedule, catalogs, department_rows(ledger, catalogs, "anshan")) == own
    number = next(r.number for r in own if r.number)
    assert certificates.with_number(settings, "anshan", number) == [r for r in own if r.number == number]
    assert certificates.certificates(settings, "nowhere") == []
