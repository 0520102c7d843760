"""A spine chart as inline SVG: for each indicator, the area's value against England (the
centre line) and the range of its comparators, coloured better / similar / worse.

As in Fingertips' spine charts each row is scaled on its own: England sits in the centre
and the row's widest distance from England (comparator range or the area) reaches the edge;
rows whose low values are good are mirrored, so better is always to the right.

Each indicator's name is printed whole: a long name wraps onto as many lines as it needs
(at word boundaries, each line at most :data:`LABEL_CHARACTERS` characters) and its row
grows to hold them, so no label is cut off or runs into the plot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from textwrap import wrap

from spiral.charts.svg import COLOURS, document, number

__all__ = ["SpineRow", "label_lines", "spine_svg"]

WIDTH = 640
LABEL = 250
ROW = 30
#: Characters on one line of a label: 250 pixels hold about 40 of 12-pixel Arial, capitals fewer.
LABEL_CHARACTERS = 38
LINE = 14


@dataclass(frozen=True)
class SpineRow:
    """One indicator: the area's value, England's, the comparators' lowest and highest."""

    label: str
    value: float
    england: float
    minimum: float
    maximum: float
    status: str = "none"
    low_is_good: bool = False


def label_lines(label: str, width: int = LABEL_CHARACTERS) -> list[str]:
    """Split an indicator's name into lines of at most ``width`` characters, losing nothing.

    Lines break between words; a word longer than a line is broken inside it.

    Examples
    --------
    >>> label_lines("Preventable sight loss from diabetic eye disease (fictional data)")
    ['Preventable sight loss from diabetic', 'eye disease (fictional data)']
    >>> label_lines("Smoking")
    ['Smoking']
    """
    return wrap(label, width, break_on_hyphens=False) or [""]


def spine_svg(rows: Sequence[SpineRow], *, title: str, area_label: str) -> str:
    """Draw one spine row per indicator.

    Examples
    --------
    >>> svg = spine_svg([SpineRow("Smoking at delivery", 12.0, 9.0, 6.0, 15.0, "worse", True)],
    ...                 title="Kingsmere against England", area_label="Kingsmere")
    >>> "Smoking at delivery" in svg and COLOURS["worse"] in svg
    True
    """
    labels = [label_lines(row.label) for row in rows]
    heights = [max(ROW, LINE * len(lines) + 10) for lines in labels]
    bottom = 24 + sum(heights)
    height = bottom + 30
    left, right = LABEL + 20, WIDTH - 20
    centre = (left + right) / 2
    half = (right - left) / 2
    body = [
        f'<text x="{left}" y="16" fill="{COLOURS["grey"]}">worse</text>'
        f'<text x="{right}" y="16" text-anchor="end" fill="{COLOURS["grey"]}">better</text>'
        f'<text x="{centre}" y="16" text-anchor="middle">England</text>'
        f'<line x1="{centre}" x2="{centre}" y1="24" y2="{bottom}" '
        f'stroke="{COLOURS["text"]}" stroke-width="1.5"/>'
    ]
    top = 24.0
    for row, lines, row_height in zip(rows, labels, heights, strict=True):
        y = top + row_height / 2
        top += row_height
        spread = max(
            abs(row.minimum - row.england),
            abs(row.maximum - row.england),
            abs(row.value - row.england),
            1e-12,
        )
        sign = -1.0 if row.low_is_good else 1.0

        def at(
            value: float, spread: float = spread, sign: float = sign, middle: float = row.england
        ) -> float:
            return round(centre + sign * (value - middle) / spread * half, 2)

        low, high = sorted((at(row.minimum), at(row.maximum)))
        colour = COLOURS.get(row.status, COLOURS["none"])
        first = y + 4 - LINE * (len(lines) - 1) / 2
        spans = "".join(
            f'<tspan x="{LABEL}" y="{first + LINE * line_number:g}">{escape(line)}</tspan>'
            for line_number, line in enumerate(lines)
        )
        body.append(
            f'<text text-anchor="end">{spans}</text>'
            f'<rect x="{low}" y="{y - 8}" width="{max(high - low, 1)}" height="16" '
            f'fill="{COLOURS["light"]}"/>'
            f'<circle cx="{at(row.value)}" cy="{y}" r="7" fill="{colour}" '
            f'stroke="{COLOURS["text"]}"><title>{escape(row.label)}, {escape(area_label)}: '
            f"{number(row.value)} ({escape(row.status)})</title></circle>"
        )
    legend = bottom + 20
    body.append(
        f'<rect x="{left}" y="{legend - 10}" width="24" height="12" fill="{COLOURS["light"]}"/>'
        f'<text x="{left + 30}" y="{legend}">comparator range</text>'
    )
    for offset, status in ((150, "better"), (215, "similar"), (285, "worse")):
        body.append(
            f'<circle cx="{left + offset}" cy="{legend - 4}" r="6" fill="{COLOURS[status]}" '
            f'stroke="{COLOURS["text"]}"/>'
            f'<text x="{left + offset + 10}" y="{legend}">{status}</text>'
        )
    description = (
        f"Spine chart of {len(rows)} indicators: {area_label}'s value against England "
        "(centre line) and the range of its comparators; better values to the right "
        "(indicators without a polarity are not mirrored and not coloured)."
    )
    return document(WIDTH, height, title, description, body)
