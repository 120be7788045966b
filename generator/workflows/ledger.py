"""台账 upkeep: an uploaded 台账 checked and compared with the department's current one (the preview staff
accept), the current one's refused rows, and the accepted file written where every command reads it.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from generator.atomic import replacing
from generator.catalog.model import Catalogs
from generator.config import Settings
from generator.ledger.corrections import Correction, with_corrections
from generator.ledger.files import find_ledger_files
from generator.ledger.load import LedgersApart, load_ledgers, load_ledgers_apart, shown_path
from generator.ledger.model import Ledger
from generator.problems import JiaozaoError, Level, Problem

HAND_SUFFIX = (
    "手工补录"  # <slug>-手工补录.csv: certificates a clerk added by hand (generator/workflows/hand_ledger.py)
)
DUE_DAYS = 30  # a certificate expiring within this many days of today is "due soon"
DROP_SHARE = 0.10  # dropping more than this share of the department's certificates needs a tick


@dataclass(frozen=True)
class Change:
    """One certificate that an uploaded 台账 adds, drops or changes."""

    kind: str  # 新增 | 不再提醒 | 修改
    number: str
    holder: str
    certificate: str
    expires: str  # ISO date: the new one (新增, 修改) or the one that was current (不再提醒)
    row: int  # Excel row in the uploaded file (新增, 修改) or in the current file (不再提醒)
    detail: str = ""  # 修改: what changed, e.g. "期满日期 2026-12-26→2027-12-26"
    due_soon: bool = False  # 不再提醒 while it expires within DUE_DAYS


FOREIGN_SHOWN = 5  # certificate numbers named per other department in the warning


@dataclass(frozen=True)
class Foreign:
    """Certificates of an uploaded 台账 whose 证照编号 are in another department's current 台账."""

    department: str  # the other department's name
    count: int
    numbers: tuple[str, ...]  # the first FOREIGN_SHOWN of them, in upload order

    @property
    def text(self) -> str:
        more = " 等" if self.count > len(self.numbers) else ""
        return f"{self.count} 张证照的编号已在“{self.department}”的台账中（{'、'.join(self.numbers)}{more}）"


@dataclass(frozen=True)
class LedgerPreview:
    """What accepting an uploaded 台账 changes: rows and certificates before and after, and each change."""

    rows_before: int  # data rows in the current 台账 files
    rows_after: int  # data rows in the uploaded file
    certificates_before: int  # certificates scheduled now
    certificates_after: int  # certificates that would be scheduled
    added: tuple[Change, ...]
    dropped: tuple[Change, ...]
    changed: tuple[Change, ...]
    foreign: tuple[Foreign, ...] = ()  # numbers that belong to other departments' current 台账

    @property
    def due_soon(self) -> int:
        return sum(c.due_soon for c in self.dropped)

    @property
    def needs_consent(self) -> bool:
        """Say whether accepting needs an explicit tick: many certificates dropped, or one due soon."""
        many = len(self.dropped) > DROP_SHARE * self.certificates_before
        return bool(self.foreign) or (bool(self.dropped) and (many or self.due_soon > 0))

    @property
    def consent_label(self) -> str:
        """Return the tick's words: what will happen, in figures."""
        soon = f"，其中 {self.due_soon} 张 {DUE_DAYS} 天内到期" if self.due_soon else ""
        parts = [f"将有 {len(self.dropped)} 张证照不再提醒{soon}"] if self.dropped else []
        parts += [f.text for f in self.foreign]
        return "我知道：" + "；".join(parts)


@dataclass(frozen=True)
class LedgerCheck:
    """An uploaded 台账 read as `jiaozao check` reads it, and what accepting it would change."""

    rows_read: int
    accepted: int
    problems: list[Problem]
    preview: LedgerPreview
    overrides: tuple[str, ...] = ()  # clerks' 联系方式更正 this 台账 overrides, each said in Chinese


def check_upload(
    catalogs: Catalogs, slug: str, current: Ledger, content: bytes, ext: str, today: date, shown: str,
    corrections: Sequence[Correction] = (), owners: Owners | None = None,
) -> LedgerCheck:  # fmt: skip
    """Read an uploaded 台账 of a department (nothing is written outside a scratch folder) and compare it.

    current: the department's 台账 as it is now; shown: how the uploaded file is named in problems;
    owners: the departments whose current 台账 hold the uploaded 证照编号 (owners_among), to warn of numbers
    that belong to another department.
    """
    if slug not in catalogs.slugs:
        raise JiaozaoError("本部门目录有错误，暂时无法检查台账：请先在“目录”页修正并发布目录")
    with tempfile.TemporaryDirectory(prefix="jiaozao-ledger-") as scratch:
        file = Path(scratch) / f"{slug}.{ext}"
        file.write_bytes(content)
        uploaded, problems = load_ledgers(file, catalogs)
        named = relabelled(problems, {p.file: shown for p in problems})
    preview = compare(catalogs, current, uploaded, today)
    if owners is not None:
        preview = replace(preview, foreign=foreign_numbers(catalogs, slug, uploaded, owners(uploaded.number)))
    _, overridden = with_corrections(uploaded, catalogs, corrections)
    return LedgerCheck(
        uploaded.rows_read, len(uploaded), named, preview, tuple(o.message() for o in overridden)
    )


Owners = Callable[
    [Collection[str]], dict[str, tuple[str, ...]]
]  # 证照编号 asked → departments whose 台账 hold it


def owners_among(
    settings: Settings, catalogs: Catalogs, numbers: Collection[str]
) -> dict[str, tuple[str, ...]]:
    """Return 证照编号 → the slugs of the departments whose current 台账 hold it, for these numbers only: each
    department's 台账 read in turn through the cache and let go (a province's numbers are a gigabyte)."""
    wanted = set(numbers) - {""}
    owners: dict[str, dict[str, None]] = {}
    for slug in catalogs.slugs if wanted else ():
        for number in department_ledger(settings, catalogs, slug).ledger.number:
            if number in wanted:
                owners.setdefault(number, {})[slug] = None
    return {number: tuple(slugs) for number, slugs in owners.items()}


def foreign_numbers(
    catalogs: Catalogs, slug: str, uploaded: Ledger, owners: dict[str, tuple[str, ...]]
) -> tuple[Foreign, ...]:
    """Return, per other department, the uploaded certificates whose 证照编号 are in that department's 台账.

    A number the department's own current 台账 already holds too is not new to this upload: not warned again.
    """
    found: dict[str, list[str]] = {}
    for number in dict.fromkeys(n for n in uploaded.number if n):
        held = owners.get(number, ())
        if held and slug not in held:
            department = held[0]
            found.setdefault(department, []).append(number)
    names = {d.slug: d.name for d in catalogs.departments}
    return tuple(
        Foreign(names.get(d, d), len(numbers), tuple(numbers[:FOREIGN_SHOWN])) for d, numbers in found.items()
    )


def compare(catalogs: Catalogs, before: Ledger, after: Ledger, today: date) -> LedgerPreview:
    """Return the certificates after adds, drops and changes against before, matched by 证照编号.

    A certificate without a number is matched by holder and certificate (and expiry, when that is not enough).
    """
    old, new = _keyed(catalogs, before), _keyed(catalogs, after)
    soon = today.toordinal() + DUE_DAYS
    added = [_change("新增", catalogs, after, i) for key, i in new.items() if key not in old]
    dropped = [
        _change("不再提醒", catalogs, before, i, due_soon=today.toordinal() <= int(before.expires[i]) <= soon)
        for key, i in old.items()
        if key not in new
    ]
    changed = []
    for key, i in new.items():
        if key in old and (detail := _differences(catalogs, before, old[key], after, i)):
            changed.append(_change("修改", catalogs, after, i, detail))
    return LedgerPreview(
        before.rows_read, after.rows_read, len(before), len(after),
        tuple(added), tuple(sorted(dropped, key=lambda c: c.expires)), tuple(changed),
    )  # fmt: skip


_Key = tuple[str, ...]


def _keyed(catalogs: Catalogs, ledger: Ledger) -> dict[_Key, int]:
    """Return each certificate's row position by its key (证照编号, else holder and certificate)."""
    items = catalogs.items
    plain = [("持证", ledger.holder[i], items[int(ledger.item[i])].certificate) for i in range(len(ledger))]
    twice = {key for key, count in Counter(k for k, n in zip(plain, ledger.number, strict=True) if not n).items()
             if count > 1}  # fmt: skip
    keyed: dict[_Key, int] = {}
    for i, number in enumerate(ledger.number):
        key = plain[i]
        if number:
            keyed[("编号", number)] = i
        elif key in twice:  # the same holder holds two such certificates: told apart by expiry
            keyed[(*key, str(ledger.expires[i]))] = i
        else:
            keyed[key] = i
    return keyed


def _differences(catalogs: Catalogs, before: Ledger, i: int, after: Ledger, j: int) -> str:
    items = catalogs.items
    pairs = (
        ("期满日期", _iso(int(before.expires[i])), _iso(int(after.expires[j]))),
        ("持证单位", before.holder[i], after.holder[j]),
        ("证照名称", items[int(before.item[i])].certificate, items[int(after.item[j])].certificate),
        ("联系人", before.contact[i], after.contact[j]),
        ("联系方式", before.phone[i], after.phone[j]),
        ("电子邮箱", before.email[i], after.email[j]),
    )
    return "；".join(
        f"{label} {was or '（空）'}→{now or '（空）'}" for label, was, now in pairs if was != now
    )


def _change(
    kind: str, catalogs: Catalogs, ledger: Ledger, i: int, detail: str = "", *, due_soon: bool = False
) -> Change:
    certificate = catalogs.items[int(ledger.item[i])].certificate
    return Change(
        kind, ledger.number[i], ledger.holder[i], certificate, _iso(int(ledger.expires[i])),
        int(ledger.row[i]), detail, due_soon,
    )  # fmt: skip


def _iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat() if ordinal > 0 else ""


def relabelled(problems: Iterable[Problem], names: dict[str, str]) -> list[Problem]:
    """Return problems with each file (and any mention of it in their words) named as staff know it."""

    def plain(text: str | None) -> str | None:
        for file, name in names.items():
            text = text.replace(file, name) if text else text
        return text

    return [
        replace(p, file=names.get(p.file, p.file), message=plain(p.message) or "", fix=plain(p.fix) or "")
        for p in problems
    ]


# -- the current 台账 -------------------------------------------------------------------------------


def refused_rows(problems: Sequence[Problem], name: str = "当前台账") -> list[Problem]:
    """Return the errors that keep rows of the 台账 out of the schedule, its files named as name.

    With several files (or sheets), each is named name plus its place ("当前台账（第 2 个文件）").
    """
    errors = [p for p in problems if p.level is Level.ERROR]
    files = list(dict.fromkeys(p.file for p in errors))
    many = len(files) > 1
    names = {f: f"{name}（第 {n} 个文件）" if many else name for n, f in enumerate(files, 1)}
    return relabelled(sorted(errors, key=lambda p: (files.index(p.file), p.row or 0)), names)


def department_ledger(
    settings: Settings, catalogs: Catalogs, slug: str, left_out: Collection[str] = ()
) -> LedgersApart:
    """Read one department's 台账 files only (the other departments' are not opened), through the cache."""
    return load_ledgers_apart(settings.ledgers, catalogs, cache=settings.cache, left_out=left_out, only=slug)


def department_files(root: Path, catalogs: Catalogs, slug: str) -> list[Path]:
    """Return the department's 台账 files under root (the --ledgers folder)."""
    found, _ = find_ledger_files(root, catalogs)
    return [file for file, owner in found if owner == slug]


def refused_row_count(problems: Iterable[Problem], files: Sequence[Path]) -> int:
    """How many rows of these 台账 files are kept out of the schedule by the errors among problems: one
    department's count from a load of every department, without reading its files again."""
    shown = {shown_path(file) for file in files}
    return len({(p.file, p.row) for p in problems if p.level is Level.ERROR and p.row and p.file in shown})


def fingerprint(files: Sequence[Path]) -> str:
    """Return a digest of the files' names and bytes: it changes whenever the department's 台账 does."""
    digest = hashlib.sha256()
    for file in sorted(files):
        digest.update(file.name.encode("utf-8") + b"\0" + hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def replace_ledger(root: Path, catalogs: Catalogs, slug: str, content: bytes, ext: str) -> Path:
    """Write the department's 台账 atomically where every command reads it; its other files are removed."""
    if root.is_file():
        raise JiaozaoError("台账设置为单个文件，不能按部门替换：请管理员把台账位置设为文件夹")
    target = root / f"{slug}.{ext}"
    with replacing(target, private=True) as temp:
        temp.write_bytes(content)
    for file in department_files(root, catalogs, slug):
        if file.resolve() != target.resolve() and file.name != f"{slug}-{HAND_SUFFIX}.csv":
            file.unlink()  # the hand-entered certificates (手工补录) stay: the export replaces them row by row
    return target
