"""The Spiral test of the example programme (``docs/examples/programme-history.json``, a
fictional council's home care over three cycles), its evidence tables and its picture."""

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from spiral.spiral_test import (
    cycle_table,
    evidence_table,
    load_history,
    picture_table,
    report_as_dict,
    run_spiral_test,
    spiral_svg,
)
from spiral.spiral_test.picture import COLOURS

EXAMPLE = Path(__file__).parents[3] / "docs" / "examples" / "programme-history.json"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return run_spiral_test(load_history(EXAMPLE))


def test_the_example_programme_has_one_verdict_of_each_story(report) -> None:  # type: ignore[no-untyped-def]
    """2014: the same framework re-let, nothing moved against the comparators, the review's
    recommendations mostly ignored (1 of 4). 2017: an outcome-based alliance; reablement and
    satisfaction better with confidence, real cost per head down. 2021: running, nothing
    distinguishable yet."""
    assert [(c.cycle_id, c.verdict.verdict) for c in report.cycles] == [
        ("home-care-2014", "going_round_in_circles"),
        ("home-care-2017", "improving_spiral"),
        ("home-care-2021", "too_early_to_tell"),
    ]
    assert report.reprocurements_of_same_model == 1
    assert report.price_base == "2022/23"
    improving = report.cycles[1]
    assert [o.status for o in improving.outcomes] == ["better", "better", "no_change"]
    assert improving.cost_change is not None
    assert improving.cost_change < 0
    assert improving.value_change is not None
    assert improving.value_change > 0
    assert report.cycles[0].learning.acted_on_share == 0.25
    assert report.cycles[2].verdict.missing == ("the rest of the cycle",)


def test_the_report_is_plain_json(report) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(json.dumps(report_as_dict(report)))
    assert data["as_of"] == "2023-09-30"
    assert data["cycles"][0]["verdict"]["verdict"] == "going_round_in_circles"
    assert data["cycles"][0]["verdict"]["label"] == "Going round in circles"
    assert data["rules"]["cost_tolerance"] == 0.02


def test_the_evidence_table_lists_every_reason_and_missing_item(report) -> None:  # type: ignore[no-untyped-def]
    rows = evidence_table(report)
    expected = sum(len(c.verdict.reasons) + len(c.verdict.missing) for c in report.cycles)
    assert len(rows) == expected
    assert rows[0]["cycle"] == "home-care-2014"
    assert rows[0]["rule"] == "rule"
    assert {row["rule"] for row in rows} >= {"rule", "outcomes", "cost", "learning", "missing"}


def test_the_cycle_table_has_the_headline_figures(report) -> None:  # type: ignore[no-untyped-def]
    rows = cycle_table(report)
    assert [r["verdict"] for r in rows] == [
        "Going round in circles",
        "Improving spiral",
        "Too early to tell",
    ]
    assert rows[0]["procurement_share"] == pytest.approx(340 / 420)
    assert rows[0]["reprocured_same_model"] is True


def test_the_picture_is_an_accessible_svg_with_a_turn_per_cycle(report) -> None:  # type: ignore[no-untyped-def]
    root = ET.fromstring(spiral_svg(report))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "spiral-title spiral-desc"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert "Fernvale" in (title.text or "")
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert "home-care-2017 (Outcome-based home care alliance, 2017): Improving spiral" in (
        desc.text or ""
    )
    turns = [p for p in root.iter(f"{SVG}path") if "turn" in (p.get("class") or "")]
    assert [t.get("stroke") for t in turns] == [
        COLOURS["going_round_in_circles"],
        COLOURS["improving_spiral"],
        COLOURS["too_early_to_tell"],
    ]


def test_a_turn_without_a_figure_is_dashed(report) -> None:  # type: ignore[no-untyped-def]
    history = load_history(EXAMPLE)
    without_spend = history.cycles[2].__class__(**{**history.cycles[2].__dict__, "spend": {}})
    changed = history.__class__(
        **{**history.__dict__, "cycles": (*history.cycles[:2], without_spend)}
    )
    root = ET.fromstring(spiral_svg(run_spiral_test(changed)))
    turns = [p for p in root.iter(f"{SVG}path") if "turn" in (p.get("class") or "")]
    assert [t.get("stroke-dasharray") for t in turns] == [None, None, "8 6"]


def test_the_picture_radius_follows_the_chosen_measure(report) -> None:  # type: ignore[no-untyped-def]
    by_value = picture_table(report, "value")
    by_outcome = picture_table(report, "outcome")
    assert by_value[0]["step"] == 1.0
    assert by_value[1]["step"] == pytest.approx(
        report.cycles[1].value_per_pound / report.cycles[0].value_per_pound
    )
    assert by_outcome[1]["step"] == pytest.approx(
        report.cycles[1].outcome_index / report.cycles[0].outcome_index
    )
    with pytest.raises(ValueError, match="measure must be"):
        picture_table(report, "cost")  # type: ignore[arg-type]


def test_text_in_the_picture_is_escaped(report) -> None:  # type: ignore[no-untyped-def]
    history = load_history(EXAMPLE)
    renamed = replace(history, programme_name="Care & <support>")
    svg = spiral_svg(run_spiral_test(renamed))
    assert "Care &amp; &lt;support&gt;" in svg
    ET.fromstring(svg)
