"""The lookup index: an update changes only what changed, equals a fresh build, and never disturbs readers."""

from __future__ import annotations

import json
import shutil
from dataclasses import fields, replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from whoosh import index

from generator.catalog.model import Catalogs
from generator.config import DEMO_CATALOGS, Settings, default_index_dir
from generator.ledger.model import Ledger
from generator.lookup import writer, writer_state
from generator.lookup.records import LedgerEntries, certificate_entries, index_meta
from generator.lookup.writer import IndexWriteError, write_lookup_index
from generator.pipeline import load_inputs
from generator.schedule import Schedule, compute_schedule
from generator.site.model import SiteConfig
from portal.format import CURRENT_FILE, META_FILE, NUMBERS_FILE, OFFSETS_FILE, RECORDS_FILE
from portal.store import Generation

TODAY = date(2026, 11, 23)


def _entries(catalogs: Path) -> list[writer.Entry]:
    inputs = load_inputs(Settings.read(str(catalogs)), TODAY)
    schedule = compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, TODAY)
    return certificate_entries(inputs.ledger, schedule, inputs.catalogs)


@pytest.fixture(scope="module")
def entries() -> list[writer.Entry]:
    return _entries(DEMO_CATALOGS)


def _meta(n: int) -> dict[str, object]:
    from generator.catalog.load import load_catalogs

    catalogs, _ = load_catalogs(DEMO_CATALOGS)
    return index_meta(catalogs, SiteConfig(), TODAY, n)


def _contents(folder: Path) -> list[object]:
    tables = [(folder / name).read_bytes() for name in (NUMBERS_FILE, OFFSETS_FILE, RECORDS_FILE)]
    ix = index.open_dir(str(folder))
    with ix.searcher() as searcher:
        stored = sorted(f["record"] for f in searcher.all_stored_fields())
    return [tuple(stored), tables]


def test_an_update_equals_a_fresh_build(entries: list[writer.Entry], tmp_path: Path) -> None:
    first = write_lookup_index(tmp_path / "a", entries, _meta(len(entries)))
    assert not first.incremental and first.certificates == len(entries)
    changed = [e._replace(record=e.record.__class__(**{**e.record.__dict__, "expires": e.record.expires + 365}))
               for e in entries[:20]]  # fmt: skip
    new = changed + entries[20:-5] + [entries[0]._replace(key="NEW-1")]
    update = write_lookup_index(tmp_path / "a", new, _meta(len(new)))
    assert update.incremental and 0 < update.added < 25 and 0 < update.removed < 30
    fresh = write_lookup_index(tmp_path / "b", new, _meta(len(new)), incremental=False)
    assert _contents(tmp_path / "a" / update.generation) == _contents(tmp_path / "b" / fresh.generation)


def test_readers_of_the_old_generation_are_undisturbed(entries: list[writer.Entry], tmp_path: Path) -> None:
    first = write_lookup_index(tmp_path, entries, _meta(len(entries)))
    old = Generation.open(tmp_path / first.generation)
    key = entries[0].key
    before = old.lookup(key)
    shrunk = entries[1:]
    second = write_lookup_index(tmp_path, shrunk, _meta(len(shrunk)))
    assert (tmp_path / CURRENT_FILE).read_text().strip() == second.generation
    assert old.lookup(key) == before and len(old.numbers) == len(entries)
    assert Generation.open(tmp_path / second.generation).lookup(key) == []


def test_only_the_last_generations_are_kept(entries: list[writer.Entry], tmp_path: Path) -> None:
    for _ in range(5):
        write_lookup_index(tmp_path, entries[:50], _meta(50))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        CURRENT_FILE,
        "gen-000003",
        "gen-000004",
        "gen-000005",
    ]


def test_a_failed_write_leaves_the_current_index(
    entries: list[writer.Entry], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_lookup_index(tmp_path, entries[:50], _meta(50))

    def refuse(work: Path, expected: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "_verify", refuse)
    with pytest.raises(IndexWriteError, match="门户继续使用上一版"):
        write_lookup_index(tmp_path, entries[:40], _meta(40))
    assert (tmp_path / CURRENT_FILE).read_text().strip() == "gen-000001"
    assert sorted(p.name for p in tmp_path.iterdir()) == [CURRENT_FILE, "gen-000001"]


def test_the_index_lives_beside_the_site_not_in_it() -> None:
    assert default_index_dir(Path("/var/www/jiaozao")) == Path("/var/www/jiaozao-index")


def test_demo_catalogs_copy_is_indexed_whole(tmp_path: Path, entries: list[writer.Entry]) -> None:
    shutil.copytree(DEMO_CATALOGS, tmp_path / "c")
    assert len(_entries(tmp_path / "c")) == len(entries) == 2560


# An update makes entries only for departments whose inputs changed, and its files equal a full write's.


def _inputs() -> tuple[Ledger, Schedule, Catalogs]:
    inputs = load_inputs(Settings.read(str(DEMO_CATALOGS)), TODAY)
    return (
        inputs.ledger,
        compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, TODAY),
        inputs.catalogs,
    )


@pytest.fixture(scope="module")
def demo() -> tuple[Ledger, Schedule, Catalogs]:
    return _inputs()


def _rows_of(ledger: Ledger, catalogs: Catalogs, slug: str) -> np.ndarray:  # type: ignore[type-arg]
    departments = np.array([item.department == slug for item in catalogs.items])
    return np.flatnonzero(departments[ledger.item])


def _pick(ledger: Ledger, schedule: Schedule, rows: np.ndarray) -> tuple[Ledger, Schedule]:  # type: ignore[type-arg]
    """Return the ledger and schedule of only these rows."""
    picked = rows.tolist()
    columns = {f.name: getattr(ledger, f.name) for f in fields(ledger) if f.init}
    ledger = replace(ledger, **{
        k: ([v[i] for i in picked] if isinstance(v, list) and k != "files" else v[rows] if isinstance(v, np.ndarray)
            else v) for k, v in columns.items()
    })  # fmt: skip
    schedule = replace(schedule, **{
        f.name: getattr(schedule, f.name)[rows] for f in fields(schedule) if f.name != "today"
    })  # fmt: skip
    return ledger, schedule


def _without(inputs: tuple[Ledger, Schedule, Catalogs], slug: str) -> tuple[Ledger, Schedule, Catalogs]:
    """Return the inputs as if a department and its 台账 had never been there."""
    ledger, schedule, catalogs = inputs
    keep = np.array([item.department != slug for item in catalogs.items])
    ledger, schedule = _pick(ledger, schedule, np.flatnonzero(keep[ledger.item]))
    new_place = np.cumsum(keep) - 1
    ledger.item = new_place[ledger.item]
    return ledger, schedule, Catalogs(catalogs.root, tuple(d for d in catalogs.departments if d.slug != slug))


def _source(inputs: tuple[Ledger, Schedule, Catalogs]) -> LedgerEntries:
    return LedgerEntries(*inputs)


def _write(
    folder: Path, inputs: tuple[Ledger, Schedule, Catalogs], *, incremental: bool = True
) -> writer.IndexResult:
    source = _source(inputs)
    return write_lookup_index(folder, source, index_meta(inputs[2], SiteConfig(), TODAY, len(source)),
                              incremental=incremental)  # fmt: skip


def _public(folder: Path) -> list[object]:
    """Return everything the portal reads of a generation, apart from its name."""
    tables = [(folder / name).read_bytes() for name in (NUMBERS_FILE, OFFSETS_FILE, RECORDS_FILE)]
    ix = index.open_dir(str(folder))
    with ix.searcher() as searcher:
        documents = sorted(tuple(sorted(f.items())) for f in searcher.all_stored_fields())
        count = searcher.doc_count()
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    del meta["generation"]
    return [tables, documents, count, meta]


def _assert_update_equals_full(
    tmp_path: Path, before: tuple[Ledger, Schedule, Catalogs], after: tuple[Ledger, Schedule, Catalogs]
) -> writer.IndexResult:
    _write(tmp_path / "a", before)
    update = _write(tmp_path / "a", after)
    full = _write(tmp_path / "b", after, incremental=False)
    assert update.incremental and not full.incremental
    assert _public(tmp_path / "a" / update.generation) == _public(tmp_path / "b" / full.generation)
    return update


def _counting_entries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the departments whose entries are made."""
    made: list[str] = []
    original = LedgerEntries.entries

    def entries(self: LedgerEntries, department: str) -> list[writer.Entry]:
        made.append(department)
        return original(self, department)

    monkeypatch.setattr(LedgerEntries, "entries", entries)
    return made


def test_nothing_changed_makes_no_entries(
    demo: tuple[Ledger, Schedule, Catalogs], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "a", demo)
    made = _counting_entries(monkeypatch)
    update = _write(tmp_path / "a", demo)
    assert made == [] and update.incremental and update.added == update.removed == 0
    full = _write(tmp_path / "b", demo, incremental=False)
    assert _public(tmp_path / "a" / update.generation) == _public(tmp_path / "b" / full.generation)


def test_an_edited_catalogue_remakes_only_its_department(
    demo: tuple[Ledger, Schedule, Catalogs], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, schedule, catalogs = demo
    rows = _rows_of(ledger, catalogs, "dongli")
    edited = replace(schedule, first=schedule.first.copy(), deadline=schedule.deadline.copy())
    edited.first[rows[::3]] -= 7  # a 首次提醒时限 changed in 东丽's 目录
    edited.deadline[rows[::5]] = 0
    made = _counting_entries(monkeypatch)
    update = _assert_update_equals_full(tmp_path, demo, (ledger, edited, catalogs))
    every = sorted(_source(demo).fingerprints())
    assert made == [*every, "dongli", *every]  # full write, update, full write
    assert update.added > 0 and update.removed > 0


def test_changed_ledger_rows_equal_a_full_write(
    demo: tuple[Ledger, Schedule, Catalogs], tmp_path: Path
) -> None:
    ledger, schedule, catalogs = demo
    rows = _rows_of(ledger, catalogs, "anshan")
    number, holder = list(ledger.number), list(ledger.holder)
    for i in rows[:30].tolist():
        number[i], holder[i] = number[i] + "-9", holder[i] + "分店"
    expires = ledger.expires.copy()
    expires[rows[30:40]] += 365
    changed = replace(ledger, number=number, holder=holder, expires=expires)
    _assert_update_equals_full(tmp_path, demo, (changed, schedule, catalogs))


def test_a_department_added_or_removed_equals_a_full_write(
    demo: tuple[Ledger, Schedule, Catalogs], tmp_path: Path
) -> None:
    ledger, _, catalogs = demo
    sizes = {d.slug: len(_rows_of(ledger, catalogs, d.slug)) for d in catalogs.departments}
    smallest = min(
        (slug for slug, size in sizes.items() if size), key=sizes.__getitem__
    )  # an update, not a rebuild
    smaller = _without(demo, smallest)
    _assert_update_equals_full(tmp_path / "added", smaller, demo)
    update = _assert_update_equals_full(tmp_path / "removed", demo, smaller)
    assert update.removed > 0 and update.added == 0


def test_persons_duplicates_and_certificates_without_numbers(
    demo: tuple[Ledger, Schedule, Catalogs], tmp_path: Path
) -> None:
    ledger, schedule, catalogs = demo
    anshan, dongli = _rows_of(ledger, catalogs, "anshan"), _rows_of(ledger, catalogs, "dongli")
    number, person = list(ledger.number), ledger.person.copy()
    for a, d in zip(anshan[:20].tolist(), dongli[:20].tolist(), strict=True):
        number[d] = number[a]  # one number in two departments
    for i in anshan[20:30].tolist():
        number[i] = ""  # no number: searchable by holder only
    person[dongli[20:40]] = True  # natural persons: masked, looked up by number only
    before = (replace(ledger, number=number, person=person), schedule, catalogs)
    number = list(number)
    for i in dongli[:10].tolist():
        number[i] = number[i].lower() + " "  # the same key, another stored number
    person = person.copy()
    person[dongli[40:45]] = True
    after = (replace(ledger, number=number, person=person), schedule, catalogs)
    update = _assert_update_equals_full(tmp_path, before, after)
    records = (tmp_path / "a" / update.generation / RECORDS_FILE).read_text(encoding="utf-8")
    persons = [line.split("\t") for line in records.splitlines() if line.split("\t")[3] == "1"]
    named = {ledger.holder[i] for i in dongli[20:45].tolist()}
    assert persons and all(fields[2] not in named for fields in persons)


@pytest.mark.parametrize("damage", [writer_state.STATE_FILE, writer_state.UIDS_FILE, writer_state.UID_DEPARTMENTS_FILE,
                                    writer_state.ROW_DEPARTMENTS_FILE, OFFSETS_FILE])  # fmt: skip
@pytest.mark.parametrize("how", ["missing", "corrupt"])
def test_damaged_private_files_mean_a_full_write(
    demo: tuple[Ledger, Schedule, Catalogs], tmp_path: Path, damage: str, how: str
) -> None:
    ledger, schedule, catalogs = demo
    first = _write(tmp_path / "a", demo)
    path = tmp_path / "a" / first.generation / damage
    if how == "missing":
        path.unlink()
    else:
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    rows = _rows_of(ledger, catalogs, "dongli")
    edited = replace(schedule, first=schedule.first.copy())
    edited.first[rows[:50]] -= 7
    update = _write(tmp_path / "a", (ledger, edited, catalogs))
    assert not update.incremental
    full = _write(tmp_path / "b", (ledger, edited, catalogs), incremental=False)
    assert _public(tmp_path / "a" / update.generation) == _public(tmp_path / "b" / full.generation)


def test_fingerprints_follow_only_their_own_department(demo: tuple[Ledger, Schedule, Catalogs]) -> None:
    ledger, schedule, catalogs = demo
    before = _source(demo).fingerprints()
    rows = _rows_of(ledger, catalogs, "anshan")
    holder = list(ledger.holder)
    holder[int(rows[0])] += "x"
    after = _source((replace(ledger, holder=holder), schedule, catalogs)).fingerprints()
    assert {d for d in before if before[d] != after[d]} == {"anshan"}
    smaller = _source(_without(demo, "anshan")).fingerprints()
    assert all(smaller[d] == before[d] for d in smaller) and "anshan" not in smaller
