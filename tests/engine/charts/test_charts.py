"""The SVG charts: well-formed, accessible, and drawing what they are given."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from spiral.charts.funnel import FunnelPoint, funnel_svg
from spiral.charts.spine import LABEL, LABEL_CHARACTERS, SpineRow, label_lines, spine_svg
from spiral.charts.svg import LinearScale, nice_ticks
from spiral.charts.trend import TrendPoint, trend_svg

NS = "{http://www.w3.org/2000/svg}"
LIMITS = {
    "x": [10, 100, 1000],
    "lower_2s_limit": [2, 6, 8],
    "upper_2s_limit": [20, 14, 12],
    "lower_3s_limit": [0, 4, 7],
    "upper_3s_limit": [25, 16, 13],
}


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _accessible(root: ET.Element) -> None:
    assert root.get("role") == "img"
    title = root.find(f"{NS}title")
    desc = root.find(f"{NS}desc")
    assert title is not None
    assert title.text
    assert desc is not None
    assert desc.text
    assert set(root.get("aria-labelledby", "").split()) == {title.get("id"), desc.get("id")}


def test_a_funnel_plot_is_accessible_svg_with_one_circle_per_area() -> None:
    points = [FunnelPoint(f"Area {i} & co", 100 * i, 10 + i, "similar") for i in range(1, 6)]
    root = _parse(
        funnel_svg(
            points, LIMITS, baseline=10, title="Smoking <delivery>", x_label="n", y_label="%"
        )
    )
    _accessible(root)
    assert len(root.findall(f"{NS}circle")) == 5
    assert len(root.findall(f"{NS}path")) == 4  # two limits each side


def test_the_highlighted_area_is_labelled_on_the_funnel_plot() -> None:
    points = [FunnelPoint("Kingsmere", 500, 11, "worse", highlight=True), FunnelPoint("B", 50, 9)]
    svg = funnel_svg(points, LIMITS, baseline=10, title="t", x_label="n", y_label="%")
    texts = [t.text for t in _parse(svg).iter(f"{NS}text")]
    assert "Kingsmere" in texts
    assert "#d4351c" in svg  # worse is red


def test_a_trend_chart_draws_the_interval_band_and_the_benchmark() -> None:
    series = [TrendPoint("2021", 10, 8, 12), TrendPoint("2022", 11, 9, 13), TrendPoint("2023", 9)]
    root = _parse(
        trend_svg(
            series,
            title="t",
            y_label="%",
            area_label="Kingsmere",
            benchmark=[TrendPoint("2021", 9), TrendPoint("2022", 9.5)],
        )
    )
    _accessible(root)
    band = root.find(f"{NS}polygon")
    assert band is not None
    assert len(band.get("points", "").split()) == 4
    assert len(root.findall(f"{NS}circle")) == 3


def test_a_spine_chart_puts_better_to_the_right_whatever_the_polarity() -> None:
    low_good = SpineRow(
        "Smoking",
        value=12.0,
        england=9.0,
        minimum=6.0,
        maximum=15.0,
        status="worse",
        low_is_good=True,
    )
    high_good = SpineRow(
        "Vaccination",
        value=95.0,
        england=90.0,
        minimum=85.0,
        maximum=96.0,
        status="better",
        low_is_good=False,
    )
    root = _parse(spine_svg([low_good, high_good], title="t", area_label="Kingsmere"))
    _accessible(root)
    centre = float(root.findall(f"{NS}line")[0].get("x1", "0"))
    circles = [c for c in root.findall(f"{NS}circle") if c.find(f"{NS}title") is not None]
    smoking, vaccination = (float(c.get("cx", "0")) for c in circles)
    assert smoking < centre  # higher than England where low is good: worse, to the left
    assert vaccination > centre


@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(0.001, 1e6, allow_nan=False),
)
def test_ticks_always_cover_the_range(low: float, width: float) -> None:
    ticks = nice_ticks(low, low + width)
    assert ticks[0] <= low + 1e-9 * max(1.0, abs(low))
    assert ticks[-1] >= (low + width) - 1e-9 * max(1.0, abs(low + width))
    assert ticks == sorted(ticks)


def test_a_scale_maps_the_ends_of_its_domain_to_the_ends_of_its_range() -> None:
    scale = LinearScale((5, 15), (300, 20))
    assert (scale(5), scale(15), scale(10)) == (300.0, 20.0, 160.0)


LONG_NAMES = (
    "Preventable sight loss from diabetic eye disease (fictional data)",
    "Under-75 mortality from causes considered preventable (fictional data)",
    "Smoking",
)


def _label_lines(root: ET.Element) -> list[list[str]]:
    labels = [t for t in root.iter(f"{NS}text") if t.findall(f"{NS}tspan")]
    return [[span.text or "" for span in t.findall(f"{NS}tspan")] for t in labels]


def test_a_spine_chart_prints_every_indicator_name_whole_on_wrapped_lines() -> None:
    rows = [SpineRow(name, 5.0, 4.0, 3.0, 6.0, "similar") for name in LONG_NAMES]
    root = _parse(spine_svg(rows, title="t", area_label="Kingsmere"))
    _accessible(root)
    printed = _label_lines(root)
    assert [" ".join(lines) for lines in printed] == list(LONG_NAMES)
    assert [len(lines) > 1 for lines in printed] == [True, True, False]
    assert all(len(line) <= LABEL_CHARACTERS for lines in printed for line in lines)
    # every line ends at the label column, left of the plot
    for text in root.iter(f"{NS}text"):
        for span in text.findall(f"{NS}tspan"):
            assert float(span.get("x", "0")) == LABEL
            assert text.get("text-anchor") == "end"


def test_a_spine_chart_gives_a_wrapped_name_a_taller_row_so_rows_never_overlap() -> None:
    rows = [SpineRow(name, 5.0, 4.0, 3.0, 6.0, "similar") for name in LONG_NAMES]
    root = _parse(spine_svg(rows, title="t", area_label="Kingsmere"))
    lines_y = [
        [float(span.get("y", "0")) for span in text.findall(f"{NS}tspan")]
        for text in root.iter(f"{NS}text")
        if text.findall(f"{NS}tspan")
    ]
    flat = [y for row in lines_y for y in row]
    assert flat == sorted(flat)
    assert all(later - earlier >= 12 for earlier, later in pairwise(flat))
    circles = [c for c in root.findall(f"{NS}circle") if c.find(f"{NS}title") is not None]
    centres = [float(c.get("cy", "0")) for c in circles]
    for row_lines, cy in zip(lines_y, centres, strict=True):
        assert row_lines[0] - 12 <= cy <= row_lines[-1]  # the dot sits beside its name
    height = float(root.get("height", "0"))
    assert flat[-1] < height - 20  # the legend below the last row stays inside the chart


def test_each_dot_of_a_spine_chart_names_its_indicator_for_screen_readers() -> None:
    rows = [SpineRow(name, 5.0, 4.0, 3.0, 6.0, "worse") for name in LONG_NAMES]
    root = _parse(spine_svg(rows, title="t", area_label="Kingsmere"))
    titles = [
        c.find(f"{NS}title").text or ""  # type: ignore[union-attr]
        for c in root.findall(f"{NS}circle")
        if c.find(f"{NS}title") is not None
    ]
    assert titles == [f"{name}, Kingsmere: 5.0 (worse)" for name in LONG_NAMES]


@given(st.text(st.characters(codec="ascii", categories=["L", "N", "P", "Zs"]), max_size=200))
def test_wrapping_a_label_loses_no_word_and_keeps_lines_short(label: str) -> None:
    lines = label_lines(label)
    # every character but the spaces, in order (a word longer than a line is split)
    assert "".join("".join(lines).split()) == "".join(label.split())
    assert all(len(line) <= LABEL_CHARACTERS for line in lines)
