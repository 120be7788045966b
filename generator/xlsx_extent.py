"""How big an .xlsx sheet really is, found out before a spreadsheet reader is trusted with it.

python-calamine allocates rows × columns cells for a sheet's used range: one stray cell at XFD1048576 in a
60 KB file asks for 512 GB and aborts the whole process. So each sheet's extent is read first — the
`<dimension>` the file declares for big sheets, every cell reference for small ones and for big ones that
are mostly padding (where a false or missing dimension costs little to catch) — and a sheet spanning far
more cells than its file could hold is read without its far cells, each named, or not at all.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from generator.problems import Level, Problem, column_letter

_MIN_CELLS = 4_000_000  # any sheet may span this many cells (128 MB in calamine)
_MAX_CELLS = 50_000_000  # no sheet may span more (1.6 GB); a million rows × 16 columns is 16 M
_SCAN_BYTES = 8 << 20  # sheets up to this size are checked cell by cell (≈ 60 ms)
_HEAD_BYTES = 64 << 10
_SCAN_MAX = 256 << 20  # a sheet needing a cell-by-cell check is never read past this
_PLAIN_RATIO = 40  # sheet XML deflates some 7×; far more means padding, as a hand-made file would have
_GAP_COLUMNS = 64  # a used column this far right of the previous one is a stray
_GAP_ROWS = 65_536
_LISTED = 5
_FIX = "请删除远处的单元格后另存：在 Excel 中按 Ctrl+End 找到它，删除它所在的行或列，再保存"
_BIG_FIX = "请用 Excel 或 WPS 打开，删除数据下方和右侧多余的行列后另存为 .xlsx 再试"
_EMPTY_SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
)

_P = rb"<(?:\w+:)?"  # an element, with or without a namespace prefix
_DIMENSION = re.compile(_P + rb'dimension\b[^>]*?\sref="(?:[A-Z]+[0-9]+:)?([A-Z]+)([0-9]+)"')  # its last cell
_VALUE_CELL = re.compile(_P + rb'c\b[^>]*?\sr="([A-Z]{1,3})([0-9]{1,7})"[^>/]*>')  # not <c …/>
_ANY_CELL = re.compile(_P + rb"c[\s>/]")
_REF_CELL = re.compile(_P + rb'c\b[^>]*?\sr="')
_ROW_REF = re.compile(_P + rb'row\b[^>]*?\sr="([0-9]{1,7})"')
_ANY_ROW = re.compile(_P + rb"row[\s>/]")
_ROW_START = re.compile(_P + rb"row\b")
_CELL_ELEMENT = re.compile(rb'<((?:\w+:)?c)\b[^>]*?\sr="([A-Z]{1,3}[0-9]{1,7})"[^>/]*>.*?</\1>', re.S)


@dataclass
class _Extent:
    """The cells of one sheet that hold something: 1-based (row, column) pairs, and a bound on its area."""

    cells: list[tuple[int, int]]
    area: int
    exact: bool  # False when cells without a reference make the area a guess


def bounded_source(path: Path, shown: str) -> tuple[Path | io.BytesIO, list[Problem]]:
    """Return what a reader may open (the file itself, or a copy without far cells) and what was left out."""
    try:
        book = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        return path, []  # not a zip: the reader says it cannot read it
    with book:
        replaced: dict[str, bytes] = {}
        problems: list[Problem] = []
        for member, name in _sheet_members(book):
            try:
                fixed = _bounded_sheet(book, member, shown, name, problems)
            except (OSError, zipfile.BadZipFile, KeyError, EOFError, ValueError):
                continue  # a damaged member: the reader reports the file
            if fixed is not None:
                replaced[member] = fixed
        if not replaced:
            return path, problems
        copy = io.BytesIO()
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as out:
            for info in book.infolist():
                out.writestr(info.filename, replaced.get(info.filename) or book.read(info))
    copy.seek(0)
    return copy, problems


def _limit(size: int) -> int:
    """Return how many cells a sheet of this many XML bytes may span: a real cell takes some 20 bytes."""
    return min(_MAX_CELLS, max(_MIN_CELLS, size // 4))


def _bounded_sheet(
    book: zipfile.ZipFile, member: str, shown: str, name: str, problems: list[Problem]
) -> bytes | None:
    """Return the sheet's XML without its far cells when it needs cutting, else None."""
    info = book.getinfo(member)
    limit = _limit(info.file_size)
    with book.open(info) as stream:
        head = stream.read(_HEAD_BYTES)
        declared = _declared_area(head)
        plain = info.file_size <= _PLAIN_RATIO * max(info.compress_size, 1)
        if info.file_size > _SCAN_BYTES and plain and (declared is None or declared <= limit):
            return None  # big, real data and no absurd claim: trusting it keeps a million-row read fast
        # Never more than _SCAN_MAX, whatever the zip header claims: a zip bomb stops here.
        too_big = info.file_size > _SCAN_MAX
        data = b"" if too_big else head + stream.read(_SCAN_MAX)
    if too_big or len(data) > _SCAN_MAX:
        message = f"工作表解压后超过 {_SCAN_MAX >> 20} MB，而且大多是空白填充或数据区大得异常，未读取"
        problems.append(Problem(shown, message, _BIG_FIX, sheet=name))
        return _EMPTY_SHEET
    extent = _extent(data)
    if extent.area <= limit:
        return None
    far = _far_cells(extent.cells, limit) if extent.exact else None
    if far is None:
        rows = max((r for r, _ in extent.cells), default=0)
        message = f"工作表的数据区大得异常（约 {extent.area:,} 个单元格，最远到第 {rows} 行），未读取"
        problems.append(Problem(shown, message, _FIX, sheet=name))
        return _EMPTY_SHEET
    for row, col in far[:_LISTED]:
        ref = f"{column_letter(col - 1)}{row}"
        message = f"单元格 {ref} 远离数据区，已忽略（它让表格大到无法读取）"
        problems.append(Problem(shown, message, _FIX, row, None, None, None, name, Level.WARNING))
    if len(far) > _LISTED:
        message = f"另有 {len(far) - _LISTED} 个远离数据区的单元格，已忽略"
        problems.append(Problem(shown, message, _FIX, sheet=name, level=Level.WARNING))
    refs = {f"{column_letter(c - 1)}{r}".encode() for r, c in far}
    return _CELL_ELEMENT.sub(lambda m: b"" if m.group(2) in refs else m.group(0), data)


def _declared_area(head: bytes) -> int | None:
    match = _DIMENSION.search(head)
    return int(match.group(2)) * _column_number(match.group(1)) if match else None


def _extent(data: bytes) -> _Extent:
    cells = [(int(row), _column_number(col)) for col, row in _VALUE_CELL.findall(data)]
    rows = max((r for r, _ in cells), default=0)
    cols = max((c for _, c in cells), default=0)
    no_ref_cells = len(_ANY_CELL.findall(data)) - len(_REF_CELL.findall(data))
    if no_ref_cells <= 0:
        return _Extent(cells, rows * cols, True)
    # Cells without a reference sit after the previous one: bound where they can reach.
    row_refs = [int(r) for r in _ROW_REF.findall(data)]
    no_ref_rows = len(_ANY_ROW.findall(data)) - len(row_refs)
    rows = max(rows, max(row_refs, default=0)) + max(no_ref_rows, 0)
    widest = max((len(_ANY_CELL.findall(row)) for row in _ROW_START.split(data)), default=0)
    return _Extent(cells, rows * (cols + widest), False)


def _far_cells(cells: list[tuple[int, int]], limit: int) -> list[tuple[int, int]] | None:
    """Return the stray cells far right or below the data, or None when leaving them out is not enough."""
    last_col = _block_end(sorted({c for _, c in cells}), _GAP_COLUMNS)
    kept = [(r, c) for r, c in cells if c <= last_col]
    last_row = _block_end(sorted({r for r, _ in kept}), _GAP_ROWS)
    kept = [(r, c) for r, c in kept if r <= last_row]
    area = max((r for r, _ in kept), default=0) * max((c for _, c in kept), default=0)
    if area > limit:
        return None
    return sorted(cell for cell in cells if cell[1] > last_col or cell[0] > last_row)


def _block_end(positions: list[int], gap: int) -> int:
    """Return the last position before the first gap wider than gap (positions sorted, 1-based)."""
    end = 0
    for position in positions:
        if position - end > gap and end:
            break
        end = position
    return end


def _column_number(letters: bytes | str) -> int:
    number = 0
    for letter in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(letter) - 64
    return number


def _sheet_members(book: zipfile.ZipFile) -> list[tuple[str, str]]:
    """Return (zip member, sheet name) for every worksheet, named as the workbook names them when it can."""
    names = set(book.namelist())
    found: dict[str, str] = {}
    try:
        targets = _relationship_targets(book)
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        for element in workbook.iter():
            if element.tag.endswith("}sheet"):
                rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), "")
                member = targets.get(rid, "")
                if member in names:
                    found[member] = element.get("name", member)
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError):
        pass
    for member in sorted(names):
        if member.startswith("xl/worksheets/") and member.endswith(".xml") and member.count("/") == 2:
            found.setdefault(member, PurePosixPath(member).stem)
    return list(found.items())


def _relationship_targets(book: zipfile.ZipFile) -> dict[str, str]:
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for element in rels.iter():
        target = element.get("Target", "")
        if element.get("Id") and target:
            targets[element.get("Id", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return targets
