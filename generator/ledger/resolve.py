"""Which 目录 item a 台账 row means: by 证照名称, 事项名称 or the 叫早 事项代码."""

from __future__ import annotations

import difflib
from collections import defaultdict

from generator.catalog.model import Catalogs, Department
from generator.cells import CellError
from portal.rules.text import clean_text, has_invisible, normalize_name


class ItemResolver:
    """Maps the certificate/matter text of a ledger row to the index of a catalogue item, with a cache."""

    def __init__(self, catalogs: Catalogs, department: Department):
        self._department = department
        offset = catalogs.items.index(department.items[0]) if department.items else 0
        self._by_name: dict[str, list[int]] = defaultdict(list)
        self._by_matter: dict[str, list[int]] = defaultdict(list)
        self._by_seq: dict[str, int] = {}
        for index, item in enumerate(department.items, start=offset):
            self._by_name[normalize_name(item.certificate)].append(index)
            self._by_matter[normalize_name(item.matter)].append(index)
            self._by_seq.setdefault(item.seq.strip(), index)
        self._cache: dict[tuple[str, str], int | CellError] = {}
        self.unclean: set[tuple[str, str]] = set()  # names read with control or format characters cleaned

    def resolve(self, certificate: str, matter: str) -> int:
        key = (certificate, matter)
        answer = self._cache.get(key)
        if answer is None:
            if has_invisible(certificate) or has_invisible(matter):
                certificate, matter = clean_text(certificate)[0], clean_text(matter)[0]
                self.unclean.add(key)
            answer = self._cache[key] = self._find(certificate, matter)
        if isinstance(answer, CellError):
            raise answer
        return answer

    def _find(self, certificate: str, matter: str) -> int | CellError:
        if not certificate and not matter:
            return CellError("证照名称为空", "请填写证照名称，与本部门目录中的写法一致")
        if not certificate and matter.isdigit():
            return self._by_code(matter)
        name, wanted_matter = normalize_name(certificate or matter), normalize_name(matter)
        candidates = self._by_name.get(name) or self._by_matter.get(name) or []
        if wanted_matter and len(candidates) > 1:
            candidates = [i for i in candidates if i in self._by_matter.get(wanted_matter, [])] or candidates
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            return CellError(
                f"目录中有 {len(candidates)} 个事项都颁发“{certificate}”",
                "请在台账中增加“审批事项名称”列并填写，以区分是哪一项",
            )
        return CellError(
            f"“{certificate or matter}”不在{self._department.name}的目录中",
            self._suggestion(certificate or matter),
        )

    def _by_code(self, code: str) -> int | CellError:
        if code in self._by_seq:
            return self._by_seq[code]
        codes = "、".join(self._by_seq)
        return CellError(f"事项代码 {code} 不在目录中", f"可用的事项代码：{codes}")

    def _suggestion(self, text: str) -> str:
        names = {normalize_name(i.certificate): i.certificate for i in self._department.items}
        names.update({normalize_name(i.matter): i.matter for i in self._department.items})
        close = difflib.get_close_matches(normalize_name(text), list(names), n=2, cutoff=0.5)
        if close:
            return "是否应为：" + " 或 ".join(f"“{names[c]}”" for c in close) + "？请改成目录中的写法"
        return "请改成本部门目录中的证照名称，或先把该证照加入目录"
