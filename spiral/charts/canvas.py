"""The frame shared by Spiral's charts: scales, axes, escaping and the accessible wrapper.

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` naming what it
shows; a page always puts a table of the same figures beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 720
HEIGHT = 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 48


@dataclass(frozen=True)
class Frame:
    """Maps data to the plot area: ``n`` points across, ``low``..``high`` up."""

    n: int
    low: float
    high: float

    def x(self, index: int) -> float:
        """The horizontal position of point ``index`` (0-based)."""
        span = WIDTH - LEFT - RIGHT
        return LEFT + (span * index / (self.n - 1) if self.n > 1 else span / 2)

    def y(self, value: float) -> float:
        """The vertical position of ``value``."""
        span = HEIGHT - TOP - BOTTOM
        return TOP + span * (self.high - value) / (self.high - self.low)


def frame_for(n: int, values: Sequence[float]) -> Frame:
    """A frame whose vertical range holds every finite value with a little room.

    Examples
    --------
    >>> frame = frame_for(3, [0.0, 10.0])
    >>> (frame.low, frame.high)
    (-0.5, 10.5)
    """
    finite = [v for v in values if math.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
    pad = (high - low) * 0.05 or max(abs(high) * 0.05, 1.0)
    return Frame(n=max(n, 1), low=low - pad, high=high + pad)


def fmt(value: float) -> str:
    """A figure for an axis or label: up to three significant decimals, no trailing zeros.

    Examples
    --------
    >>> fmt(12.5), fmt(1234.0), fmt(0.12345)
    ('12.5', '1,234', '0.123')
    """
    if not math.isfinite(value):
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def polyline(frame: Frame, values: Sequence[float], css: str, dash: str = "") -> str:
    """A line through the finite values (gaps break it)."""
    parts: list[str] = []
    run: list[str] = []
    for i, v in enumerate(values):
        if math.isfinite(v):
            run.append(f"{frame.x(i):.1f},{frame.y(v):.1f}")
        elif run:
            parts.append(" ".join(run))
            run = []
    if run:
        parts.append(" ".join(run))
    style = f' stroke-dasharray="{dash}"' if dash else ""
    return "".join(f'<polyline points="{p}" fill="none" class="{css}"{style}/>' for p in parts if p)


def axes(frame: Frame, labels: Sequence[str], ticks: int = 5) -> str:
    """The vertical scale with grid lines and, below, up to eight period labels."""
    out: list[str] = []
    for k in range(ticks + 1):
        value = frame.low + (frame.high - frame.low) * k / ticks
        y = frame.y(value)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt(value))}</text>'
        )
    step = max(1, math.ceil(len(labels) / 8))
    for i in range(0, len(labels), step):
        out.append(
            f'<text x="{frame.x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">'
            f"{escape(str(labels[i]))}</text>"
        )
    return "".join(out)


STYLE = (
    "<style>text{font:12px sans-serif;fill:#0b0c0c}.grid{stroke:#e5e5e5}"
    ".value{stroke:#1d70b8;stroke-width:2}.centre{stroke:#505a5f}"
    ".limit{stroke:#505a5f}.target{stroke:#00703c;stroke-width:2}"
    ".profile{stroke:#505a5f;stroke-width:2}.improvement{fill:#1d70b8}"
    ".concern{fill:#f47738}.neither{fill:#912b88}.common{fill:#b1b4b6}</style>"
)


def wrap(ident: str, title: str, desc: str, body: str, legend: Sequence[tuple[str, str]]) -> str:
    """The accessible ``<svg>`` element around a chart's body, with a legend below.

    ``legend`` pairs a CSS class with its words; classes for points (``improvement``,
    ``concern``, ``neither``, ``common``) are drawn as dots, the others as lines.

    Examples
    --------
    >>> svg = wrap("c1", "A title", "What it shows", "", [("value", "Value")])
    >>> svg.startswith('<svg') and 'role="img"' in svg and '<title id="c1-title">A' in svg
    True
    """
    dots = {"improvement", "concern", "neither", "common"}
    key: list[str] = []
    for i, (css, text) in enumerate(legend):
        x = LEFT + 108 * i
        mark = (
            f'<circle cx="{x + 6}" cy="{HEIGHT - 14}" r="4" class="{css}"/>'
            if css in dots
            else f'<line x1="{x}" x2="{x + 14}" y1="{HEIGHT - 14}" y2="{HEIGHT - 14}" '
            f'class="{css}"/>'
        )
        key.append(f'{mark}<text x="{x + 18}" y="{HEIGHT - 10}">{escape(text)}</text>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" class="spiral-chart" '
        f'style="max-width:100%;height:auto">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>{STYLE}{body}{"".join(key)}</svg>'
    )
