"""The appraisal figures: PV, NPSV, NPC, BCR, EAC and payback, checked by hand.

References: HM Treasury Green Book (2022) Annex A6 (discounting: year 0 undiscounted, 3.5% a
year to year 30, 1.5% for health effects), section 6 (NPSV and BCR) and Annex A6 on the
equivalent annual cost; real prices as in section 5. Expected values are written as the
discounting arithmetic itself (powers of 1.035), not taken from Spiral.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spiral.appraisal.appraisal import AppraisalSettings, appraise
from spiral.appraisal.discounting import Convention
from spiral.appraisal.options import CATEGORIES, DeliveryModel, Option

D = 1.035


def test_a_cost_a_year_from_now_is_divided_by_one_point_zero_three_five() -> None:
    """Green Book Annex A6: year 1 flows are discounted by 1/1.035."""
    r = appraise([Option("A", "in_house", {"operating": {1: 100.0}})])
    assert r.pv_costs[0] == pytest.approx(100 / D, rel=1e-14)
    assert r.npsv[0] == pytest.approx(-100 / D, rel=1e-14)


def test_year_zero_is_not_discounted() -> None:
    r = appraise([Option("A", "in_house", {"capital": {0: 250.0}})])
    assert r.pv_costs[0] == 250.0


def test_present_values_add_up_over_years_and_categories() -> None:
    """Section 6: PV costs over capital, operating, transition and transaction costs."""
    option = Option(
        "A",
        "external_contract",
        {
            "capital": {0: 50.0},
            "operating": {1: 100.0, 2: 100.0, 3: 100.0},
            "transition": {1: 10.0},
            "transaction": {0: 20.0},
            "income": {2: 30.0},
            "cashable_savings": {3: 40.0},
            "monetised_outcomes": {1: 200.0, 2: 200.0, 3: 200.0},
        },
    )
    r = appraise([option])
    costs = 50 + 20 + 100 * (D**-1 + D**-2 + D**-3) + 10 / D
    benefits = 30 * D**-2 + 40 * D**-3 + 200 * (D**-1 + D**-2 + D**-3)
    assert r.pv_costs[0] == pytest.approx(costs, rel=1e-13)
    assert r.pv_benefits[0] == pytest.approx(benefits, rel=1e-13)
    assert r.npsv[0] == pytest.approx(benefits - costs, rel=1e-13)
    assert r.bcr[0] == pytest.approx(benefits / costs, rel=1e-13)
    assert r.npc[0] == pytest.approx(costs - 30 * D**-2 - 40 * D**-3, rel=1e-13)


def test_optimism_bias_raises_the_cost_category_it_is_set_for() -> None:
    """Supplementary guidance on optimism bias: capital × (1 + 24%) for a standard building."""
    r = appraise(
        [
            Option(
                "A", "in_house", {"capital": {0: 100.0}, "operating": {0: 10.0}}, {"capital": 24.0}
            )
        ]
    )
    assert r.pv[0, CATEGORIES.index("capital")] == pytest.approx(124.0, rel=1e-14)
    assert r.pv[0, CATEGORIES.index("operating")] == 10.0


def test_health_effects_can_be_discounted_at_one_and_a_half_per_cent() -> None:
    """Green Book Annex A6: health effects use the 1.5% schedule."""
    settings = AppraisalSettings(category_schedules={"monetised_outcomes": "health"})
    option = Option(
        "A", "co_production", {"monetised_outcomes": {1: 101.5}, "operating": {1: 103.5}}
    )
    r = appraise([option], settings)
    assert r.pv_benefits[0] == pytest.approx(100.0, rel=1e-14)
    assert r.pv_costs[0] == pytest.approx(100.0, rel=1e-14)


def test_the_mid_year_convention_is_applied_and_recorded() -> None:
    settings = AppraisalSettings(convention=Convention.MID_YEAR)
    r = appraise([Option("A", "grant", {"operating": {1: 100.0}})], settings)
    assert r.pv_costs[0] == pytest.approx(100 / math.sqrt(D), rel=1e-14)
    assert r.settings.convention is Convention.MID_YEAR


def test_the_equivalent_annual_cost_of_a_level_cost_is_that_cost() -> None:
    """EAC = PV costs / Σ factors over years 1..T: a level £100 a year gives £100."""
    flows = {"operating": dict.fromkeys(range(1, 11), 100.0)}
    r = appraise([Option("A", "shared_service", flows)])
    assert r.eac[0] == pytest.approx(100.0, rel=1e-13)


def test_the_equivalent_annual_cost_spreads_capital_over_the_period() -> None:
    r = appraise([Option("A", "in_house", {"capital": {0: 1000.0}, "operating": {5: 0.0}})])
    annuity = sum(D**-t for t in range(1, 6))
    assert r.eac[0] == pytest.approx(1000 / annuity, rel=1e-13)


def test_payback_is_the_year_the_cumulative_discounted_net_benefit_turns_positive() -> None:
    option = Option("A", "in_house", {"capital": {0: 100.0}, "income": {1: 60.0, 2: 60.0}})
    r = appraise([option])
    assert -100 + 60 / D < 0 < -100 + 60 / D + 60 / D**2
    assert r.payback_year[0] == 2
    assert r.table()[0]["payback_year"] == 2


def test_an_option_that_never_pays_back_has_no_payback_year() -> None:
    r = appraise([Option("A", "in_house", {"operating": {0: 5.0}})])
    assert r.table()[0]["payback_year"] is None


def test_the_bcr_is_not_computed_without_costs() -> None:
    r = appraise([Option("A", "grant", {"income": {1: 5.0}})])
    assert r.table()[0]["bcr"] is None


def test_options_are_ranked_by_npsv() -> None:
    a = Option("A", "in_house", {"income": {1: 10.0}})
    b = Option("B", "grant", {"income": {1: 30.0}})
    c = Option("C", "decommission", {"income": {1: 20.0}})
    table = appraise([a, b, c]).table()
    assert [row["rank"] for row in table] == [3, 1, 2]
    assert appraise([a, b, c]).preferred == "B"


def test_nominal_prices_are_deflated_to_the_price_base_before_discounting() -> None:
    """Green Book section 5: real = nominal × index[base] / index[year]."""
    settings = AppraisalSettings(
        prices="nominal",
        first_year=2025,
        price_base_year=2025,
        deflator={2025: 100.0, 2026: 102.0},
    )
    r = appraise([Option("A", "grant", {"operating": {0: 100.0, 1: 102.0}})], settings)
    assert r.pv_costs[0] == pytest.approx(100 + 100 / D, rel=1e-14)


def test_it_names_the_option_with_a_cash_flow_after_the_period() -> None:
    options = [
        Option("A", "grant", {"operating": {1: 1.0}}),
        Option("Late", "grant", {"operating": {9: 1.0}}),
    ]
    with pytest.raises(
        ValueError, match=r"option 'Late', field cash_flows: .* after the last year"
    ):
        appraise(options, AppraisalSettings(horizon=5))


def test_it_rejects_two_options_with_one_name() -> None:
    with pytest.raises(ValueError, match="option 'A': two options have the same name"):
        appraise([Option("A", "grant", {}), Option("A", "in_house", {})])


def test_it_rejects_a_negative_amount_naming_option_and_field() -> None:
    with pytest.raises(ValueError, match=r"option 'A', field cash_flows.operating, year 2"):
        Option("A", "grant", {"operating": {2: -5.0}})


def test_it_rejects_an_unknown_category() -> None:
    with pytest.raises(ValueError, match=r"option 'A', field cash_flows\.overheads"):
        Option("A", "grant", {"overheads": {0: 5.0}})


def test_it_rejects_optimism_bias_on_a_benefit() -> None:
    with pytest.raises(ValueError, match=r"field optimism_bias\.income"):
        Option("A", "grant", {}, {"income": 5.0})


def test_every_delivery_model_spiral_names_is_known() -> None:
    assert [m.value for m in DeliveryModel] == [
        "in_house",
        "external_contract",
        "grant",
        "partnership",
        "pooled_budget",
        "shared_service",
        "co_production",
        "personal_budgets",
        "decommission",
        "do_minimum",
    ]


amounts = st.dictionaries(st.integers(0, 12), st.floats(0, 1e7), max_size=6)
flows = st.dictionaries(st.sampled_from(CATEGORIES), amounts, max_size=4)


@settings(max_examples=50, deadline=None)
@given(st.lists(flows, min_size=1, max_size=6))
def test_appraising_options_together_equals_appraising_each_alone(
    all_flows: list[dict[str, dict[int, float]]],
) -> None:
    options = [Option(f"O{i}", "grant", f) for i, f in enumerate(all_flows)]
    together = appraise(options, AppraisalSettings(horizon=12))
    for i, option in enumerate(options):
        alone = appraise([option], AppraisalSettings(horizon=12))
        assert together.npsv[i] == pytest.approx(alone.npsv[0], rel=1e-12, abs=1e-6)
        assert together.pv_costs[i] == pytest.approx(alone.pv_costs[0], rel=1e-12, abs=1e-6)


def test_it_rejects_a_year_beyond_a_thousand() -> None:
    with pytest.raises(ValueError, match="from 0 to 1000"):
        Option("A", "grant", {"operating": {1001: 5.0}})
    with pytest.raises(ValueError, match="field horizon: must be from 0 to 1000"):
        appraise([Option("A", "grant", {})], AppraisalSettings(horizon=5000))
