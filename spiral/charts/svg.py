"""Small building blocks shared by the SVG charts: escaping, scales, the outer element.

Every chart is one ``<svg>`` element with ``role="img"``, a ``<title>`` and a ``<desc>``
(read by screen readers), drawn with GOV.UK colours, no script and no external file, so the
same text serves a web page, an HTML report and a PDF.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from html import escape

__all__ = ["COLOURS", "LinearScale", "chart_id", "document", "nice_ticks", "number"]

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


def number(value: float, digits: int = 1) -> str:
    """A figure as shown on a chart: rounded, thousands separated.

    Examples
    --------
    >>> number(12345.678), number(0.25, 2)
    ('12,345.7', '0.25')
    """
    return f"{value:,.{digits}f}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``low`` to ``high`` (steps of 1, 2 or 5 times a power of 10).

    Examples
    --------
    >>> nice_ticks(0, 9.3)
    [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    """
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

    Examples
    --------
    >>> scale = LinearScale((0, 10), (100, 200))
    >>> scale(5)
    150.0
    """

    def __init__(self, domain: Sequence[float], pixels: Sequence[float]) -> None:
        self.low, self.high = float(domain[0]), float(domain[1])
        if self.high == self.low:
            self.high = self.low + 1.0
        self.start, self.stop = float(pixels[0]), float(pixels[1])

    def __call__(self, value: float) -> float:
        share = (float(value) - self.low) / (self.high - self.low)
        return round(self.start + share * (self.stop - self.start), 2)


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
