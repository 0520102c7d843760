"""Optimism bias bounds, combined projects and mitigation.

Reference: ``tests/reference/greenbook/optimism_bias_mott_macdonald_2002.csv`` (Mott MacDonald
2002, Table 2; HM Treasury Supplementary Green Book Guidance: Optimism Bias, Table 1) and
``optimism_bias_worked_examples.csv`` (the same guidance's worked examples).
"""

from __future__ import annotations

import pytest

from spiral.appraisal.optimism_bias import (
    apply_bias,
    bounds,
    bounds_table,
    combined_bias,
    mitigated_bias,
)

from .reference import rows

TABLE = rows("optimism_bias_mott_macdonald_2002.csv")
EXAMPLES = rows("optimism_bias_worked_examples.csv")
TYPES = {
    "Non-standard building": "Non-standard Buildings",
    "Standard building": "Standard Buildings",
}


def _maybe(text: str) -> float | None:
    return float(text) if text else None


@pytest.mark.parametrize("row", TABLE, ids=lambda r: r["project_type"])
def test_every_project_type_has_the_published_bounds(row: dict[str, str]) -> None:
    """Supplementary Green Book Guidance: Optimism Bias, Table 1."""
    found = bounds(row["project_type"])
    assert found.capex_upper == float(row["capex_upper_pct"])
    assert found.capex_lower == float(row["capex_lower_pct"])
    assert found.duration_upper == _maybe(row["works_duration_upper_pct"])
    assert found.duration_lower == _maybe(row["works_duration_lower_pct"])


def test_the_table_has_exactly_the_published_project_types() -> None:
    assert [b.project_type for b in bounds_table()] == [r["project_type"] for r in TABLE]


def test_outsourcing_bounds_apply_to_operating_costs_and_have_no_duration() -> None:
    """Table 1 note: for outsourcing the bias is on operating expenditure; duration n/a."""
    outsourcing = bounds("Outsourcing")
    assert outsourcing.applies_to == "operating"
    with pytest.raises(ValueError, match="no duration bound for 'Outsourcing'"):
        outsourcing.value("duration", "upper")


COMBINED = [r for r in EXAMPLES if r["example"].startswith("combined_building")]


@pytest.mark.parametrize(
    "row",
    [r for r in COMBINED if r["contribution_pct"]],
    ids=lambda r: r["example"] + r["component"],
)
def test_each_component_contributes_its_share_of_its_bound(row: dict[str, str]) -> None:
    """Worked example, combined projects: contribution = share × upper bound."""
    measure = "capex" if row["example"].endswith("capex") else "duration"
    contribution = combined_bias({TYPES[row["component"]]: 100}, measure) * (
        float(row["share_pct"]) / 100
    )
    assert contribution == pytest.approx(float(row["contribution_pct"]), abs=1e-12)
    assert bounds(TYPES[row["component"]]).value(measure, "upper") == float(row["upper_bound_pct"])


@pytest.mark.parametrize(
    "row", [r for r in COMBINED if r["resultant_pct"]], ids=lambda r: r["example"]
)
def test_a_combined_building_takes_the_share_weighted_bound(row: dict[str, str]) -> None:
    """Worked example: 30% non-standard, 70% standard → capex 32.1%, duration 14.5%."""
    measure = "capex" if row["example"].endswith("capex") else "duration"
    parts = [r for r in COMBINED if r["example"] == row["example"] and r["contribution_pct"]]
    shares = {TYPES[r["component"]]: float(r["share_pct"]) for r in parts}
    assert combined_bias(shares, measure) == pytest.approx(float(row["resultant_pct"]), abs=1e-12)


MITIGATION = next(r for r in EXAMPLES if r["example"].startswith("mitigated"))


def test_mitigating_ninety_two_per_cent_of_fifty_one_leaves_four() -> None:
    """Worked example: (100% − 92%) × 51% = 4.08%, published as 4% (the lower bound)."""
    upper = float(MITIGATION["upper_bound_pct"])
    lower = bounds("Non-standard Buildings").capex_lower
    left = mitigated_bias(upper, 92, lower=lower, reason="risk management plan in place")
    assert left == pytest.approx(0.08 * 51, rel=1e-12)
    assert round(left) == float(MITIGATION["resultant_pct"])
    assert left >= lower


def test_a_hundred_million_becomes_one_hundred_and_four() -> None:
    """Worked example: £100m capex with 4% optimism bias → £104m (+ £7m risk → £111m)."""
    assert apply_bias([100.0], float(MITIGATION["resultant_pct"])).tolist() == [104.0]
    assert apply_bias([100.0], float(MITIGATION["resultant_pct"]))[0] + 7 == 111.0


def test_mitigation_never_goes_below_the_lower_bound() -> None:
    assert mitigated_bias(51, 99, lower=4, reason="nearly all managed") == 4.0


def test_it_rejects_shares_that_do_not_add_up() -> None:
    with pytest.raises(ValueError, match="add up to 1 or 100, not 90"):
        combined_bias({"Standard Buildings": 60, "Non-standard Buildings": 30})


def test_it_rejects_an_unknown_project_type() -> None:
    with pytest.raises(ValueError, match="unknown optimism bias project type 'Bridges'"):
        bounds("Bridges")


def test_it_rejects_a_mitigated_share_over_the_whole() -> None:
    with pytest.raises(ValueError, match="mitigated share"):
        mitigated_bias(51, 120, reason="too much")


def test_it_rejects_a_negative_bias() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        apply_bias([1.0], -5)


def test_mitigation_needs_a_stated_reason() -> None:
    with pytest.raises(ValueError, match="needs a stated reason"):
        mitigated_bias(51, 92, lower=4, reason="")
