"""The department's holders of the day as 今日提醒 lists them: in the page's order, filtered, counted.

A department can have thousands of holders due and a view shows 50, so what each holder shows (its picks, days left,
channels) is worked out once per holder group and kept with the plan; a record replaces one group, so the list after
it reuses every other group's facts and only the page's 50 rows are made into Holders.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast, overload

from console.settings import ConsoleSettings
from console.state.department_day import holders_key, kept
from generator.workflows.today import (
    DayWork,
    HolderGroup,
    department_work,
    due_groups,
    gets_email,
    has_email,
    has_mobile,
    pick_of,
)

FINAL = "临期"
REACH = {"电话": "有电话", "短信": "有手机号（可发短信）", "电子邮件": "有邮箱", "函告": "没有电话（函告）"}


@dataclass(frozen=True)
class Holder:
    """One holder's row of the day: the group, its place in the day's list, what to read out, today's tries."""

    number: int
    group: HolderGroup
    kind: str  # the group's (worked out once, with its facts)
    unreachable: tuple[
        str, ...
    ]  # why the holder is 联系不上 (empty: not; looked for only where its facts say so)
    script: str
    picks: list[str]
    days_left: int
    mobile: bool
    email: bool
    deadline: str
    tried: list[str]


@dataclass(frozen=True, slots=True)
class Facts:
    """What the page shows and counts of one holder group (worked out once for the group)."""

    picks: list[str]
    days_left: int
    mobile: bool
    email: bool
    deadline: str
    kind: str
    phone: bool
    first: int
    second: int
    final: int
    unreachable: bool
    gets_email: bool


def facts_of(group: HolderGroup) -> Facts:
    kinds = [r.kind for r in group.reminders]
    deadlines = {r.item.guide.deadline.text for r in group.reminders if r.item.guide.deadline}
    return Facts(
        [pick_of(r) for r in group.reminders], min(r.days_left for r in group.reminders),
        has_mobile(group), has_email(group), "、".join(sorted(deadlines)), group.kind,
        bool(group.phone.strip()), kinds.count("首次"), kinds.count("二次"), kinds.count(FINAL),
        bool(group.unreachable), gets_email(group),
    )  # fmt: skip


# (place in the day's list, group, facts)
Row = tuple[int, HolderGroup, Facts]
COUNTED = ("first", "second", "final", "unreachable", "mobile")


@dataclass
class DayList:
    """The department's holders of one plan, in the page's order, with their counts.

    The page's order is the plan's own (holder_order: 临期 first — staff phone or visit, whatever came before —
    then earliest expiry, name, phone), so the list is the plan's list of groups, not a copy sorted again."""

    work: DayWork
    groups: list[HolderGroup]
    counts: dict[str, int]
    facts: dict[int, tuple[HolderGroup, Facts]]  # by id of the group (the group kept: its id stays its own)

    def row(self, at: int) -> Row:
        group = self.groups[at]
        return at + 1, group, self.facts[id(group)][1]


def day_list(settings: ConsoleSettings, work: DayWork, slug: str, monthly: bool) -> DayList:
    """Return the department's holders of this plan in the page's order, kept until the plan changes; a plan
    changed by records reuses the facts and counts of the groups it kept and works out those of the groups it
    made: the walk over the thousands due is a look-up per group, not their facts made, summed and sorted again."""
    key = holders_key(slug, monthly)
    found = settings.memory.get(key)
    before = cast(DayList, found[1]) if found is not None else None
    if before is not None and before.work is work:  # made from this very plan
        return before
    groups = due_groups(work, slug)
    known = before.facts if before is not None else {}
    made = [g for g in groups if id(g) not in known]  # the facts hold their groups: an id is not reused
    item = department_work(work, slug)
    if before is None or len(made) == len(groups):
        facts = {id(g): (g, facts_of(g)) for g in groups}
        counts = _counted(f for _, f in facts.values())
    else:
        facts, counts = dict(known), dict(before.counts)
        if len(known) + len(made) != len(groups):  # some groups are gone
            present = {id(g) for g in groups}
            for gone in [n for n in known if n not in present]:
                _tally(counts, facts.pop(gone)[1], -1)
        for group in made:
            fact = facts_of(group)
            facts[id(group)] = (group, fact)
            _tally(counts, fact, 1)
    counts["sms"] = len(item.sms) if item else 0
    made_list = settings.memory.put(key, None, DayList(work, groups, counts, facts))
    kept(settings, slug)  # let go with the department's day, past settings.departments_kept
    return made_list


def _counted(every: Iterable[Facts]) -> dict[str, int]:
    counts = dict.fromkeys(("certificates", "holders", *COUNTED, "email"), 0)
    for fact in every:
        _tally(counts, fact, 1)
    return counts


def _tally(counts: dict[str, int], fact: Facts, sign: int) -> None:
    """Count one holder's facts in (sign 1) or out (sign -1) of the page's counts."""
    counts["certificates"] += sign * len(fact.picks)
    counts["holders"] += sign
    for name in COUNTED:
        counts[name] += sign * int(getattr(fact, name))
    counts["email"] += sign * fact.gets_email


class _Every(Sequence[Row]):
    """Every holder of the list as rows, a row made only when asked for (a page asks for 50)."""

    def __init__(self, listed: DayList) -> None:
        self.listed = listed

    def __len__(self) -> int:
        return len(self.listed.groups)

    @overload
    def __getitem__(self, at: int) -> Row: ...
    @overload
    def __getitem__(self, at: slice) -> list[Row]: ...
    def __getitem__(self, at: int | slice) -> Row | list[Row]:
        if isinstance(at, slice):
            return [self.listed.row(n) for n in range(*at.indices(len(self)))]
        return self.listed.row(range(len(self))[at])


def shown(listed: DayList, f: dict[str, str]) -> Sequence[Row]:
    """Return the rows the page's filters keep (kind, mobile, how the holder can be reached)."""
    kind, reach, mobile = f["kind"], f["reach"], f["mobile"]
    if not (kind or reach or mobile):
        return _Every(listed)

    def keep(fact: Facts) -> bool:
        return (
            (not kind or fact.kind == kind)
            and (not mobile or fact.mobile == (mobile == "有"))
            and (
                not reach
                or (reach == "电话" and fact.phone)
                or (reach == "短信" and fact.mobile)
                or (reach == "电子邮件" and fact.email)
                or (reach == "函告" and not fact.phone)
            )
        )

    every = (listed.row(n) for n in range(len(listed.groups)))
    return [row for row in every if keep(row[2])]


def holder(row: Row, group: HolderGroup, script: str, tried: list[str]) -> Holder:
    """Return the page's row of a holder (group: as the user may see it)."""
    number, _, fact = row
    return Holder(
        number, group, fact.kind, group.unreachable if fact.unreachable else (), script, fact.picks,
        fact.days_left, fact.mobile, fact.email, fact.deadline, tried,
    )  # fmt: skip
