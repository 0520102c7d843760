"""A funnel plot as inline SVG: each area's value against its denominator, inside the 95%
and 99.8% control limits around the overall average.

The limits come from :func:`spiral.stats.funnel.calculate_funnel_limits` and each area's
significance from :func:`spiral.stats.funnel.assign_funnel_significance`; this module only
draws them (Spiegelhalter, *Funnel plots for comparing institutional performance*, Statistics
in Medicine 2005).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from spiral.charts.svg import COLOURS, LinearScale, chart_id, document, nice_ticks, number

__all__ = ["FunnelPoint", "funnel_svg"]

WIDTH, HEIGHT = 640, 380
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 20, 56


@dataclass(frozen=True)
class FunnelPoint:
    """One area on the funnel plot: its label, denominator (x), value (y) and status."""

    label: str
    x: float
    y: float
    status: str = "none"
    highlight: bool = False


def _path(xs: Sequence[float], ys: Sequence[float], sx: LinearScale, sy: LinearScale) -> str:
    points = [f"{sx(x)},{sy(y)}" for x, y in zip(xs, ys, strict=True)]
    return "M" + " L".join(points)


def funnel_svg(
    points: Sequence[FunnelPoint],
    limits: Mapping[str, Sequence[float]],
    *,
    baseline: float,
    title: str,
    x_label: str,
    y_label: str,
) -> str:
    """Draw a funnel plot.

    Parameters
    ----------
    points : sequence of FunnelPoint
        The areas; ``status`` is ``better``, ``worse``, ``similar`` or ``none`` (the colour)
        and the ``highlight`` area is drawn larger and labelled.
    limits : mapping
        Columns of the limits table: ``x`` and ``lower_2s_limit``, ``upper_2s_limit``,
        ``lower_3s_limit``, ``upper_3s_limit`` (as the engine's funnel limits return them).
    baseline : float
        The overall average, drawn as a line.
    title, x_label, y_label : str
        Words for the chart and its axes.

    Returns
    -------
    str
        One ``<svg>`` element.

    Examples
    --------
    >>> limits = {"x": [100, 1000], "lower_2s_limit": [5, 8], "upper_2s_limit": [15, 12],
    ...           "lower_3s_limit": [2, 7], "upper_3s_limit": [18, 13]}
    >>> svg = funnel_svg([FunnelPoint("Kingsmere", 500, 11, "similar", True)], limits,
    ...                  baseline=10, title="Smoking", x_label="Deliveries", y_label="%")
    >>> svg.startswith("<svg") and 'role="img"' in svg and "Kingsmere" in svg
    True
    """
    xs = [float(x) for x in limits["x"]]
    all_x = xs + [p.x for p in points]
    # the limits fan out to 0 and 100% at tiny denominators: scale the y axis to the part of
    # the funnel near the areas, and clip the lines to the plotting area
    near = min((p.x for p in points), default=0.0) / 2
    all_y = [
        float(v)
        for key in limits
        if key != "x"
        for x, v in zip(xs, limits[key], strict=True)
        if x >= near
    ]
    all_y += [p.y for p in points] + [baseline]
    x_ticks = nice_ticks(0.0, max(all_x))
    y_ticks = nice_ticks(min(all_y), max(all_y))
    sx = LinearScale((x_ticks[0], x_ticks[-1]), (LEFT, WIDTH - RIGHT))
    sy = LinearScale((y_ticks[0], y_ticks[-1]), (HEIGHT - BOTTOM, TOP))
    body: list[str] = []
    for tick in y_ticks:
        body.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{sy(tick)}" y2="{sy(tick)}" '
            f'stroke="{COLOURS["light"]}" stroke-width="0.5"/>'
            f'<text x="{LEFT - 6}" y="{sy(tick) + 4}" text-anchor="end">{number(tick)}</text>'
        )
    for tick in x_ticks:
        body.append(
            f'<text x="{sx(tick)}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
            f"{number(tick, 0)}</text>"
        )
    body.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 12}" text-anchor="middle">'
        f"{escape(x_label)}</text>"
        f'<text transform="translate(14 {(TOP + HEIGHT - BOTTOM) / 2}) rotate(-90)" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    clip = chart_id(title, len(points), "clip")
    body.append(
        f'<clipPath id="{clip}"><rect x="{LEFT}" y="{TOP}" width="{WIDTH - RIGHT - LEFT}" '
        f'height="{HEIGHT - BOTTOM - TOP}"/></clipPath>'
    )
    for key, dash in (("2s", "6 4"), ("3s", "")):
        for side in ("lower", "upper"):
            ys = [float(v) for v in limits[f"{side}_{key}_limit"]]
            body.append(
                f'<path d="{_path(xs, ys, sx, sy)}" fill="none" stroke="{COLOURS["grey"]}" '
                f'stroke-width="1.5" stroke-dasharray="{dash}" clip-path="url(#{clip})"/>'
            )
    body.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{sy(baseline)}" y2="{sy(baseline)}" '
        f'stroke="{COLOURS["blue"]}" stroke-width="1.5"/>'
    )
    for point in sorted(points, key=lambda p: p.highlight):
        colour = COLOURS.get(point.status, COLOURS["none"])
        radius = 7 if point.highlight else 4.5
        body.append(
            f'<circle cx="{sx(point.x)}" cy="{sy(point.y)}" r="{radius}" fill="{colour}" '
            f'stroke="{COLOURS["text"]}" stroke-width="{2 if point.highlight else 0.75}">'
            f"<title>{escape(point.label)}: {number(point.y)}</title></circle>"
        )
        if point.highlight:
            body.append(
                f'<text x="{sx(point.x) + 10}" y="{sy(point.y) - 8}" font-weight="bold">'
                f"{escape(point.label)}</text>"
            )
    description = (
        f"Funnel plot of {len(points)} areas: {y_label} against {x_label}, with 95% (dashed) "
        f"and 99.8% (solid) control limits around the average of {number(baseline)}."
    )
    return document(WIDTH, HEIGHT, title, description, body)
