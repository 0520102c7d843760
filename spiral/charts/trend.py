"""A trend chart as inline SVG: an area's value by period with its confidence interval as a
shaded band, and a benchmark series (England) as a second line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from spiral.charts.svg import COLOURS, LinearScale, document, nice_ticks, number

__all__ = ["TrendPoint", "trend_svg"]

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 20, 48


@dataclass(frozen=True)
class TrendPoint:
    """One period: its label, value and (optional) confidence limits."""

    period: str
    value: float
    lower: float | None = None
    upper: float | None = None


def trend_svg(
    series: Sequence[TrendPoint],
    *,
    title: str,
    y_label: str,
    area_label: str,
    benchmark: Sequence[TrendPoint] = (),
    benchmark_label: str = "England",
) -> str:
    """Draw a value over periods with its interval band and a benchmark line.

    Periods are placed in the order given (the caller sorts them); a benchmark point is
    drawn where its period matches one of the series.

    Examples
    --------
    >>> svg = trend_svg([TrendPoint("2022", 10, 8, 12), TrendPoint("2023", 11, 9, 13)],
    ...                 title="Smoking", y_label="%", area_label="Kingsmere",
    ...                 benchmark=[TrendPoint("2022", 9), TrendPoint("2023", 9.5)])
    >>> "<path" in svg and "Kingsmere" in svg and "England" in svg
    True
    """
    periods = [point.period for point in series]
    position = {period: index for index, period in enumerate(periods)}
    values = [p.value for p in series] + [p.value for p in benchmark if p.period in position]
    values += [p.lower for p in series if p.lower is not None]
    values += [p.upper for p in series if p.upper is not None]
    ticks = nice_ticks(min(values, default=0.0), max(values, default=1.0))
    sx = LinearScale((0, max(len(periods) - 1, 1)), (LEFT + 20, WIDTH - RIGHT - 20))
    sy = LinearScale((ticks[0], ticks[-1]), (HEIGHT - BOTTOM, TOP))
    body: list[str] = []
    for tick in ticks:
        body.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{sy(tick)}" y2="{sy(tick)}" '
            f'stroke="{COLOURS["light"]}" stroke-width="0.5"/>'
            f'<text x="{LEFT - 6}" y="{sy(tick) + 4}" text-anchor="end">{number(tick)}</text>'
        )
    for index, period in enumerate(periods):
        body.append(
            f'<text x="{sx(index)}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
            f"{escape(period)}</text>"
        )
    body.append(
        f'<text transform="translate(14 {(TOP + HEIGHT - BOTTOM) / 2}) rotate(-90)" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    banded = [(i, p) for i, p in enumerate(series) if p.lower is not None and p.upper is not None]
    if banded:
        upper = [f"{sx(i)},{sy(float(p.upper or 0))}" for i, p in banded]
        lower = [f"{sx(i)},{sy(float(p.lower or 0))}" for i, p in reversed(banded)]
        body.append(f'<polygon points="{" ".join(upper + lower)}" fill="{COLOURS["band"]}"/>')
    bench = [(position[p.period], p.value) for p in benchmark if p.period in position]
    if bench:
        line = " L".join(f"{sx(i)},{sy(v)}" for i, v in bench)
        body.append(
            f'<path d="M{line}" fill="none" stroke="{COLOURS["grey"]}" stroke-width="2" '
            f'stroke-dasharray="6 4"/>'
        )
    if series:
        line = " L".join(f"{sx(i)},{sy(p.value)}" for i, p in enumerate(series))
        body.append(
            f'<path d="M{line}" fill="none" stroke="{COLOURS["blue"]}" stroke-width="2.5"/>'
        )
        for index, point in enumerate(series):
            body.append(
                f'<circle cx="{sx(index)}" cy="{sy(point.value)}" r="4" fill="{COLOURS["blue"]}">'
                f"<title>{escape(point.period)}: {number(point.value)}</title></circle>"
            )
    legend_y = HEIGHT - 10
    body.append(
        f'<line x1="{LEFT}" x2="{LEFT + 24}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
        f'stroke="{COLOURS["blue"]}" stroke-width="2.5"/>'
        f'<text x="{LEFT + 30}" y="{legend_y}">{escape(area_label)} (band: 95% interval)</text>'
        f'<line x1="{LEFT + 300}" x2="{LEFT + 324}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
        f'stroke="{COLOURS["grey"]}" stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{LEFT + 330}" y="{legend_y}">{escape(benchmark_label)}</text>'
    )
    description = (
        f"{area_label}: {y_label} for {len(series)} periods"
        + (f" from {periods[0]} to {periods[-1]}" if periods else "")
        + f", with its 95% confidence interval and {benchmark_label} for comparison."
    )
    return document(WIDTH, HEIGHT, title, description, body)
