"""The cycles drawn as a spiral: one turn per cycle, coloured by its verdict.

Each turn winds once round the centre, starting where the previous one ended. How far a
turn moves outward follows the chosen measure — value for money (outcome index per pound
of real cost per head) or the outcome index — relative to the first cycle with a figure:
a cycle that doubled value takes a step twice as wide. A cycle without the figure takes a
standard step, drawn dashed. The picture is plain SVG text (no plotting library), with a
title and a description that states every cycle's verdict and figure for screen readers;
:func:`picture_table` gives the same figures as a table.
"""

from __future__ import annotations

import math
from typing import Any, Literal
from xml.sax.saxutils import escape

from spiral.exceptions import InputError
from spiral.spiral_test.assessment import CycleAssessment, SpiralReport
from spiral.spiral_test.verdict import VERDICT_LABELS

Measure = Literal["value", "outcome"]

COLOURS = {
    "improving_spiral": "#00703c",
    "going_round_in_circles": "#f47738",
    "declining": "#d4351c",
    "too_early_to_tell": "#505a5f",
}
"""Verdict colours (GOV.UK Design System green, orange, red and dark grey)."""

_MEASURE_WORDS = {"value": "value for money", "outcome": "outcome index"}


def _figure(cycle: CycleAssessment, measure: Measure) -> float | None:
    figure = cycle.value_per_pound if measure == "value" else cycle.outcome_index
    return figure if figure is not None and figure > 0 else None


def picture_table(report: SpiralReport, measure: Measure = "value") -> list[dict[str, Any]]:
    """The figures the spiral draws: one row per turn.

    Examples
    --------
    >>> from spiral.spiral_test import load_history, run_spiral_test
    >>> report = run_spiral_test(load_history("docs/examples/programme-history.json"))
    >>> [row["step"] for row in picture_table(report)][0]
    1.0
    """
    if measure not in _MEASURE_WORDS:
        raise InputError(f"measure must be 'value' or 'outcome', not {measure!r}")
    figures = [_figure(c, measure) for c in report.cycles]
    reference = next((f for f in figures if f is not None), None)
    rows = []
    for cycle, figure in zip(report.cycles, figures, strict=True):
        step = figure / reference if figure is not None and reference else None
        rows.append(
            {
                "cycle": cycle.cycle_id,
                "name": cycle.name,
                "verdict": cycle.verdict.label,
                "measure": _MEASURE_WORDS[measure],
                "figure": figure,
                "step": step,
            }
        )
    return rows


def _turn(centre: float, r0: float, r1: float, turn: int, points: int = 96) -> str:
    cx = cy = centre
    coordinates = []
    for i in range(points + 1):
        t = i / points
        angle = 2 * math.pi * (turn + t) - math.pi / 2
        radius = r0 + (r1 - r0) * t
        coordinates.append(
            f"{cx + radius * math.cos(angle):.1f},{cy + radius * math.sin(angle):.1f}"
        )
    return "M" + " L".join(coordinates)


def spiral_svg(report: SpiralReport, *, measure: Measure = "value", size: int = 560) -> str:
    """Draw the programme's cycles as a spiral, as SVG text.

    Parameters
    ----------
    report : SpiralReport
        From :func:`spiral.spiral_test.run_spiral_test`.
    measure : {"value", "outcome"}
        What sets each turn's step outward.
    size : int
        Width of the drawing in pixels (the legend adds height below).

    Examples
    --------
    >>> from spiral.spiral_test import load_history, run_spiral_test
    >>> report = run_spiral_test(load_history("docs/examples/programme-history.json"))
    >>> svg = spiral_svg(report)
    >>> svg.startswith("<svg") and svg.count('class="turn') == 3
    True
    >>> "Going round in circles" in svg
    True
    """
    rows = picture_table(report, measure)
    count = max(len(rows), 1)
    cx = cy = size / 2
    inner = size * 0.06
    steps = [row["step"] if row["step"] is not None else 1.0 for row in rows]
    scale = (size * 0.42 - inner) / max(sum(steps), 1e-9)
    legend_height = 28 * (len(COLOURS) + 1)
    height = size + legend_height
    title = f"{report.programme_name}, {report.area_name}: the Spiral test of {count} cycle(s)"
    # Bold Arial averages about 0.58 em a character: shrink a long title to fit the width.
    title_size = min(16.0, (size - 16) / (0.58 * max(len(title), 1)))
    described = "; ".join(
        f"{row['cycle']} ({row['name']}): {row['verdict']}, {row['measure']} "
        + ("unknown" if row["figure"] is None else f"{row['figure']:.3g}")
        for row in rows
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {height}" '
        f'width="{size}" height="{height}" role="img" '
        'aria-labelledby="spiral-title spiral-desc" font-family="Arial, sans-serif">',
        f'<title id="spiral-title">{escape(title)}</title>',
        f'<desc id="spiral-desc">One turn per cycle, moving outward by its '
        f"{_MEASURE_WORDS[measure]} relative to the first cycle. {escape(described)}.</desc>",
        f'<rect width="{size}" height="{height}" fill="#ffffff"/>',
        f'<text x="{cx:.0f}" y="24" text-anchor="middle" font-size="{title_size:.1f}" '
        f'font-weight="bold">{escape(title)}</text>',
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="#0b0c0c"/>',
    ]
    radius = inner
    for turn, (row, step, cycle) in enumerate(zip(rows, steps, report.cycles, strict=True)):
        outer = radius + step * scale
        colour = COLOURS[cycle.verdict.verdict]
        dash = ' stroke-dasharray="8 6"' if row["step"] is None else ""
        parts.append(
            f'<path class="turn {cycle.verdict.verdict}" d="{_turn(cx, radius, outer, turn)}" '
            f'fill="none" stroke="{colour}" stroke-width="6" stroke-linecap="round"{dash}>'
            f"<title>{escape(row['cycle'])}: {escape(row['verdict'])}</title></path>"
        )
        angle = 2 * math.pi * (turn + 1) - math.pi / 2
        lx, ly = cx + outer * math.cos(angle), cy + outer * math.sin(angle)
        parts.append(
            f'<text x="{lx + 8:.1f}" y="{ly - 8:.1f}" font-size="12" fill="#0b0c0c">'
            f"{escape(row['cycle'])}</text>"
        )
        radius = outer
    y = size
    for verdict, colour in COLOURS.items():
        parts.append(f'<rect x="24" y="{y - 12}" width="28" height="8" fill="{colour}"/>')
        parts.append(
            f'<text x="60" y="{y - 4}" font-size="13" fill="#0b0c0c">'
            f"{escape(VERDICT_LABELS[verdict])}</text>"
        )
        y += 24
    parts.append(
        f'<text x="24" y="{y - 4}" font-size="12" fill="#505a5f">Dashed: no '
        f"{_MEASURE_WORDS[measure]} figure for the cycle (standard step)</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts)
