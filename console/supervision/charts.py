"""Charts drawn on the server as inline SVG: no script, a title and description for screen readers.

The numbers a chart shows are always in a table beside it too; the chart is for seeing the weeks at a glance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

# The three ways a due reminder ended, stacked from the axis up; each also counts in 应提醒.
STACK = (("按时完成", "#2e7d32"), ("逾期完成", "#e0a100"), ("未完成", "#c62828"))


@dataclass(frozen=True)
class Frame:
    """The drawing's size and the plot area inside it (SVG user units)."""

    width: int
    height: int
    left: int = 34
    right: int = 8
    top: int = 26
    bottom: int = 22

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom


LARGE, SMALL = Frame(640, 230), Frame(320, 150, left=28, top=8)


def week_chart(
    chart_id: str, title: str, weeks: list[date], weekly: dict[str, list[int]], small: bool = False
) -> Markup:
    """Return an SVG of stacked bars, one per week: 按时完成, 逾期完成 and 未完成 of that week's 应提醒."""
    frame = SMALL if small else LARGE
    due = weekly["应提醒"]
    top = max(max(due, default=0), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {frame.width} '
        f'{frame.height}" aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(describe(weeks, weekly))}</desc>',
        *_axes(frame, top),
        *_bars(frame, weeks, weekly, top),
        *_week_labels(frame, weeks, small),
    ]
    if not small:
        parts += _legend(frame)
    if not any(due):
        parts.append(_text(frame.left + frame.plot_width / 2, frame.top + frame.plot_height / 2,
                           "本期间没有应提醒", "middle"))  # fmt: skip
    parts.append("</svg>")
    return Markup("".join(parts))


def describe(weeks: list[date], weekly: dict[str, list[int]]) -> str:
    """Return the chart in words: the totals, and the busiest week."""
    due = weekly["应提醒"]
    totals = "，".join(f"{name} {sum(weekly[name])}" for name, _ in STACK)
    text = f"共 {len(weeks)} 周，应提醒 {sum(due)} 个：{totals}。"
    if any(due):
        busiest = max(range(len(due)), key=lambda i: due[i])
        text += f"最多的一周（{_day(weeks[busiest])}起）应提醒 {due[busiest]} 个。"
    return text


def _axes(frame: Frame, top: int) -> list[str]:
    bottom, right = frame.top + frame.plot_height, frame.left + frame.plot_width
    lines = [f'<line x1="{frame.left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#555"/>']
    for value in sorted({0, top // 2, top}):
        y = bottom - frame.plot_height * value / top
        lines.append(_text(frame.left - 4, y + 4, str(value), "end"))
        if value:
            lines.append(f'<line x1="{frame.left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#ddd"/>')
    return lines


def _bars(frame: Frame, weeks: list[date], weekly: dict[str, list[int]], top: int) -> list[str]:
    step = frame.plot_width / max(len(weeks), 1)
    width = max(step * 0.7, 1.0)
    bars = []
    for i, week in enumerate(weeks):
        x = frame.left + i * step + (step - width) / 2
        y = frame.top + frame.plot_height
        for name, colour in STACK:
            count = weekly[name][i]
            if not count:
                continue
            height = frame.plot_height * count / top
            y -= height
            bars.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{colour}">'
                f"<title>{escape(_day(week))}起一周：{name} {count}</title></rect>"
            )
    return bars


def _week_labels(frame: Frame, weeks: list[date], small: bool) -> list[str]:
    step = frame.plot_width / max(len(weeks), 1)
    every = max(1, -(-len(weeks) // (4 if small else 8)))
    y = frame.top + frame.plot_height + 15
    return [
        _text(frame.left + i * step + step / 2, y, f"{week.month}/{week.day}", "middle")
        for i, week in enumerate(weeks)
        if i % every == 0
    ]


def _legend(frame: Frame) -> list[str]:
    parts, x = [], float(frame.left)
    for name, colour in STACK:
        parts.append(f'<rect x="{x:.0f}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(x + 16, 16, name, "start"))
        x += 16 + 14 * len(name) + 18
    return parts


def _text(x: float, y: float, text: str, anchor: str) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="12" fill="#1f1f1f" text-anchor="{anchor}">'
        f"{escape(text)}</text>"
    )


def _day(day: date) -> str:
    return f"{day.month}月{day.day}日"
