"""A line chart of a few series over periods, as inline SVG (KPI against target, spend
against profile)."""

from __future__ import annotations

from collections.abc import Sequence

from spiral.charts.svg import axes, frame_for, number, polyline, wrap

_CLASSES = ("value", "target", "profile")


def line_svg(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    ident: str = "lines",
) -> str:
    """Up to three named series over the same periods as an accessible inline ``<svg>``.

    The first series is drawn solid blue, the second dashed green (a target), the third
    grey (a profile). NaN leaves a gap.

    Parameters
    ----------
    labels : sequence of str
        The period of each point.
    series : sequence of (name, values)
        The series, each as long as ``labels``.
    title : str
        The chart's title.
    ident : str
        A prefix for the element ids, unique on the page.

    Examples
    --------
    >>> svg = line_svg(["Q1", "Q2"], [("Spend", [10.0, 25.0]), ("Profile", [12.0, 24.0])],
    ...                title="Spend against profile")
    >>> "Spend: 10 to 25" in svg and svg.count("<polyline") == 2
    True
    """
    if len(series) > len(_CLASSES):
        raise ValueError(f"at most {len(_CLASSES)} series, not {len(series)}")
    for name, values in series:
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
    everything = [float(v) for _, values in series for v in values]
    frame = frame_for(len(labels), everything)
    body = [axes(frame, list(labels))]
    dashes = ("", "2 3", "6 4")
    for (_name, values), css, dash in zip(series, _CLASSES, dashes, strict=False):
        body.append(polyline(frame, [float(v) for v in values], css, dash))
    desc = "; ".join(
        f"{name}: {number(float(values[0]), None)} to {number(float(values[-1]), None)}"
        if len(values)
        else name
        for name, values in series
    )
    legend = [(css, name) for (name, _), css in zip(series, _CLASSES, strict=False)]
    return wrap(ident, title, desc + ".", "".join(body), legend)
