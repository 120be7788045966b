"""The 台账 as data: every schedulable certificate, stored column by column so a million rows fit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass
class LedgerColumns:
    """Rows being collected from 台账 files, one Python list per field."""

    item: list[int] = field(default_factory=list)
    expires: list[int] = field(default_factory=list)  # date ordinals
    issued: list[int] = field(default_factory=list)  # date ordinals, 0 when not given
    applied: list[bool] = field(default_factory=list)
    person: list[bool] = field(default_factory=list)
    file: list[int] = field(default_factory=list)
    row: list[int] = field(default_factory=list)
    number: list[str] = field(default_factory=list)
    holder: list[str] = field(default_factory=list)
    contact: list[str] = field(default_factory=list)
    phone: list[str] = field(default_factory=list)
    email: list[str] = field(default_factory=list)
    id_number: list[str] = field(default_factory=list)
    credit_code: list[str] = field(default_factory=list)


@dataclass
class Ledger:
    """证照台账: the certificates in force, from every ledger file read."""

    files: list[str]
    item: IntArray  # index into Catalogs.items
    expires: IntArray  # 期满日期 as date ordinals
    issued: IntArray  # 颁发日期 as date ordinals, 0 when not given
    applied: BoolArray  # the holder has applied for renewal (办理状态)
    person: BoolArray  # the holder is a natural person (masked in public)
    file: IntArray  # index into files
    row: IntArray  # Excel row number
    number: list[str]  # 证照编号
    holder: list[str]
    contact: list[str]
    phone: list[str]
    email: list[str]
    id_number: list[str]
    credit_code: list[str]
    rows_read: int  # data rows in all files: scheduled + rejected
    rows_rejected: int
    # the hashes of the stripped 证照编号 and 持证人 of each row (made once, when first asked for: see rows_named)
    _hashes: tuple[IntArray, IntArray] | None = field(default=None, init=False, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.item)

    def names_hashed(self) -> tuple[IntArray, IntArray]:
        """Return the hashes rows_named looks in, made now if they are not yet (the console makes them with a
        department's plan, at warm-up for the clerks' departments)."""
        if self._hashes is None:
            self._hashes = (
                np.fromiter((hash(n.strip()) for n in self.number), dtype=np.int64, count=len(self.number)),
                np.fromiter((hash(h.strip()) for h in self.holder), dtype=np.int64, count=len(self.holder)),
            )
        return self._hashes

    def rows_named(self, number: str = "", holder: str = "") -> list[int]:
        """Return the rows (ascending) whose 证照编号 is this number or whose 持证人 is this holder (each compared
        stripped; an empty one matches nothing): a holder's rows found by a vectorised look over one hash per
        row (8 bytes a row, made once), not by a walk over the 台账's texts each time."""
        numbers, holders = self.names_hashed()
        number, holder = number.strip(), holder.strip()
        hits = np.zeros(len(numbers), dtype=np.bool_)
        if number:
            hits |= numbers == hash(number)
        if holder:
            hits |= holders == hash(holder)
        return [  # a hash two texts share: the text decides
            i
            for i in np.flatnonzero(hits).tolist()
            if (number and self.number[i].strip() == number) or (holder and self.holder[i].strip() == holder)
        ]

    def earliest_expiry(self) -> date | None:
        """Return the earliest 期满日期 of its certificates (None: no certificate). The 登记簿 names a certificate by
        its 期满日期 too: a record of an earlier expiry (the licence before this one) is about none of these."""
        known = self.expires[self.expires > 0]
        return date.fromordinal(int(known.min())) if len(known) else None

    @classmethod
    def from_columns(cls, files: list[str], columns: LedgerColumns, rows_read: int, rejected: int) -> Ledger:
        return cls(
            files=files,
            item=np.asarray(columns.item, dtype=np.int64),
            expires=np.asarray(columns.expires, dtype=np.int64),
            issued=np.asarray(columns.issued, dtype=np.int64),
            applied=np.asarray(columns.applied, dtype=np.bool_),
            person=np.asarray(columns.person, dtype=np.bool_),
            file=np.asarray(columns.file, dtype=np.int64),
            row=np.asarray(columns.row, dtype=np.int64),
            number=columns.number,
            holder=columns.holder,
            contact=columns.contact,
            phone=columns.phone,
            email=columns.email,
            id_number=columns.id_number,
            credit_code=columns.credit_code,
            rows_read=rows_read,
            rows_rejected=rejected,
        )
