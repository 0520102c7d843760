"""The SPC chart as inline SVG: values, centre line, process limits, target and signals.

Draws a chart table from :mod:`spiral.spc` (``xmr_chart``, ``p_chart``, ``u_chart``) the way
NHS England's *Making Data Count* shows it: the values joined by a line, the mean and the
process limits as grey lines, a target as a dashed green line, and each point marked by its
variation: blue for special cause of improvement, orange for concern, purple where the
measure has no preferred direction, grey otherwise.

The points of one colour are drawn as a single ``<path>`` (a dot for each point), not one
``<circle>`` with its own ``<title>`` each: a page always shows the chart's figures in a
table beside it, and fewer elements keep the chart quick to lay out in a PDF report
(``docs/performance.md``, *Review report*).
"""

from __future__ import annotations

import math

import pandas as pd

from spiral.charts.svg import axes, frame_for, number, polyline, wrap

_DOT = {"improvement": "improvement", "concern": "concern", "neither": "neither"}
_RADIUS = 4


def _dot(x: float, y: float) -> str:
    """A filled circle of radius 4 at (x, y) as path commands (two half-circle arcs)."""
    return f"M{x - _RADIUS:.1f} {y:.1f}a4 4 0 1 0 8 0a4 4 0 1 0-8 0"


def spc_svg(
    chart: pd.DataFrame,
    *,
    title: str,
    target: float | None = None,
    ident: str = "spc",
) -> str:
    """An SPC chart table drawn as an accessible inline ``<svg>``.

    Parameters
    ----------
    chart : pandas.DataFrame
        A chart from :mod:`spiral.spc`: ``period``, ``value``, ``centre``, ``lower``,
        ``upper`` and ``variation`` columns.
    title : str
        The chart's title (its ``<title>``).
    target : float, optional
        A target drawn as a dashed line.
    ident : str
        A prefix for the element ids, unique on the page.

    Returns
    -------
    str
        The ``<svg>`` element; its ``<desc>`` counts the points and the special causes.

    Examples
    --------
    >>> from spiral.spc import xmr_chart
    >>> chart = xmr_chart([5, 6, 5, 6, 5, 6, 5, 20], periods=list("abcdefgh"),
    ...                   polarity="higher_is_better", baseline=7)
    >>> svg = spc_svg(chart, title="Visits", target=8)
    >>> 'class="improvement"' in svg and "1 special cause of improvement" in svg
    True
    """
    values = chart["value"].astype(float).tolist()
    centre = chart["centre"].astype(float).tolist()
    lower = chart["lower"].astype(float).tolist()
    upper = chart["upper"].astype(float).tolist()
    extra = [target] if target is not None else []
    frame = frame_for(len(values), values + lower + upper + extra)
    labels = [str(p) for p in chart["period"]]
    body = [axes(frame, labels)]
    body.append(polyline(frame, centre, "centre"))
    body.append(polyline(frame, lower, "limit", "6 4"))
    body.append(polyline(frame, upper, "limit", "6 4"))
    if target is not None:
        body.append(polyline(frame, [target] * len(values), "target", "2 3"))
    body.append(polyline(frame, values, "value"))
    marks: dict[str, list[str]] = {"common": [], "improvement": [], "concern": [], "neither": []}
    for i, (value, variation) in enumerate(zip(values, chart["variation"], strict=True)):
        if math.isfinite(value):
            marks[_DOT.get(str(variation), "common")].append(_dot(frame.x(i), frame.y(value)))
    body.extend(f'<path d="{"".join(dots)}" class="{css}"/>' for css, dots in marks.items() if dots)
    counts = {css: len(dots) for css, dots in marks.items()}
    desc = (
        f"{len(values)} points from {labels[0] if labels else '–'} to "
        f"{labels[-1] if labels else '–'}; {counts['improvement']} special cause of "
        f"improvement, {counts['concern']} of concern, {counts['neither']} with no "
        f"preferred direction." + (f" Target {number(target, None)}." if target is not None else "")
    )
    legend = [("value", "Value"), ("centre", "Mean"), ("limit", "Process limits")]
    if target is not None:
        legend.append(("target", "Target"))
    legend += [("improvement", "Improvement"), ("concern", "Concern")]
    return wrap(ident, title, desc, "".join(body), legend)
