"""replan (the console's plan kept up to date as records come in) equals planning again from scratch."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from generator.config import DEMO_CATALOGS, LEDGER_FOLDER, Settings
from generator.reminders.batch import DayWork, replan
from generator.reminders.due import FIRST, SECOND, due_rows, holder_key, holder_rows
from generator.reminders.registry import CertificateKey, Registry, ReminderRecord, certificate_key
from generator.workflows.remind import load_day, plan_holders_again, plan_today

TODAY = date(2026, 11, 23)


def _shape(work: DayWork) -> list[object]:
    return [
        (
            d.department.slug,
            [
                (g.holder, g.phone, [(r.certificate, r.kind, r.first_missed) for r in g.reminders])
                for g in d.groups
            ],
            [(phone, text) for phone, text, _ in d.sms],
        )
        for d in work.departments
    ]


def test_replanning_after_records_is_planning_again(tmp_path: Path) -> None:
    settings = Settings(DEMO_CATALOGS, DEMO_CATALOGS / LEDGER_FOLDER, db=tmp_path / "db.sqlite", out=tmp_path)
    day = load_day(settings, TODAY)
    before = plan_today(settings, TODAY, loaded=day)
    groups = [g for d in before.departments for g in d.groups]
    several = next(g for g in groups if len(g.reminders) > 1)
    missed = next(r for g in groups for r in g.reminders if r.first_missed)
    single = next(g for g in groups if len(g.reminders) == 1 and g is not several)

    def done(reminder: object, kind: str, result: str = "已告知") -> ReminderRecord:
        certificate = reminder.certificate  # type: ignore[attr-defined]
        return ReminderRecord(certificate, kind, "电话", TODAY, "测试", result, "", "test")

    records = [
        done(
            several.reminders[0], several.reminders[0].kind
        ),  # one of a holder's certificates: message made again
        done(missed, FIRST),  # a second whose first is now recorded: no longer 首次提醒未做
        done(single.reminders[0], SECOND),  # a second settles a first too
        done(groups[-1].reminders[0], groups[-1].reminders[0].kind, "未接通"),  # not done: stays
    ]
    with Registry(settings.db) as registry:
        registry.add(records)
    keys = {(*r.certificate.key, r.kind) for r in records if r.done}
    again = plan_today(settings, TODAY, loaded=day)
    assert _shape(replan(before, keys)) == _shape(again)
    assert _shape(again) != _shape(before)
    assert [p.file for p in replan(before, keys).problems] == [p.file for p in again.problems]


def test_replanning_leaves_every_untouched_holder_as_it_was(tmp_path: Path) -> None:
    """Only the holders a record is about are looked at again: every other group, its message and its place stay
    the very objects they were (the console's page reuses what it worked out for them)."""
    settings = Settings(DEMO_CATALOGS, DEMO_CATALOGS / LEDGER_FOLDER, db=tmp_path / "db.sqlite", out=tmp_path)
    before = plan_today(settings, TODAY, loaded=load_day(settings, TODAY))
    department = max(before.departments, key=lambda d: len(d.groups))
    gone = department.groups[1]
    keys = {(*r.certificate.key, r.kind) for r in gone.reminders}
    after = replan(before, keys)
    mine = next(d for d in after.departments if d.department.slug == department.department.slug)
    assert mine.groups == [g for g in department.groups if g is not gone]
    assert all(
        a is b for a, b in zip(mine.groups, [g for g in department.groups if g is not gone], strict=True)
    )
    assert [m for m in mine.sms] == [m for m in department.sms if m[2] is not gone]
    others = [d for d in after.departments if d is not mine]
    assert others == [d for d in before.departments if d is not department]
    assert all(any(o is d for d in before.departments) for o in others)
    assert replan(before, set()) is before


def test_records_of_a_certificates_earlier_expiry_change_nothing_in_the_day(tmp_path: Path) -> None:
    """The plan reads the 登记簿 from the 台账's earliest expiry on: the records of the licences before these
    (done, a wrong number, a failed call — years of them in a bureau) are about none of today's certificates."""
    settings = Settings(DEMO_CATALOGS, DEMO_CATALOGS / LEDGER_FOLDER, db=tmp_path / "db.sqlite", out=tmp_path)
    day = load_day(settings, TODAY)
    before = plan_today(settings, TODAY, loaded=day)
    earlier = [
        replace(r.certificate, expires=r.certificate.expires.replace(year=r.certificate.expires.year - 3))
        for d in before.departments for g in d.groups for r in g.reminders
    ]  # fmt: skip
    assert (
        min(c.expires for c in earlier)
        < day.inputs.ledger.earliest_expiry()
        <= min(r.certificate.expires for d in before.departments for g in d.groups for r in g.reminders)
    )
    with Registry(settings.db) as registry:
        registry.add([
            ReminderRecord(c, kind, "电话", c.expires.replace(day=1), "测试", result, "", "test")
            for n, c in enumerate(earlier)
            for kind, result in ((FIRST, ("已告知", "号码有误", "未接通")[n % 3]), (SECOND, "已告知"))
        ])  # fmt: skip
    assert _shape(plan_today(settings, TODAY, loaded=day)) == _shape(before)


def _full_shape(work: DayWork) -> list[object]:
    return [
        (
            d.department.slug,
            [
                (
                    g.holder,
                    g.phone,
                    g.kind,
                    g.unreachable,
                    g.sms_note,
                    [(r.certificate, r.kind, r.first_missed, r.unreachable, r.attempts) for r in g.reminders],
                )
                for g in d.groups
            ],
            [(phone, text) for phone, text, _ in d.sms],
            sorted((p.file, p.row or 0, p.message) for p in d.problems),
        )
        for d in work.departments
    ]


def test_planning_the_holders_of_failed_calls_again_is_planning_the_day_again(tmp_path: Path) -> None:
    """A failed call, a wrong number or a decline plans only its holder again; the day reads as a plan made
    from scratch, and every other holder is the very object it was."""
    settings = Settings(DEMO_CATALOGS, DEMO_CATALOGS / LEDGER_FOLDER, db=tmp_path / "db.sqlite", out=tmp_path)
    day = load_day(settings, TODAY)
    before = plan_today(settings, TODAY, loaded=day)
    department = max(before.departments, key=lambda d: len(d.groups))
    groups = department.groups
    mobile = [g for g in groups if g.phone.startswith("1") and g.kind != "临期"]
    several = next(g for g in groups if len(g.reminders) > 1)

    def record(group: object, result: str, n: int = 0) -> ReminderRecord:
        r = group.reminders[n]  # type: ignore[attr-defined]
        return ReminderRecord(r.certificate, r.kind, "电话", TODAY, "测试", result, "", "test")

    records = [
        record(mobile[0], "号码有误"), record(mobile[1], "未接通"), record(mobile[1], "未接通"),
        record(several, "持证人表示不再延续", 1), record(mobile[2], "已告知"),
    ]  # fmt: skip
    with Registry(settings.db) as registry:
        last = registry.last_id()
        registry.add_each(records)
        upto = registry.last_id()
        done, _, again = registry.since(last, upto)
    assert again == {department.department.slug}
    kept = replan(before, done)
    after = plan_holders_again(settings, kept, again, last, upto, day)
    assert _full_shape(after) == _full_shape(plan_today(settings, TODAY, loaded=day))
    touched = {id(g) for g in (mobile[0], mobile[1], mobile[2], several)}
    untouched = [
        g for g in groups if id(g) not in touched and g.holder not in {mobile[0].holder, several.holder}
    ]
    mine = next(d for d in after.departments if d.department.slug == department.department.slug)
    assert all(any(g is h for h in mine.groups) for g in untouched)


def test_a_holder_s_rows_found_by_name_are_the_rows_a_walk_over_the_ledger_finds(tmp_path: Path) -> None:
    """holder_rows finds a holder's rows by number and by name (Ledger.rows_named): the same rows, and holders, as
    walking every row that may be due, for certificates due in the demo 台账 (a third without a 证照编号) and for
    keys of none."""
    settings = Settings(DEMO_CATALOGS, DEMO_CATALOGS / LEDGER_FOLDER, db=tmp_path / "db.sqlite", out=tmp_path)
    day = load_day(settings, TODAY)
    schedule, catalogs = day.schedule, day.inputs.catalogs
    numbers = [
        n if i % 3 else " " for i, n in enumerate(day.inputs.ledger.number)
    ]  # a third without a number
    holders = [
        f"甲|{h}" if i % 5 == 0 else h for i, h in enumerate(day.inputs.ledger.holder)
    ]  # a | in a name
    ledger = replace(day.inputs.ledger, number=numbers, holder=holders)

    def walked(certificates: set[CertificateKey]) -> tuple[list[int], set[tuple[str, str, str]]]:
        candidates = due_rows(ledger, schedule, TODAY).tolist()
        holders = set()
        for i in candidates:
            item = catalogs.items[ledger.item[i]]
            key = certificate_key(ledger.number[i], ledger.holder[i], item.certificate)
            if (item.department, key, date.fromordinal(int(ledger.expires[i])).isoformat()) in certificates:
                holders.add(holder_key(item.department, ledger.holder[i], ledger.contact[i], ledger.phone[i],
                                       ledger.email[i]))  # fmt: skip
        rows = [
            i for i in candidates
            if holder_key(catalogs.items[ledger.item[i]].department, ledger.holder[i], ledger.contact[i],
                          ledger.phone[i], ledger.email[i]) in holders
        ]  # fmt: skip
        return rows, holders

    def key_of(i: int) -> CertificateKey:
        item = catalogs.items[ledger.item[i]]
        key = certificate_key(ledger.number[i], ledger.holder[i], item.certificate)
        return item.department, key, date.fromordinal(int(ledger.expires[i])).isoformat()

    due = [key_of(i) for i in due_rows(ledger, schedule, TODAY).tolist()]
    assert any("|" in key for _, key, _ in due) and any("|" not in key for _, key, _ in due)
    assert any(key.count("|") > 1 for _, key, _ in due)  # holder|certificate where the holder holds a | too
    for certificate in due[::5] + [c for c in due if c[1].count("|") > 1][:20]:
        found, holders = holder_rows(ledger, schedule, catalogs, {certificate})
        assert holders and (found.tolist(), holders) == walked({certificate}), certificate
    several = set(due[:40])
    found, holders = holder_rows(ledger, schedule, catalogs, several)
    assert (found.tolist(), holders) == walked(several)
    for none in [("anshan", "NO-SUCH", "2026-12-01"), ("anshan", "没有这个人|营业执照", "2026-12-01")]:
        assert holder_rows(ledger, schedule, catalogs, {none})[0].tolist() == []
