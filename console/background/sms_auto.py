"""短信自动发送: on each working day of the official calendar, at the set time, the console sends the day's SMS
through the platform — the workflow `jiaozao sms send` runs — and asks the platform for receipts every N minutes.

The background worker (console/background/jobs.py) calls tick() every minute with the console's clock; tests call it with a
pinned one. What ran last is kept in the console database (meta), so a restart or a second console process sends
the day's batch once (and the outbox in the 登记簿 never sends a message twice in any case). A stop of the whole
batch (balance, signature, template, permission) becomes a banner for the administrators and an audit row; the
console tries again every N minutes until it goes through, writing the audit row again only when the reason changes.
With several processes on one PostgreSQL database only the publisher runs the worker (console/background/leader.py); each
tick writes which process ran it (meta sms_tick: host and process id), for the operators and the tests.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from console.background import sms_early
from console.settings import SMS_LATEST, ConsoleSettings
from console.state.department_day import day_if_ready
from console.state.inputs import published, today_of
from console.store import audit
from generator.problems import JiaozaoError
from generator.workflows.published import load_calendar
from generator.workflows.remind import plan_each
from generator.workflows.sms import Platform, Sent, Settled, on_platform, send_sms, settle_sms
from generator.workflows.today import DayWork
from portal.rules.china import china_now

log = logging.getLogger("jiaozao.console")
WHO, WHERE = "工作台", "短信自动发送"
_SEND, _RECEIPTS, _ALERT, _TICK = "sms_send", "sms_receipts", "sms_alert", "sms_tick"


@dataclass(frozen=True)
class LastSend:
    """The last automatic send: its day, when it ran, whether it went through, what it did (per department)."""

    day: str
    at: str
    done: bool
    summary: str
    faults: dict[str, list[str]]  # department → why its template was refused
    held: dict[str, list[str]]  # department → held back (holder: reason)


def now_of(settings: ConsoleSettings) -> datetime:
    """Return the console's clock: China time, on the fixed day when the console works on one (--today)."""
    now = china_now()
    return datetime.combine(settings.today, now.time(), now.tzinfo) if settings.today else now


def tick(
    settings: ConsoleSettings, db: sqlite3.Connection, now: datetime, platform: Platform | None = None
) -> str:
    """Do what is due at `now`: the day's send, else a receipts pull; return what was done ("" for nothing)."""
    if settings.sms is None:
        return ""
    now = now.replace(tzinfo=None)  # China's wall time
    try:
        _write(db, _TICK, {"at": _at(now), "by": f"{socket.gethostname()}:{os.getpid()}"})
        if _send_due(settings, db, now):
            return _send(settings, db, now, platform)
        if _receipts_due(settings, db, now):
            return _receipts(settings, db, now, platform)
    except JiaozaoError as error:  # unreadable inputs: the administrators learn it, the next tick tries again
        _failed(db, now, str(error))
    except Exception as error:  # a fault of 叫早 or an SDK: never silent, never a crashed worker
        log.exception("短信自动发送出错")
        _failed(db, now, f"内部错误（{type(error).__name__}），详见工作台日志")
    return ""


def _failed(db: sqlite3.Connection, now: datetime, reason: str) -> None:
    _alert(db, now, f"短信自动发送没有运行：{reason}")
    last = _read(db, _SEND)
    if last.get("day") != now.date().isoformat() or not last.get("done"):
        _write(db, _SEND, {"day": now.date().isoformat(), "at": _at(now), "done": False, "summary": reason})


def last_send(db: sqlite3.Connection) -> LastSend | None:
    found = _read(db, _SEND)
    if not found:
        return None
    faults, held = found.get("faults"), found.get("held")
    return LastSend(
        str(found.get("day", "")), str(found.get("at", "")), bool(found.get("done")), str(found.get("summary", "")),
        faults if isinstance(faults, dict) else {}, held if isinstance(held, dict) else {},
    )  # fmt: skip


def alert(db: sqlite3.Connection) -> str:
    """Return the banner for the administrators ("" when the last send went through)."""
    return str(_read(db, _ALERT).get("text", ""))


def _send_due(settings: ConsoleSettings, db: sqlite3.Connection, now: datetime) -> bool:
    clock, day = now.time().replace(tzinfo=None), now.date()
    if not settings.sms_send_at <= clock <= SMS_LATEST:
        return False
    last = _read(db, _SEND)
    if last.get("day") == day.isoformat():
        if last.get("done"):
            return False
        if now - _parse(last.get("at")) < timedelta(minutes=settings.sms_receipt_minutes):
            return False  # stopped: tried again every N minutes, not every minute
    return load_calendar(settings.inputs).is_workday(day)


def _receipts_due(settings: ConsoleSettings, db: sqlite3.Connection, now: datetime) -> bool:
    last = _parse(_read(db, _RECEIPTS).get("at"))
    return now - last >= timedelta(minutes=settings.sms_receipt_minutes)


def _send(settings: ConsoleSettings, db: sqlite3.Connection, now: datetime, platform: Platform | None) -> str:
    assert settings.sms is not None
    day = now.date()
    before = _read(db, _SEND)
    claim = {"day": day.isoformat(), "at": _at(now), "done": False, "summary": "正在发送"}
    if not _swap(db, _SEND, before, claim):
        return ""  # another console process took this run
    sent = send_sms(settings.inputs, settings.sms, day, platform, _platform_work(settings, day))
    summary = _sent_text(sent)
    flow = sent.deferred > 0
    done = not sent.stopped or flow  # flow control: the rest goes on the next working day, not again today
    _write(db, _SEND, {**claim, "done": done, "summary": summary, **_per_department(sent)})
    _write(db, _RECEIPTS, {"at": _at(now)})
    audit.log(db, WHO, WHERE, "sms_send", "", f"{day.isoformat()}：{summary}")
    if sent.stopped and not flow:
        _alert(db, now, f"短信自动发送已停止（{day.isoformat()} {now:%H:%M}）：{sent.stopped}")
    elif alert(db):
        _write(db, _ALERT, {})
    return summary


def _platform_work(settings: ConsoleSettings, day: date) -> DayWork:
    """Return the day's plan of the departments whose SMS the platform sends, each from its own day: the one the
    console holds for today when it does, else read and let go (never the province's 台账 at once)."""
    catalogs, _ = published(settings)
    slugs = [d.slug for d in catalogs.departments if on_platform(d)] if catalogs else []
    current = today_of(settings) == day
    return plan_each(
        settings.inputs, day, slugs, lambda slug: day_if_ready(settings, slug) if current else None
    )


def _receipts(
    settings: ConsoleSettings, db: sqlite3.Connection, now: datetime, platform: Platform | None
) -> str:
    assert settings.sms is not None
    _write(db, _RECEIPTS, {"at": _at(now)})
    settled = settle_sms(settings.inputs, settings.sms, now.date(), platform)
    early = sms_early.retry(settings, db, now)  # pushed before their message's answer was written
    summary = "，".join(t for t in (settled_text(settled), settled_text(early) if early else "") if t)
    if summary or settled.stopped:
        audit.log(db, WHO, WHERE, "sms_receipts", "", summary or settled.stopped)
    return summary


def _per_department(sent: Sent) -> dict[str, object]:
    faults = {d.department.slug: d.faults for d in sent.plan.departments if d.faults}
    held = {
        d.department.slug: [f"{h.candidate.holder}：{h.reason}" for h in d.held]
        for d in sent.plan.departments
        if d.held
    }
    return {"faults": faults, "held": held}


def _sent_text(sent: Sent) -> str:
    parts = [f"已提交 {sent.submitted} 条"]
    parts += [f"平台当场拒绝（{kind}）{n} 条" for kind, n in sent.refused.items()]
    if sent.deferred:
        parts.append(f"{sent.deferred} 条因流控推迟到下一个工作日")
    faults = [d.department.name for d in sent.plan.departments if d.faults]
    if faults:
        parts.append(f"{'、'.join(faults)}的短信模板检查未通过，今天未发送")
    if sent.stopped:
        parts.append(f"停止：{sent.stopped}")
    before = settled_text(sent.before)
    return "，".join(parts) + (f"；上次未确定的：{before}" if before else "")


def settled_text(settled: Settled) -> str:
    parts = settled.parts(pending=False)
    if settled.stopped:
        parts.append(settled.stopped)
    return "，".join(parts)


def _alert(db: sqlite3.Connection, now: datetime, text: str) -> None:
    """Show a banner to the administrators and write an audit row (once per reason, not once per try)."""
    if _read(db, _ALERT).get("reason") == text.split("：", 1)[-1]:
        return
    _write(db, _ALERT, {"text": text, "reason": text.split("：", 1)[-1], "at": _at(now)})
    audit.log(db, WHO, WHERE, "sms_stopped", "", text)
    log.warning("%s", text)


def _at(now: datetime) -> str:
    return now.replace(tzinfo=None).isoformat(timespec="seconds")


def _parse(text: object) -> datetime:
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return datetime.combine(date.min, datetime.min.time())


def _read(db: sqlite3.Connection, key: str) -> dict[str, object]:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    try:
        found = json.loads(row[0]) if row else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _write(db: sqlite3.Connection, key: str, value: dict[str, object]) -> None:
    db.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value, ensure_ascii=False))
    )


def _swap(db: sqlite3.Connection, key: str, before: dict[str, object], after: dict[str, object]) -> bool:
    """Replace a value only if it is still what was read (two console processes: one of them runs)."""
    text = json.dumps(after, ensure_ascii=False)
    if not before:
        return db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, text)).rowcount == 1
    cursor = db.execute(
        "UPDATE meta SET value = ? WHERE key = ? AND value = ?",
        (text, key, json.dumps(before, ensure_ascii=False)),
    )
    return cursor.rowcount == 1
