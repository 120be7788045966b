"""SMS through the platform: the day's plan (as `jiaozao remind` makes it) → the outbox → the platform, and the
platform's receipts → the outbox → the 登记簿. Nothing is sent twice: see generator.reminders.smsoutbox."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby

from generator.catalog.model import Department
from generator.config import Settings
from generator.pipeline import load_calendar
from generator.reminders.batch import DayWork
from generator.reminders.registry import SMS_DELIVERED, SMS_NO_RECEIPT, WRONG_NUMBER, Registry, ReminderRecord
from generator.reminders.sms import segments as segments
from generator.reminders.sms import sms_length as sms_length
from generator.reminders.smsoutbox import DELIVERED as DELIVERED
from generator.reminders.smsoutbox import FAILED as FAILED
from generator.reminders.smsoutbox import NO_RECEIPT as NO_RECEIPT
from generator.reminders.smsoutbox import SUBMITTED as SUBMITTED
from generator.reminders.smsoutbox import SUBMITTING as SUBMITTING
from generator.reminders.smsoutbox import WAITING as WAITING
from generator.reminders.smsoutbox import Candidate, Held, SmsOutbox
from generator.reminders.smsoutbox import Message as Message
from generator.reminders.smsoutbox import day_batch as day_batch
from generator.reminders.smsplatform import fill_params, preflight, too_long_params
from generator.reminders.smsplatform import on_platform as on_platform
from generator.sms import classify
from generator.sms.classify import Failure
from generator.sms.connect import platform_for
from generator.sms.platform import (
    Answer,
    Call,
    Outgoing,
    PlatformError,
    PlatformUncertain,
    PlatformUnreachable,
)
from generator.sms.platform import Platform as Platform
from generator.sms.platform import Receipt as Receipt
from generator.sms.pushed import ACKNOWLEDGEMENTS as ACKNOWLEDGEMENTS
from generator.sms.pushed import PushUnreadable as PushUnreadable
from generator.sms.pushed import read_push as read_push
from generator.sms.settings import SmsSettings as SmsSettings
from generator.workdays import WorkdayCalendar
from generator.workflows.remind import plan_today

# What a settled failure is recorded as in the 登记簿 (联系结果); the class goes in the remark (短信：空号).
_RESULT_OF = {classify.BAD_NUMBER: WRONG_NUMBER, classify.REFUSED: "其他", classify.UNREACHABLE: "未接通"}
_CHUNK = 5_000  # settled messages written to the 登记簿 and the outbox at a time (memory stays flat)


@dataclass
class DepartmentSms:
    """One department's messages of the day, or why its template cannot be used."""

    department: Department
    candidates: list[Candidate] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)  # the pre-flight refused the department
    held: list[Held] = field(default_factory=list)


@dataclass
class SmsPlan:
    """The day's plan and what it sends through the platform."""

    work: DayWork
    departments: list[DepartmentSms]


@dataclass
class Settled:
    """What asking the platform settled."""

    delivered: int = 0
    failed: Counter[str] = field(default_factory=Counter)  # by class
    retry: int = 0
    no_receipt: int = 0
    taken: int = 0  # left 提交中, now known to the platform
    waiting: int = 0  # still without a receipt
    stopped: str = ""

    def parts(self, pending: bool) -> list[str]:
        """Return what was settled as staff read it (已送达 3 条, 失败（空号）1 条…); pending: also the messages the
        platform has taken or that still wait for a receipt."""
        parts = [f"已送达 {self.delivered} 条"] if self.delivered else []
        parts += [f"失败（{kind}）{n} 条" for kind, n in self.failed.items()]
        if self.retry:
            parts.append(f"下一个工作日重发 {self.retry} 条")
        if self.no_receipt:
            parts.append(f"未回执 {self.no_receipt} 条")
        if pending and self.taken:
            parts.append(f"平台确认已收到 {self.taken} 条")
        if pending and self.waiting:
            parts.append(f"已提交未回执 {self.waiting} 条")
        return parts


@dataclass
class Sent:
    """What `jiaozao sms send` did."""

    plan: SmsPlan
    before: Settled
    submitted: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    deferred: int = 0
    uncertain: int = 0
    stopped: str = ""


def plan_sms(
    settings: Settings, sms: SmsSettings, today: date, platform: Platform | None = None,
    work: DayWork | None = None,
) -> SmsPlan:  # fmt: skip
    """Return the messages due today through the platform, per department (checked, nothing written).
    work: the day's plan already made (the console's, department by department), else it is made here."""
    platform = platform or platform_for(sms)
    work = plan_today(settings, today) if work is None else work
    departments = []
    for item in work.departments:
        if not on_platform(item.department):
            continue
        plan = DepartmentSms(item.department, faults=preflight(item.department, platform.same_params))
        if not plan.faults:
            for phone, text, group in item.sms:
                params = fill_params(item.department, group)
                about = tuple((r.certificate, r.kind) for r in group.reminders)
                c = Candidate(item.department.slug, group.holder, phone, item.department.sms_signature,
                              item.department.sms_template_code, params, text, about)  # fmt: skip
                long = too_long_params(params, platform.param_limit)
                if long:
                    plan.held.append(
                        Held(
                            c,
                            f"模板参数 {'、'.join(long)} 超过{platform.name}每个变量 {platform.param_limit} 字的上限",
                        )
                    )
                else:
                    plan.candidates.append(c)
        departments.append(plan)
    return SmsPlan(work, departments)


def send_sms(
    settings: Settings, sms: SmsSettings, today: date, platform: Platform | None = None,
    work: DayWork | None = None,
) -> Sent:  # fmt: skip
    """Settle what an earlier run left uncertain, queue today's messages and send every waiting one."""
    platform = platform or platform_for(sms)
    plan = plan_sms(settings, sms, today, platform, work)
    calendar = load_calendar(settings)
    next_day = _next_workday(calendar, today)
    with SmsOutbox(settings.registry, sms.provider) as outbox, Registry(settings.registry) as registry:
        before = _settle(outbox, registry, platform, sms, today, next_day, only_submitting=True)
        sent = Sent(plan, before)
        for department in plan.departments:
            department.held += outbox.queue(today, department.candidates, sms.daily_cap)
        if before.stopped:
            sent.stopped = before.stopped
            return sent
        calls = _calls(outbox.waiting(today), platform)
        waiting = [
            m.key for call in calls for m in call.messages
        ]  # ids only: the calls carry number and parameters
        for call in calls:
            out_id = outbox.begin_call([m.key for m in call.messages], today)
            mine = outbox.carried(
                out_id
            )  # a second process that read the same waiting rows sends none of them
            call = Call(out_id, call.sign, call.template, tuple(m for m in call.messages if m.key in mine))
            keys = [m.key for m in call.messages]
            if not keys:
                continue
            try:
                answers = platform.send(call)
            except PlatformError as error:
                flow = error.failure.kind == classify.FLOW_CONTROL
                outbox.back(keys, next_day if flow else today)
                if flow:  # back off to the next working day, all of them
                    taken = set(keys)
                    rest = [key for key in waiting if key not in taken]
                    outbox.defer(rest, next_day)
                    sent.deferred += len(keys) + len(rest)
                sent.stopped = str(error) + ("（流控：其余短信推迟到下一个工作日发送）" if flow else "")
                break
            except PlatformUnreachable as error:
                outbox.back(keys, today)
                sent.stopped = str(error)
                break
            except PlatformUncertain as error:
                sent.uncertain += len(keys)
                sent.stopped = f"{error}：这 {len(keys)} 条是否已发出不确定，下次运行会向平台查询，不会重发"
                break
            sent.submitted += _answered(outbox, registry, sms, answers, today, next_day, sent)
    return sent


def settle_sms(
    settings: Settings, sms: SmsSettings, today: date, platform: Platform | None = None
) -> Settled:
    """Ask the platform what became of every message not settled yet, and record each settled one."""
    platform = platform or platform_for(sms)
    next_day = _next_workday(load_calendar(settings), today)
    with SmsOutbox(settings.registry, sms.provider) as outbox, Registry(settings.registry) as registry:
        return _settle(outbox, registry, platform, sms, today, next_day, only_submitting=False)


def _calls(waiting: list[Message], platform: Platform) -> list[Call]:
    """Return the calls that carry the waiting messages: same signature and template (and parameters where the
    platform takes one set per call), at most the platform's numbers per call, a number at most once a call."""

    def key(m: Message) -> tuple[object, ...]:
        return (m.sign, m.template, m.params if platform.same_params else ())

    calls = []
    for (sign, template, _), group in groupby(sorted(waiting, key=key), key=key):
        batch: list[Outgoing] = []
        for m in group:
            if len(batch) == platform.most or any(o.phone == m.phone for o in batch):
                calls.append(Call("", str(sign), str(template), tuple(batch)))
                batch = []
            batch.append(Outgoing(m.id, m.phone, m.params))
        if batch:
            calls.append(Call("", str(sign), str(template), tuple(batch)))
    return calls


def _answered(
    outbox: SmsOutbox,
    registry: Registry,
    sms: SmsSettings,
    answers: list[Answer],
    today: date,
    next_day: date,
    sent: Sent,
) -> int:
    taken = [(a.key, a.serial) for a in answers if a.failure is None]
    outbox.submitted(taken)
    failures = [(a.key, a.failure) for a in answers if a.failure is not None]
    for key, failure in failures:
        sent.refused[failure.kind] += 1
        if failure.kind in (classify.FLOW_CONTROL, classify.CONFIGURATION):
            outbox.back([key], next_day if failure.kind == classify.FLOW_CONTROL else today)
    final = [(k, f) for k, f in failures if f.kind not in (classify.FLOW_CONTROL, classify.CONFIGURATION)]
    if final:
        _record(outbox, registry, sms, [(k, f, today) for k, f in final], today, next_day)
    return len(taken)


def _settle(
    outbox: SmsOutbox, registry: Registry, platform: Platform, sms: SmsSettings, today: date, next_day: date,
    *, only_submitting: bool,
) -> Settled:  # fmt: skip
    settled = Settled()
    messages = [m for m in outbox.unsettled() if not only_submitting or m.state == SUBMITTING]
    if not messages:
        return settled
    found: dict[tuple[str, str], list[Receipt]] = {}
    try:
        if not only_submitting:
            for r in platform.pull():
                found.setdefault((r.out_id, r.phone), []).append(r)
        asked: set[tuple[str, str]] = set()
        for m in messages:
            if (m.out_id, m.phone) in found and _final(found[(m.out_id, m.phone)]):
                continue
            day = m.submitted_on or m.made_on.isoformat()
            if (m.phone, day) in asked:
                continue
            asked.add((m.phone, day))
            for r in platform.query(m.phone, date.fromisoformat(day)):
                found.setdefault((r.out_id, r.phone), []).append(r)
    except (PlatformError, PlatformUnreachable, PlatformUncertain) as error:
        settled.stopped = f"向平台查询回执时出错：{error}"
    outcomes: list[tuple[int, Failure | None, date]] = []
    for m in messages:
        receipts = found.get((m.out_id, m.phone), [])
        final = _final(receipts)
        submitted = date.fromisoformat(m.submitted_on or m.made_on.isoformat())
        if final is not None:
            outcomes.append(
                (
                    m.id,
                    None
                    if final.kind == classify.DELIVERED
                    else Failure(final.kind, final.code, final.description),
                    submitted,
                )
            )
        elif receipts and m.state == SUBMITTING:
            outbox.settle(today, [(m.id, SUBMITTED, "", "", None)])
            settled.taken += 1
        elif (today - submitted).days > platform.window:
            outcomes.append((m.id, Failure(classify.NO_RECEIPT, ""), submitted))
        else:
            settled.waiting += 1
    for _, failure, _ in outcomes:
        if failure is None:
            settled.delivered += 1
        elif failure.kind == classify.NO_RECEIPT:
            settled.no_receipt += 1
        else:
            settled.failed[failure.kind] += 1
    del messages, found  # what is left to hold is the outcomes, written a chunk at a time
    for start in range(0, len(outcomes), _CHUNK):
        settled.retry += _record(outbox, registry, sms, outcomes[start : start + _CHUNK], today, next_day)
    return settled


def _final(receipts: list[Receipt]) -> Receipt | None:
    """Return the receipt that settles a message: a delivery wins over a failure, any order, any repeats."""
    done = [r for r in receipts if r.kind]
    delivered = [r for r in done if r.kind == classify.DELIVERED]
    return (delivered or done)[0] if done else None


def _record(
    outbox: SmsOutbox, registry: Registry, sms: SmsSettings, outcomes: list[tuple[int, Failure | None, date]],
    today: date, next_day: date,
) -> int:  # fmt: skip
    """Write each settled message to the 登记簿 and the outbox; return how many go back for their one retry."""
    by_id = {m.id: m for m in outbox.with_ids(k for k, _, _ in outcomes)}  # not every message: a push is 100
    records: list[ReminderRecord] = []
    states: list[tuple[int, str, str, str, date | None]] = []
    retries = 0
    for key, failure, sent_on in outcomes:
        m = by_id[key]
        temporary = failure is not None and failure.kind in (classify.UNREACHABLE, classify.FLOW_CONTROL)
        if temporary and m.attempt < 2:
            states.append((key, "", failure.kind, failure.code, next_day))  # type: ignore[union-attr]
            retries += 1
            continue
        if failure is None:
            state, result, remark = DELIVERED, SMS_DELIVERED, m.phone
        elif failure.kind == classify.NO_RECEIPT:
            state, result, remark = (
                NO_RECEIPT,
                SMS_NO_RECEIPT,
                f"短信：平台 {sms.platform_name} 未回执（{m.phone}）",
            )
        else:
            state, result = FAILED, _RESULT_OF.get(failure.kind, "其他")
            remark = f"短信：{failure.kind}（{m.phone}{'，' + failure.code if failure.code else ''}）"
        source = f"短信平台 {m.out_id} {m.serial}".strip()
        records += [
            ReminderRecord(c, kind, "短信", sent_on, sms.by_whom, result, remark, source)
            for c, kind in outbox.certificates(key)
        ]
        states.append((key, state, failure.kind if failure else "", failure.code if failure else "", None))
    registry.add(
        records
    )  # first the 登记簿 (a repeat adds nothing), then the outbox: a crash between is harmless
    outbox.settle(today, states)
    return retries


def _next_workday(calendar: WorkdayCalendar, day: date) -> date:
    following = day + timedelta(days=1)
    while not calendar.is_workday(following):
        following += timedelta(days=1)
    return following


def settle_pushed(
    settings: Settings, sms: SmsSettings, today: date, receipts: list[Receipt]
) -> tuple[Settled, list[Receipt]]:
    """Record the receipts a platform pushed (batched, out of order, repeated): each message not settled yet that
    a final receipt names — by its call id (OutId / SessionContext) and number, else by BizId/SerialNo and number —
    is settled once, as `jiaozao sms receipts` settles it; a repeat for a settled message changes nothing. Return
    what was settled and the final receipts that name no message (yet): one that came before the answer to its send
    was written (云MAS names a message by that answer's msgGroup only)."""
    settled = Settled()
    next_day = _next_workday(load_calendar(settings), today)
    final = [r for r in receipts if r.kind]
    with SmsOutbox(settings.registry, sms.provider) as outbox, Registry(settings.registry) as registry:
        messages = outbox.to_numbers(r.phone for r in final)
        outcomes: list[tuple[int, Failure | None, date]] = []
        known: set[int] = set()  # the receipts that name a message, settled or not
        for m in messages:
            found = [
                (i, r) for i, r in enumerate(final)
                if r.phone == m.phone and ((r.out_id and r.out_id == m.out_id) or (r.serial and r.serial == m.serial))
            ]  # fmt: skip
            known |= {i for i, _ in found}
            chosen = _final([r for _, r in found]) if m.state in (SUBMITTING, SUBMITTED) else None
            if chosen is None:
                continue
            failure = (
                None
                if chosen.kind == classify.DELIVERED
                else Failure(chosen.kind, chosen.code, chosen.description)
            )
            outcomes.append((m.id, failure, date.fromisoformat(m.submitted_on or m.made_on.isoformat())))
            if failure is None:
                settled.delivered += 1
            else:
                settled.failed[failure.kind] += 1
        settled.retry = _record(outbox, registry, sms, outcomes, today, next_day)
    return settled, [r for i, r in enumerate(final) if i not in known]
