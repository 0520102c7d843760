"""A horizontal bar chart as accessible inline SVG (for market shares and cost breakdowns)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["bar_chart"]


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    description: str,
    value_format: str = "{:,.0f}",
    width: int = 640,
    bar_height: int = 22,
    label_width: int = 250,
) -> str:
    """Draw one bar per label, longest value the full width, with the value at each bar's end.

    The SVG has ``role="img"`` with a ``<title>`` and a ``<desc>``; the page must show the
    same figures in a table beside it.

    Examples
    --------
    >>> svg = bar_chart(["A & Co", "B"], [30.0, 10.0], title="Shares", description="Two.",
    ...                 value_format="{:.0f}%")
    >>> svg.startswith('<svg') and 'role="img"' in svg and "<title" in svg
    True
    >>> "A &amp; Co" in svg and "30%" in svg
    True
    >>> bar_chart([], [], title="None", description="Empty.").count("<rect")
    0
    """
    if len(labels) != len(values):
        raise ValueError("labels and values must be the same length")
    gap = 8
    top = 8
    height = top * 2 + len(labels) * (bar_height + gap)
    room = width - label_width - 90
    largest = max((abs(v) for v in values), default=0.0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spiral-chart" role="img" '
        f'aria-labelledby="chart-title chart-desc" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
    ]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + index * (bar_height + gap)
        length = max(room * abs(value) / largest, 1.0)
        text_y = y + bar_height * 0.7
        shown = label if len(label) <= 30 else label[:29] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{text_y:.1f}" text-anchor="end" '
            f'font-size="12" fill="#0b0c0c">{escape(shown)}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="#1d70b8"/>'
        )
        parts.append(
            f'<text x="{label_width + length + 6:.1f}" y="{text_y:.1f}" font-size="13" '
            f'fill="#0b0c0c">{escape(value_format.format(value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
