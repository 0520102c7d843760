"""Inline SVG charts: accessible, well-formed, and drawing what the figures say."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from spiral.charts.lines import line_svg
from spiral.charts.spc import spc_svg
from spiral.spc import xmr_chart

NS = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_an_spc_chart_is_an_accessible_image_with_title_and_description() -> None:
    chart = xmr_chart([1, 2, 1, 2, 1, 2, 1, 2], periods=[f"M{i}" for i in range(8)])
    root = _parse(spc_svg(chart, title="Calls answered <in time>", ident="k1"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "k1-title k1-desc"
    assert root.find(f"{NS}title").text == "Calls answered <in time>"
    assert "8 points from M0 to M7" in root.find(f"{NS}desc").text


def _dots(root: ET.Element) -> dict[str, list[float]]:
    """The centres across (x) of the dots drawn by each marker path, by the path's class."""
    found = {}
    for path in root.iter(f"{NS}path"):
        moves = re.findall(r"M(-?[0-9.]+) (-?[0-9.]+)", path.get("d", ""))
        found[path.get("class", "")] = [float(x) + 4 for x, _ in moves]
    return found


def test_an_spc_chart_marks_each_special_cause_with_its_variation() -> None:
    # Seven points at 10/12 then one at 30: 30 is above the upper limit of the baseline
    # (mean 11, mean moving range 2, upper limit 16.32): one improvement when higher is better.
    chart = xmr_chart([10, 12, 10, 12, 10, 12, 10, 30], baseline=7, polarity="higher_is_better")
    root = _parse(spc_svg(chart, title="t"))
    dots = _dots(root)
    assert sorted(dots) == ["common", "improvement"]
    assert len(dots["common"]) == 7
    everything = sorted(dots["common"] + dots["improvement"])
    assert dots["improvement"] == [everything[-1]]  # the last point, furthest right


def test_an_spc_chart_draws_its_points_as_one_path_per_colour_without_per_point_text() -> None:
    chart = xmr_chart([float(v % 7) for v in range(36)], periods=[f"M{i}" for i in range(36)])
    root = _parse(spc_svg(chart, title="t"))
    assert [c.get("class") for c in root.iter(f"{NS}circle")] == ["improvement", "concern"]
    assert len(root.findall(f".//{NS}title")) == 1  # the chart's own
    assert sum(len(x) for x in _dots(root).values()) == 36


def test_a_line_chart_draws_one_line_per_series() -> None:
    root = _parse(line_svg(["a", "b", "c"], [("x", [1, 2, 3]), ("y", [3, 2, 1])], title="t"))
    assert len(list(root.iter(f"{NS}polyline"))) == 2


def test_a_line_chart_refuses_a_series_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="series 'x' has 2 values for 3 labels"):
        line_svg(["a", "b", "c"], [("x", [1, 2])], title="t")
