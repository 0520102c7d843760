"""The building blocks shared by Spiral's SVG charts: number format, scales, ticks, axes
and the accessible outer element.

Every chart is one ``<svg>`` element with ``role="img"``, a ``<title>`` and a ``<desc>``
(read by screen readers), drawn with GOV.UK colours, no script and no external file, so the
same text serves a web page, an HTML report and a PDF; a page always puts a table of the same
figures beside it.

Two layouts share these parts: the sized charts (funnel, trend, spine) place elements with a
:class:`LinearScale` and wrap them with :func:`document`; the period charts (lines, SPC) use
the fixed :data:`WIDTH` by :data:`HEIGHT` plot area of a :class:`Frame` and wrap them with
:func:`wrap`, which adds a legend and a style sheet.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = [
    "COLOURS",
    "HEIGHT",
    "WIDTH",
    "Frame",
    "LinearScale",
    "axes",
    "chart_id",
    "document",
    "frame_for",
    "nice_ticks",
    "number",
    "polyline",
    "wrap",
]

COLOURS = {
    "text": "#0b0c0c",
    "grey": "#505a5f",
    "light": "#b1b4b6",
    "band": "#d2e2f1",
    "blue": "#1d70b8",
    "better": "#00703c",
    "similar": "#ffdd00",
    "worse": "#d4351c",
    "none": "#b1b4b6",
    "area": "#0b0c0c",
}


def number(value: float, digits: int | None = 1) -> str:
    """A figure as shown on a chart: rounded, thousands separated.

    With ``digits`` a whole number, the figure has that many decimals. With ``digits=None``
    (axes and labels of the period charts) it has up to three significant figures and no
    trailing zeros, figures of 100 or more are shown whole, and a missing figure is a dash.

    Examples
    --------
    >>> number(12345.678), number(0.25, 2)
    ('12,345.7', '0.25')
    >>> number(12.5, None), number(1234.0, None), number(0.12345, None)
    ('12.5', '1,234', '0.123')
    >>> number(float("nan"), None)
    '–'
    """
    if digits is not None:
        return f"{value:,.{digits}f}"
    if not math.isfinite(value):
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def nice_ticks(low: float, high: float, count: int = 5, *, nice: bool = True) -> list[float]:
    """Round tick values covering ``low`` to ``high`` (steps of 1, 2 or 5 times a power of 10).

    With ``nice=False`` the ticks are instead ``count + 1`` evenly spaced values from exactly
    ``low`` to exactly ``high`` (the period charts, whose frame has a padded range).

    Examples
    --------
    >>> nice_ticks(0, 9.3)
    [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    >>> nice_ticks(-0.5, 10.5, 2, nice=False)
    [-0.5, 5.0, 10.5]
    """
    if not nice:
        return [low + (high - low) * k / count for k in range(count + 1)]
    if not math.isfinite(low) or not math.isfinite(high):
        return [0.0, 1.0]
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step)
    last = math.ceil(high / step)
    ticks = [float(round(index * step, 10)) for index in range(first, last + 1)]
    return ticks


class LinearScale:
    """Map a data range onto a pixel range.

    Positions are rounded to ``digits`` decimals (two by default); ``digits=None`` leaves
    them unrounded, for charts that format positions themselves.

    Examples
    --------
    >>> scale = LinearScale((0, 10), (100, 200))
    >>> scale(5)
    150.0
    >>> LinearScale((0, 3), (0, 1))(1), LinearScale((0, 3), (0, 1), digits=None)(1)
    (0.33, 0.3333333333333333)
    """

    def __init__(
        self, domain: Sequence[float], pixels: Sequence[float], digits: int | None = 2
    ) -> None:
        self.low, self.high = float(domain[0]), float(domain[1])
        if self.high == self.low:
            self.high = self.low + 1.0
        self.start, self.stop = float(pixels[0]), float(pixels[1])
        self.digits = digits

    def __call__(self, value: float) -> float:
        share = (float(value) - self.low) / (self.high - self.low)
        position = self.start + share * (self.stop - self.start)
        return position if self.digits is None else round(position, self.digits)


def chart_id(*parts: object) -> str:
    """A stable id for elements of one chart (the same input gives the same id).

    Examples
    --------
    >>> chart_id("Smoking", 3) == chart_id("Smoking", 3), chart_id("a")[:6]
    (True, 'chart-')
    """
    text = "|".join(str(part) for part in parts)
    return "chart-" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:10]


def document(width: int, height: int, title: str, description: str, body: Sequence[str]) -> str:
    """The outer ``<svg>`` element, accessible, around the drawn ``body``.

    Examples
    --------
    >>> document(10, 10, "A & B", "Nothing", [])[:40]
    '<svg xmlns="http://www.w3.org/2000/svg" '
    """
    key = chart_id(title, description)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{key}-t {key}-d" '
        f'font-family="Arial, Helvetica, sans-serif" font-size="12">'
        f'<title id="{key}-t">{escape(title)}</title>'
        f'<desc id="{key}-d">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


# The plot area of the period charts (lines, SPC), in pixels.
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


def polyline(frame: Frame, values: Sequence[float], css: str, dash: str = "") -> str:
    """A line through the finite values (gaps break it).

    Examples
    --------
    >>> frame = frame_for(3, [0.0, 10.0])
    >>> polyline(frame, [0.0, float("nan"), 10.0], "value").count("<polyline")
    2
    """
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
    """The vertical scale with grid lines and, below, up to eight period labels.

    Examples
    --------
    >>> out = axes(frame_for(2, [0.0, 10.0]), ["Q1", "Q2"])
    >>> out.count('class="grid"'), ">Q2</text>" in out
    (6, True)
    """
    out: list[str] = []
    for value in nice_ticks(frame.low, frame.high, ticks, nice=False):
        y = frame.y(value)
        shown = escape(number(value, None))
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{shown}</text>'
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
