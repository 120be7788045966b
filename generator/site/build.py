"""Build the public site beside the published one and swap it in only when everything succeeded."""

from __future__ import annotations

import glob
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from generator.pipeline import Inputs
from generator.problems import JiaozaoError
from generator.schedule import Schedule
from generator.site import pages as site_pages
from generator.site.changes import change_log, read_history, update_history, write_history
from generator.site.config import load_site_config
from generator.site.incremental import (
    Reuse,
    copy_reused,
    department_fingerprints,
    global_fingerprint,
    merge_search_index,
    notice_fingerprints,
    plan,
    unchanged_departments,
    write_manifest,
)  # fmt: skip
from generator.site.model import SiteModel
from generator.site.notices import fill_notices
from generator.site.public import notice_rows
from generator.site.text import footer_facts
from portal.rules.china import CHINA

MKDOCS_FILE = Path(__file__).resolve().parent / "mkdocs.yml"  # package data: found from the code, not the cwd


class SiteBuildError(JiaozaoError):
    """mkdocs refused the generated site (strict mode: a broken link, a missing page)."""


@dataclass(frozen=True)
class SiteResult:
    """What the site stage of a build produced."""

    site_dir: Path
    pages: int
    files: int
    bytes: int
    model: SiteModel
    seconds: dict[str, float]  # time per stage: 生成页面, mkdocs, 填入公告, 换上 (then public), 清理
    reused: int = 0  # pages and files taken unchanged from the previous build


def publish_site(
    inputs: Inputs, schedule: Schedule, catalogs_dir: Path, today: date, site_dir: Path, src_dir: Path,
    *, reuse: bool = True,
) -> SiteResult:  # fmt: skip
    """Render Markdown, run mkdocs, then swap site_src/ and site/ in whole; nothing is loaded here.

    With reuse, pages whose Markdown did not change since the published build keep their HTML (incremental.py).
    """
    clock = _Stopwatch()
    site_dir, src_dir = site_dir.absolute(), src_dir.absolute()  # mkdocs reads paths from its own folder
    previous = read_history(site_dir)
    history = update_history(previous, inputs.catalogs, today)
    # A department left out of this build (its 目录 or 台账 is broken) keeps its change log for its return.
    history.update({slug: previous[slug] for slug in inputs.unusable if slug in previous})
    model = SiteModel(
        today=today,
        config=load_site_config(catalogs_dir),
        catalogs=inputs.catalogs,
        notices=notice_rows(inputs.ledger, schedule, inputs.catalogs, today),
        changes=change_log(history),
        updated_at=today.isoformat(),
    )
    extra = {"jiaozao": {**footer_facts(asdict(model.config)), "updated_at": model.updated_at}}
    fingerprint, notice_hashes = global_fingerprint(MKDOCS_FILE, extra), notice_fingerprints(model)
    department_hashes = department_fingerprints(model, notice_hashes)
    unchanged = unchanged_departments(site_dir, src_dir, fingerprint, department_hashes) if reuse else set()
    with _workspace(site_dir) as work:
        docs, out = work / "docs", work / "site"
        docs.mkdir()
        site_pages.render_docs(model, docs, previous=src_dir, unchanged=unchanged)
        write_history(docs, history)
        carried = [
            name
            for d in inputs.catalogs.departments
            if d.slug in unchanged
            for name in site_pages.department_files(d)
        ]
        reused = plan(site_dir, src_dir, docs, fingerprint, notice_hashes, carried) if reuse else Reuse()
        write_manifest(docs, fingerprint, notice_hashes, department_hashes)
        clock.lap("生成页面")
        _run_mkdocs(model, docs, out, extra, exclude=reused.pages)
        clock.lap("mkdocs")
        copy_reused(reused, site_dir, out)
        fill_notices(model, out, skip=reused.notices)
        merge_search_index(out, site_dir, reused)
        clock.lap("填入公告")
        replaced = [_swap(docs, src_dir), _swap(out, site_dir)]
        clock.lap("换上")  # the new site is public from here on
    for old in replaced:  # only now: removing thousands of files takes seconds the public need not wait for
        shutil.rmtree(old, ignore_errors=True)
    clock.lap("清理")
    files = [p for p in site_dir.rglob("*") if p.is_file()]
    pages = sum(1 for p in files if p.suffix == ".html")
    size = sum(p.stat().st_size for p in files)
    return SiteResult(site_dir, pages, len(files), size, model, clock.laps, len(reused.pages))


class _Stopwatch:
    """Seconds spent in each stage of a build."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


@contextmanager
def _workspace(site_dir: Path) -> Iterator[Path]:
    """Yield a scratch folder on the same disk as the site (so the final renames are atomic); always removed.

    Its name carries this process's id: a build killed before it could clean up leaves one behind, and the next
    build removes every such folder whose process is gone.
    """
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    _clear_stale_workspaces(site_dir)
    prefix = f".{site_dir.name}-build-{os.getpid()}-"
    work = Path(tempfile.mkdtemp(prefix=prefix, dir=site_dir.parent))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


_OLD_STYLE_AGE = 3600  # seconds: a workspace of a build from before process ids were in the name
_OLD_STYLE = re.compile(r"[a-z0-9_]{8}")  # what tempfile.mkdtemp put after the prefix


def _clear_stale_workspaces(site_dir: Path) -> None:
    """Remove the scratch folders of builds that were killed (their process is gone)."""
    prefix = f".{site_dir.name}-build-"
    for folder in site_dir.parent.glob(f"{glob.escape(prefix)}*"):
        if folder.is_dir() and not folder.is_symlink() and _abandoned(folder.name[len(prefix) :], folder):
            shutil.rmtree(folder, ignore_errors=True)


def _abandoned(tail: str, folder: Path) -> bool:
    pid, _, rest = tail.partition("-")
    if not (pid.isdigit() and rest):
        if not _OLD_STYLE.fullmatch(tail):  # another site's folder (say site-build/), not a workspace of ours
            return False
        try:
            return time.time() - folder.stat().st_mtime > _OLD_STYLE_AGE
        except OSError:
            return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False  # alive under another user (or not a pid at all): leave it
    return False


def _run_mkdocs(model: SiteModel, docs: Path, out: Path, extra: dict[str, Any], exclude: set[str]) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    # Pin every date mkdocs writes (sitemap) to --today, so the same inputs give the same bytes.
    epoch = int(datetime.combine(model.today, datetime.min.time(), CHINA).timestamp())
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    messages = _MessageCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(messages)
    try:
        config = load_config(
            str(MKDOCS_FILE), docs_dir=str(docs), site_dir=str(out), nav=site_pages.site_nav(), strict=True,
            extra=extra,
        )  # fmt: skip
        config.plugins["jiaozao-reused"] = _excluding(exclude)
        # jieba (loaded by the search plugin) resets its own logger on import; its chatter is not for staff.
        logging.getLogger("jieba").setLevel(logging.WARNING)
        build(config)
    except (MkDocsException, SystemExit) as error:
        details = "；".join(messages.lines) or str(error)
        raise SiteBuildError(f"网站生成失败（已发布的网站保持不变）：{details}") from None
    finally:
        logger.removeHandler(messages)


def _excluding(names: set[str]) -> Any:
    """Return a mkdocs plugin excluding the files named (relative to docs): their output is reused.

    The same as exclude_docs listing each as "/name", without matching every file against thousands of
    gitignore patterns (seconds for a province's site); it runs first, before any plugin sees the files.
    """
    from mkdocs.plugins import BasePlugin, event_priority
    from mkdocs.structure.files import Files, InclusionLevel

    class Reused(BasePlugin):  # type: ignore[type-arg,no-untyped-call]  # mkdocs: untyped
        @event_priority(100)
        def on_files(self, files: Files, /, *, config: Any) -> Files:
            for file in files:
                if file.src_uri in names:
                    file.inclusion = InclusionLevel.EXCLUDED
            return files

    return Reused()


class _MessageCollector(logging.Handler):
    """Keeps mkdocs' warnings so a failed strict build can say what was wrong."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _swap(new: Path, target: Path) -> Path:
    """Put new in target's place: staged beside it, then two renames; return where the old one now is (for the
    caller to remove)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged, old = target.with_name(f".{target.name}-new"), target.with_name(f".{target.name}-old")
    for leftover in (staged, old):
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        new.rename(staged)
    except OSError:  # another disk: copy next to the target first, so the swap itself stays a rename
        shutil.copytree(new, staged)
    if target.exists():
        target.rename(old)
    try:
        staged.rename(target)
    except OSError:
        if old.exists():
            old.rename(target)
        raise
    return old
