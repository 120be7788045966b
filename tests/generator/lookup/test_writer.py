"""The lookup index: an update changes only what changed, equals a fresh build, and never disturbs readers."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from whoosh import index

from generator.config import DEMO_CATALOGS, Settings, default_index_dir
from generator.lookup import writer
from generator.lookup.records import certificate_entries, index_meta
from generator.lookup.writer import IndexWriteError, write_lookup_index
from generator.pipeline import load_inputs
from generator.schedule import compute_schedule
from generator.site.model import SiteConfig
from portal.format import CURRENT_FILE, NUMBERS_FILE, OFFSETS_FILE, RECORDS_FILE
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
