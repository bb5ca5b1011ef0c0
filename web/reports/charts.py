"""Charts drawn on the server as inline SVG: columns, horizontal bars, lines, a share bar.

Pure functions of labels and whole-number values (no database, no JavaScript library). The
SVG is meant to be inlined in the page, so its text takes the page's font (Sarabun / Loma:
Thai renders); colours come from classes that web/static/reports.css styles. Every mark has a
``<title>`` (a tooltip, and what a screen reader reads); the table under a chart holds the
exact figures.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

Format = Callable[[int], str]
FONT_PX = 12
LABEL_GAP = 6


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[int | None]  # None: no value there (a gap in the line, not a zero)
    css: str  # a class: "s-cash", "s-promptpay", "s-net"


def text_width(text: str, px: int = FONT_PX) -> float:
    """A generous estimate of a label's width: Thai vowel and tone marks take no room."""
    wide = sum(1 for ch in text if unicodedata.category(ch) not in ("Mn", "Me"))
    return wide * px * 0.62


def nice_step(span: int, ticks: int = 4) -> int:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` gridlines."""
    if span <= 0:
        return 1
    raw = _ceil_div(span, ticks)
    power = 1
    while power * 10 <= raw:
        power *= 10
    for factor in (1, 2, 5, 10):
        step = power * factor
        if step >= raw:
            return step
    return power * 10


def _scale(values: Sequence[int], ticks: int = 4) -> tuple[int, int, int]:
    """The axis' low and high ends (whole steps, zero included) and the step."""
    low = min([0, *values])
    high = max([0, *values])
    step = nice_step(high - low or 1, ticks)
    low = -_ceil_div(-low, step) * step
    high = _ceil_div(high, step) * step or step
    return low, high, step


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _svg(width: int, height: int, title: str, body: list[str], css: str) -> Markup:
    label = escape(title)
    return Markup(
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{label}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{label}</title>{"".join(body)}</svg>'
    )


def column_chart(
    labels: Sequence[str],
    values: Sequence[int],
    *,
    title: str,
    fmt: Format,
    tips: Sequence[str] | None = None,
    width: int = 1000,
    height: int = 260,
) -> Markup:
    """Vertical bars over time; x labels thinned so they never overlap."""
    low, high, step = _scale(values)
    left = max(text_width(fmt(v)) for v in (low, high)) + LABEL_GAP + 4
    top, bottom = 10, FONT_PX + 14
    plot_w, plot_h = width - left - 8, height - top - bottom

    def y(value: int) -> float:
        return top + plot_h * (high - value) / (high - low)

    body = _grid(low, high, step, fmt, left, width - 8, y)
    n = max(1, len(values))
    slot = plot_w / n
    widest = max((text_width(label) for label in labels), default=0) + LABEL_GAP
    every = max(1, int(-(-widest // slot)))
    zero = y(0)
    for i, value in enumerate(values):
        x = left + i * slot
        bar_top, bar_bottom = sorted((y(value), zero))
        tip = escape(tips[i] if tips else f"{labels[i]}: {fmt(value)}")
        body.append(
            f'<rect class="bar{" negative" if value < 0 else ""}" x="{x + slot * 0.12:.1f}" '
            f'y="{bar_top:.1f}" width="{max(slot * 0.76, 1):.1f}" '
            f'height="{max(bar_bottom - bar_top, 0.5):.1f}"><title>{tip}</title></rect>'
        )
        if i % every == 0:
            body.append(
                f'<text class="tick" x="{x + slot / 2:.1f}" y="{height - 6}" '
                f'text-anchor="middle">{escape(labels[i])}</text>'
            )
    return _svg(width, height, title, body, "columns")


def _grid(
    low: int,
    high: int,
    step: int,
    fmt: Format,
    left: float,
    right: float,
    y: Callable[[int], float],
) -> list[str]:
    lines = []
    for tick in range(low, high + 1, step):
        at = y(tick)
        lines.append(
            f'<line class="{"axis" if tick == 0 else "grid"}" x1="{left:.1f}" x2="{right:.1f}" '
            f'y1="{at:.1f}" y2="{at:.1f}"/>'
            f'<text class="tick" x="{left - LABEL_GAP:.1f}" y="{at + 4:.1f}" '
            f'text-anchor="end">{escape(fmt(tick))}</text>'
        )
    return lines


def bar_chart(
    labels: Sequence[str],
    values: Sequence[int],
    *,
    title: str,
    fmt: Format,
    width: int = 640,
    row: int = 24,
) -> Markup:
    """Horizontal bars, one row per label (long Thai names fit), the value at each bar's end."""
    low, high = min([0, *values]), max([0, *values])
    if low == high:
        high = low + 1
    left = min(max((text_width(label) for label in labels), default=0) + LABEL_GAP * 2, 300)
    values_w = max((text_width(fmt(v)) for v in values), default=0) + LABEL_GAP * 2
    plot_w = width - left - values_w
    height = row * max(1, len(values)) + 8

    def x(value: int) -> float:
        return left + plot_w * (value - low) / (high - low)

    zero = x(0)
    body = [f'<line class="axis" x1="{zero:.1f}" x2="{zero:.1f}" y1="2" y2="{height - 4}"/>']
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        top = 4 + i * row
        start, end = sorted((x(value), zero))
        mid = top + row / 2 + 4
        text = escape(label)
        body.append(
            f'<text class="label" x="{left - LABEL_GAP:.1f}" y="{mid:.1f}" '
            f'text-anchor="end">{text}</text>'
            f'<rect class="bar{" negative" if value < 0 else ""}" x="{start:.1f}" '
            f'y="{top + 3}" width="{max(end - start, 0.5):.1f}" height="{row - 6}">'
            f"<title>{text}: {escape(fmt(value))}</title></rect>"
            f'<text class="value" x="{max(x(value), zero) + LABEL_GAP:.1f}" y="{mid:.1f}">'
            f"{escape(fmt(value))}</text>"
        )
    return _svg(width, height, title, body, "bars")


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    fmt: Format,
    high: int | None = None,
    width: int = 640,
    height: int = 240,
) -> Markup:
    """Lines with a dot and its value at each point (few points: months); a legend on top."""
    every_value = [v for s in series for v in s.values if v is not None]
    low, top_value, step = _scale([*every_value, high or 0])
    if high is not None:
        top_value = high
        step = nice_step(high, 4)
    left = max(text_width(fmt(v)) for v in (low, top_value)) + LABEL_GAP + 4
    top, bottom = 30, FONT_PX + 14
    plot_w, plot_h = width - left - 24, height - top - bottom

    def y(value: int) -> float:
        return top + plot_h * (top_value - value) / (top_value - low or 1)

    body = _grid(low, top_value, step, fmt, left, width - 24, y)
    n = max(1, len(labels))
    slot = plot_w / n

    def x(i: int) -> float:
        return left + slot * (i + 0.5)

    widest = max((text_width(label) for label in labels), default=0) + LABEL_GAP
    every = max(1, int(-(-widest // slot)))
    for i, label in enumerate(labels):
        if i % every == 0:
            body.append(
                f'<text class="tick" x="{x(i):.1f}" y="{height - 6}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    legend_x = left
    for s in series:
        for run in _runs(s.values):
            points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in run)
            body.append(f'<polyline class="line {s.css}" points="{points}"/>')
        for i, v in ((i, v) for i, v in enumerate(s.values) if v is not None):
            tip = escape(f"{s.name} {labels[i]}: {fmt(v)}")
            body.append(
                f'<circle class="dot {s.css}" cx="{x(i):.1f}" cy="{y(v):.1f}" r="4">'
                f"<title>{tip}</title></circle>"
            )
            if len(s.values) <= 14:
                body.append(
                    f'<text class="value" x="{x(i):.1f}" y="{y(v) - 9:.1f}" '
                    f'text-anchor="middle">{escape(fmt(v))}</text>'
                )
        body.append(
            f'<rect class="swatch {s.css}" x="{legend_x:.1f}" y="6" width="12" height="12"/>'
            f'<text class="legend" x="{legend_x + 16:.1f}" y="16">{escape(s.name)}</text>'
        )
        legend_x += text_width(s.name) + 40
    return _svg(width, height, title, body, "lines")


def _runs(values: Sequence[int | None]) -> list[list[tuple[int, int]]]:
    """The unbroken stretches of a series: (index, value) pairs between its gaps."""
    runs: list[list[tuple[int, int]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((i, value))
    return [run for run in runs if run]


def share_bar(
    parts: Sequence[tuple[str, int, str]],
    *,
    title: str,
    fmt: Format,
    width: int = 640,
    height: int = 64,
) -> Markup:
    """One bar split into parts (name, value, css class), each labelled with ``fmt(value)``
    where it has room; a zero whole draws an empty outline."""
    whole = sum(max(value, 0) for _, value, _ in parts)
    labelled = 0
    body = [f'<rect class="frame" x="0.5" y="0.5" width="{width - 1}" height="{height - 25}"/>']
    x = 0.0
    for name, value, css in parts:
        share = max(value, 0) / whole if whole else 0
        w = width * share
        tip = escape(f"{name}: {fmt(value)}")
        if w > 0:
            body.append(
                f'<rect class="part {css}" x="{x:.1f}" y="0" width="{w:.1f}" '
                f'height="{height - 24}"><title>{tip}</title></rect>'
            )
        label = f"{name} {fmt(value)}"
        if w > text_width(label) + LABEL_GAP * 2:
            labelled += 1
            middle = (height - 24) / 2 + 5
            body.append(
                f'<text class="inside" x="{x + LABEL_GAP:.1f}" y="{middle:.1f}">'
                f"{escape(label)}</text>"
            )
        x += w
    if labelled == len(parts):  # every part carries its own label: no legend needed
        return _svg(width, height - 24, title, body, "share")
    legend_x = 0.0
    for name, value, css in parts:
        body.append(
            f'<rect class="swatch {css}" x="{legend_x:.1f}" y="{height - 16}" width="12" '
            f'height="12"/><text class="legend" x="{legend_x + 16:.1f}" y="{height - 6}">'
            f"{escape(name)} {escape(fmt(value))}</text>"
        )
        legend_x += text_width(f"{name} {fmt(value)}") + 40
    return _svg(width, height, title, body, "share")
