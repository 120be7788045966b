"""The department's holders of the day as 今日提醒 lists them: in the page's order, filtered, counted.

A department can have thousands of holders due and a view shows 50, so what each holder shows (its picks, days left,
channels) is worked out once per holder group and kept with the plan; a record replaces one group, so the list after
it reuses every other group's facts and only the page's 50 rows are made into Holders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

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


# (not 临期, days left, place in the day's list, group, facts): sorted as the page lists them
Row = tuple[bool, int, int, HolderGroup, Facts]


@dataclass
class DayList:
    """The department's holders of one plan, in the page's order, with their counts."""

    work: DayWork
    rows: list[Row]
    counts: dict[str, int]
    facts: dict[int, tuple[HolderGroup, Facts]]  # by id of the group (the group kept: its id stays its own)


def day_list(settings: ConsoleSettings, work: DayWork, slug: str, monthly: bool) -> DayList:
    """Return the department's holders of this plan in the page's order: 临期 first (staff phone or visit,
    whatever came before), then by days left; kept until the plan changes, the facts of unchanged groups reused."""
    key = holders_key(slug, monthly)
    found = settings.memory.get(key)
    before = cast(DayList, found[1]) if found is not None else None
    if before is not None and before.work is work:  # made from this very plan
        return before
    known = before.facts if before is not None else {}
    facts: dict[int, tuple[HolderGroup, Facts]] = {}
    rows: list[Row] = []
    for number, group in enumerate(due_groups(work, slug), 1):
        seen = known.get(id(group))
        fact = seen[1] if seen is not None and seen[0] is group else facts_of(group)
        facts[id(group)] = (group, fact)
        rows.append((fact.kind != FINAL, fact.days_left, number, group, fact))
    rows.sort(key=lambda row: row[:3])
    item = department_work(work, slug)
    every = [row[4] for row in rows]
    counts = {
        "certificates": sum(len(f.picks) for f in every), "holders": len(rows),
        "first": sum(f.first for f in every), "second": sum(f.second for f in every),
        "final": sum(f.final for f in every), "unreachable": sum(f.unreachable for f in every),
        "mobile": sum(f.mobile for f in every), "email": sum(f.gets_email for f in every),
        "sms": len(item.sms) if item else 0,
    }  # fmt: skip
    made = settings.memory.put(key, None, DayList(work, rows, counts, facts))
    kept(settings, slug)  # let go with the department's day, past settings.departments_kept
    return made


def shown(rows: list[Row], f: dict[str, str]) -> list[Row]:
    """Return the rows the page's filters keep (kind, mobile, how the holder can be reached)."""
    kind, reach, mobile = f["kind"], f["reach"], f["mobile"]

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

    return rows if not (kind or reach or mobile) else [row for row in rows if keep(row[4])]


def holder(row: Row, group: HolderGroup, script: str, tried: list[str]) -> Holder:
    """Return the page's row of a holder (group: as the user may see it)."""
    _, _, number, _, fact = row
    return Holder(
        number, group, script, fact.picks, fact.days_left, fact.mobile, fact.email, fact.deadline, tried
    )
