"""The published inputs as a front door reads them between runs: every department's 目录 loaded apart, the
working-day calendar, one department's 台账, and the state of the input files (to know when to load again)."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

from generator.catalog.load import CATALOG_NAMES as CATALOG_NAMES
from generator.catalog.load import CatalogsApart as CatalogsApart
from generator.catalog.load import department_dirs, load_catalogs_apart
from generator.catalog.model import Catalogs as Catalogs
from generator.catalog.model import Department as Department
from generator.config import Settings
from generator.ledger.files import department_of as department_of  # whose 台账 a file is, by its name
from generator.ledger.model import Ledger as Ledger
from generator.pipeline import load_calendar as load_calendar
from generator.problems import DepartmentUnusable, InputError, Problem, Unusable
from generator.schedule import NO_DATE as NO_DATE
from generator.schedule import Schedule as Schedule
from generator.schedule import compute_schedule as compute_schedule
from generator.workdays import WorkdayCalendar as WorkdayCalendar
from generator.workflows import ledger as ledger_workflow


def files_stamp(root: Path, *, own_folders_only: bool = False) -> tuple[tuple[str, int, int], ...]:
    """Return (path, modified, size) of every file under root (or of root, a file): one stat per file.

    With own_folders_only, folders at the top whose names start with _ (the 台账 folder _ledgers) are left out.
    Page views compute this often, so it walks with scandir and stats each file once (a link to a folder is not
    followed, as os.walk does not).
    """
    if root.is_file():
        found = os.stat(root)
        return ((str(root), found.st_mtime_ns, found.st_size),)
    stamps: list[tuple[str, int, int]] = []

    def walk(folder: str, top: bool) -> None:
        try:
            entries = os.scandir(folder)
        except OSError:  # removed meanwhile: the next stamp will differ anyway
            return
        with entries:
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if not (top and own_folders_only and entry.name.startswith("_")):
                            walk(entry.path, False)
                        continue
                    found = entry.stat()  # a link is stamped as the file it points to
                except OSError:
                    continue
                if stat.S_ISREG(found.st_mode):
                    stamps.append((entry.path, found.st_mtime_ns, found.st_size))

    walk(str(root), True)
    return tuple(sorted(stamps))


def load_published(root: Path) -> tuple[CatalogsApart | None, list[Problem]]:
    """Return every department's 目录 loaded apart (None when none can be), with every problem found."""
    try:
        apart = load_catalogs_apart(root)
    except InputError as error:
        return None, error.problems
    return apart, apart.problems if apart else []


def unusable_catalog(apart: CatalogsApart | None, slug: str) -> Unusable | None:
    """Return why the department's 目录 cannot be used now, or None when it can."""
    if apart is None or slug not in apart.broken:
        return None
    return Unusable(slug, apart.names.get(slug) or slug, "目录", tuple(apart.broken[slug]))


def department_slugs(root: Path) -> tuple[str, ...]:
    """Return the department folders under the catalogs folder, even when a 目录 has errors."""
    return tuple(p.name for p in department_dirs(root))


def catalog_file(root: Path, slug: str) -> Path | None:
    """Return the department's 目录 file, None when it has none."""
    folder = root / slug
    return next((folder / n for n in CATALOG_NAMES if (folder / n).is_file()), None)


def template_xlsx(found: Department | None) -> bytes:
    """Return an empty 目录 workbook with the department's title line and header row (the seed header)."""
    import openpyxl

    from generator.catalog.schema import CATALOG_COLUMNS

    headers = list(found.headers) if found else [c.label for c in CATALOG_COLUMNS]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "目录"
    sheet.append([found.title if found and found.title else "到期前提醒证照目录"])
    sheet.append(headers)
    for column in range(1, len(headers) + 1):
        sheet.cell(2, column).number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def department_ledger(
    inputs: Settings, catalogs: Catalogs, slug: str, *, usable: bool = False
) -> tuple[Ledger, list[Problem]]:
    """Return one department's 台账 rows, its files only read (other departments untouched).

    With usable, a 台账 file of which no row can be used raises DepartmentUnusable (as a full load leaves the
    department out).
    """
    left_out = tuple(s for s in department_slugs(inputs.catalogs) if s not in catalogs.slugs)
    loaded = ledger_workflow.department_ledger(inputs, catalogs, slug, left_out)
    if usable and slug in loaded.unread:
        raise DepartmentUnusable(
            Unusable(slug, catalogs.department(slug).name, "台账", tuple(loaded.unread[slug]))
        )
    return loaded.ledger, loaded.problems
