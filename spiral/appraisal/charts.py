"""Small inline SVG charts for the appraisal report, written without a plotting library.

Each chart is a self-contained ``<svg>`` element with a ``<title>`` and text labels; the
report always puts a table of the same figures beside it (GOV.UK accessibility practice).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from spiral.charts.svg import LinearScale, number

WIDTH = 720
LABEL = 270
LONGEST = 38
ROW = 26
PAD = 30


def money(value: float) -> str:
    """Format an amount for people: thousands separated, pence only for small sums.

    Examples
    --------
    >>> money(1234567.8), money(-12.345)
    ('1,234,568', '-12.35')
    """
    return number(value, 0 if abs(value) >= 1000 else 2)


def _label(x: float, y: float, text: str) -> str:
    """A right-aligned row label, shortened with an ellipsis (full text in its title)."""
    shown = text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="end"><title>{escape(text)}</title>'
        f"{escape(shown)}</text>"
    )


def _scale(low: float, high: float) -> LinearScale:
    """The horizontal scale from the row labels to the right edge, always including zero."""
    return LinearScale((min(low, 0.0), max(high, 0.0)), (LABEL, WIDTH - PAD), digits=None)


DESCRIPTION = "The figures drawn here are listed in the table that follows the chart."


def _frame(title: str, rows: int, body: list[str], scale: LinearScale) -> str:
    height = PAD + rows * ROW + PAD
    zero = scale(0.0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" font-family="Arial, sans-serif" '
        f'font-size="13">',
        f"<title>{escape(title)}</title>",
        f"<desc>{DESCRIPTION}</desc>",
        f'<line x1="{zero:.1f}" y1="{PAD - 6}" x2="{zero:.1f}" y2="{height - PAD + 6}" '
        'stroke="#0b0c0c" stroke-width="1"/>',
        f'<text x="{LABEL}" y="{height - 8}" fill="#505a5f">{escape(money(scale.low))}</text>',
        f'<text x="{WIDTH - PAD}" y="{height - 8}" text-anchor="end" fill="#505a5f">'
        f"{escape(money(scale.high))}</text>",
        *body,
        "</svg>",
    ]
    return "\n".join(parts)


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float]) -> str:
    """Horizontal bars from zero, one per label (negative bars go left).

    Examples
    --------
    >>> svg = bar_chart("NPSV", ["A", "B"], [10.0, -5.0])
    >>> svg.startswith("<svg") and "<title>NPSV</title>" in svg
    True
    """
    scale = _scale(min(values, default=0.0), max(values, default=0.0))
    body = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = PAD + i * ROW
        left, right = sorted((scale(0.0), scale(value)))
        colour = "#1d70b8" if value >= 0 else "#d4351c"
        body += [
            _label(LABEL - 8, y + 16, label),
            f'<rect x="{left:.1f}" y="{y + 4}" width="{max(right - left, 1):.1f}" height="16" '
            f'fill="{colour}"><title>{escape(label)}: {escape(money(value))}</title></rect>',
        ]
    return _frame(title, len(labels), body, scale)


def tornado_chart(
    title: str, base: float, labels: Sequence[str], lows: Sequence[float], highs: Sequence[float]
) -> str:
    """Tornado: for each input a bar from its low-value NPSV to its high-value NPSV.

    Examples
    --------
    >>> "stroke-dasharray" in tornado_chart("T", 5.0, ["cost"], [2.0], [8.0])
    True
    """
    scale = _scale(min([*lows, *highs, base]), max([*lows, *highs, base]))
    body = []
    for i, label in enumerate(labels):
        y = PAD + i * ROW
        left, right = sorted((scale(lows[i]), scale(highs[i])))
        body += [
            _label(LABEL - 8, y + 16, label),
            f'<rect x="{left:.1f}" y="{y + 4}" width="{max(right - left, 1):.1f}" height="16" '
            f'fill="#1d70b8"><title>{escape(label)}: {escape(money(lows[i]))} to '
            f"{escape(money(highs[i]))}</title></rect>",
        ]
    x = scale(base)
    body.append(
        f'<line x1="{x:.1f}" y1="{PAD - 6}" x2="{x:.1f}" y2="{PAD + len(labels) * ROW}" '
        'stroke="#f47738" stroke-width="2" stroke-dasharray="4 3"/>'
    )
    return _frame(title, len(labels), body, scale)


def range_chart(
    title: str,
    labels: Sequence[str],
    lows: Sequence[float],
    middles: Sequence[float],
    highs: Sequence[float],
) -> str:
    """For each option a line from a low to a high percentile with a dot at the median.

    Examples
    --------
    >>> svg = range_chart("NPSV", ["A"], [1.0], [2.0], [3.0])
    >>> svg.count("<circle")
    1
    """
    scale = _scale(min(lows, default=0.0), max(highs, default=0.0))
    body = []
    for i, label in enumerate(labels):
        y = PAD + i * ROW + 12
        body += [
            _label(LABEL - 8, y + 4, label),
            f'<line x1="{scale(lows[i]):.1f}" y1="{y}" x2="{scale(highs[i]):.1f}" y2="{y}" '
            'stroke="#1d70b8" stroke-width="6"/>',
            f'<circle cx="{scale(middles[i]):.1f}" cy="{y}" r="6" fill="#0b0c0c">'
            f"<title>{escape(label)}: median {escape(money(middles[i]))}</title></circle>",
        ]
    return _frame(title, len(labels), body, scale)


def histogram_chart(
    title: str, edges: Sequence[float], labels: Sequence[str], counts: Sequence[Sequence[int]]
) -> str:
    """Small multiples: one histogram per option on a shared horizontal scale.

    Each option's bars are scaled to its own largest count.

    Examples
    --------
    >>> svg = histogram_chart("NPSV", [0.0, 1.0, 2.0], ["A"], [[3, 1]])
    >>> svg.count("<rect")
    2
    """
    scale = _scale(float(edges[0]), float(edges[-1]))
    tall = 2 * ROW
    body = []
    for i, label in enumerate(labels):
        top = PAD + i * tall
        peak = max([*counts[i], 1])
        body.append(_label(LABEL - 8, top + tall / 2 + 4, label))
        for j, count in enumerate(counts[i]):
            left, right = scale(float(edges[j])), scale(float(edges[j + 1]))
            height = (tall - 8) * count / peak
            body.append(
                f'<rect x="{left:.1f}" y="{top + tall - 4 - height:.1f}" '
                f'width="{max(right - left - 1, 1):.1f}" height="{height:.1f}" fill="#1d70b8">'
                f"<title>{escape(label)}: {count} draws from {escape(money(float(edges[j])))} "
                f"to {escape(money(float(edges[j + 1])))}</title></rect>"
            )
    return _frame(title, 2 * len(labels), body, scale)
