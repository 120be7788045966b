"""Build: load → schedule → public site → lookup index, the site swapped in whole and the index by generation."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.config import Settings
from generator.lookup.records import LedgerEntries, index_meta
from generator.lookup.writer import IndexResult, write_lookup_index
from generator.pipeline import Inputs, load_inputs
from generator.schedule import compute_schedule
from generator.site.build import SiteResult, publish_site


@dataclass(frozen=True)
class BuildResult:
    """What a build produced, for the command's summary line."""

    site: SiteResult
    inputs: Inputs
    seconds: dict[str, float]  # time per stage: 读取与排期, 生成页面, mkdocs, 填入公告, 查询索引
    index: IndexResult | None = None  # the portal's lookup index, when one was written

    @property
    def site_dir(self) -> Path:
        return self.site.site_dir

    @property
    def pages(self) -> int:
        return self.site.pages

    @property
    def files(self) -> int:
        return self.site.files

    @property
    def bytes(self) -> int:
        return self.site.bytes

    @property
    def reused(self) -> int:
        return self.site.reused


def build_site(
    settings: Settings, today: date, site_dir: Path | None = None, src_dir: Path | None = None, *,
    reuse: bool = True, index_dir: Path | None = None, with_index: bool | None = None,
) -> BuildResult:  # fmt: skip
    """Load and check everything, then publish the site and (with an index folder) the lookup index.

    Catalogue errors stop the build before anything is written. Paths default to the settings'; the index is
    written when index_dir is given, or with_index is true (then at settings.index).
    """
    started = time.perf_counter()
    site_dir = site_dir or settings.site
    inputs = load_inputs(settings, today)
    schedule = compute_schedule(inputs.ledger, inputs.catalogs, inputs.calendar, today)
    loaded = time.perf_counter() - started
    site = publish_site(
        inputs, schedule, settings.catalogs, today, site_dir, src_dir or settings.src, reuse=reuse
    )
    seconds = {"读取与排期": loaded, **site.seconds}
    index = None
    if index_dir is None and with_index:
        index_dir = settings.index
    if index_dir is not None:
        started = time.perf_counter()
        entries = LedgerEntries(inputs.ledger, schedule, inputs.catalogs)  # made only for changed departments
        meta = index_meta(inputs.catalogs, site.model.config, today, len(entries))
        index = write_lookup_index(index_dir, entries, meta, incremental=reuse)
        seconds["查询索引"] = time.perf_counter() - started
    return BuildResult(site, inputs, seconds, index)
