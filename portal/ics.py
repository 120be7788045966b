"""A certificate's dates as an iCalendar file (RFC 5545) for the holder's phone calendar."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from portal.certificate import CertificateView


def calendar_file(certificate: CertificateView, built_on: date) -> str:
    """Return a VCALENDAR with an all-day event (and a 9:00 alarm) for each reminder date, the deadline and expiry."""
    c, renewal = certificate, certificate.renewal
    what = f"{c.certificate}（{c.number}）"
    place = renewal.address
    details = [
        f"持证单位（个人）：{c.holder}",
        f"期满日期：{c.expires_on.isoformat()}",
        f"发证部门：{c.department}",
    ]
    if renewal.materials:
        details.append("续证材料：" + "；".join(renewal.materials))
    details += [f"办理地点：{place}", f"咨询电话：{renewal.phone}"]
    if renewal.online_url:
        details.append(f"网上办理：{renewal.online_url}")
    if c.deadline_passed and renewal.deadline:
        details.insert(
            0, f"法定申请截止日 {renewal.deadline.isoformat()} 已过，请立即联系办理部门（{renewal.phone}）。"
        )
    description = "\n".join(details)
    events = [
        ("first", c.first_reminder_on, f"证照即将到期，请准备续证：{what}"),
        ("second", c.second_reminder_on, f"再次提醒：尽快申请延续{what}"),
        ("deadline", renewal.deadline, f"今天是申请延续的法定最后期限：{what}"),
        ("expiry", c.expires_on, f"证照今天期满：{what}"),
    ]
    seed = hashlib.blake2b(
        f"{c.department_code}\x1f{c.number}\x1f{c.expires_on}".encode(), digest_size=8
    ).hexdigest()
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Jiaozao//证照到期提醒//ZH", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH", f"X-WR-CALNAME:{_text(c.certificate + '到期提醒')}",
    ]  # fmt: skip
    for kind, day, summary in events:
        if day is None or day < c.today_on:
            continue  # a day already past on the day it is served would only alert about the past
        lines += [
            "BEGIN:VEVENT",
            f"UID:{seed}-{kind}@jiaozao",
            f"DTSTAMP:{built_on.strftime('%Y%m%d')}T000000Z",
            f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(day + timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{_text(summary)}",
            f"DESCRIPTION:{_text(description)}",
            f"LOCATION:{_text(place)}",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{_text(summary)}", "TRIGGER:PT9H", "END:VALARM",
            "END:VEVENT",
        ]  # fmt: skip
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newline."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r", "")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74  # continuation lines start with a space
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)
