"""Weighted multi-criteria scoring and its robustness to the weights.

Reference: MHCLG (2009) *Multi-criteria analysis: a manual*, chapter 6 (the linear additive
model: total = Σ weight × score; sensitivity of the ranking to the weights) and HM Treasury
Green Book (2022) Annex A2. Totals are worked by hand; weight switches are checked by
recomputing the totals at the switched weights, where the leaders tie.
"""

from __future__ import annotations

import numpy as np
import pytest

from spiral.appraisal.appraisal import ranks
from spiral.appraisal.mcda import (
    DEFAULT_CRITERIA,
    normalise_weights,
    score,
    weight_perturbation,
    weight_switching,
)

WEIGHTS = {"quality": 20, "outcomes_for_users": 30, "what_users_said": 50}
SCORES = {
    "In-house": {"quality": 8, "outcomes_for_users": 6, "what_users_said": 5},
    "Co-produce": {"quality": 5, "outcomes_for_users": 7, "what_users_said": 7},
    "Contract": {"quality": 7, "outcomes_for_users": 7, "what_users_said": 4},
}


def _result():  # type: ignore[no-untyped-def]
    return score(list(SCORES), WEIGHTS, SCORES)


def test_totals_are_the_weighted_sums() -> None:
    totals = _result().totals
    assert totals.tolist() == pytest.approx(
        [0.2 * 8 + 0.3 * 6 + 0.5 * 5, 0.2 * 5 + 0.3 * 7 + 0.5 * 7, 0.2 * 7 + 0.3 * 7 + 0.5 * 4],
        rel=1e-14,
    )
    assert [row["rank"] for row in _result().table()] == [2, 1, 3]
    assert _result().top == "Co-produce"


def test_weights_may_add_up_to_one_or_to_a_hundred() -> None:
    assert normalise_weights({"a": 0.25, "b": 0.75}) == {"a": 0.25, "b": 0.75}
    assert normalise_weights({"a": 25, "b": 75}) == {"a": 0.25, "b": 0.75}


def test_it_rejects_weights_that_add_up_to_neither() -> None:
    with pytest.raises(ValueError, match="mcda, field weight: the weights add up to 90"):
        normalise_weights({"a": 40, "b": 50})


def test_it_names_a_negative_weight() -> None:
    with pytest.raises(ValueError, match="criterion 'b', field weight"):
        normalise_weights({"a": 110, "b": -10})


def test_it_names_the_option_and_criterion_of_a_missing_score() -> None:
    scores = {"A": {"quality": 1}}
    with pytest.raises(ValueError, match="option 'A', field resilience: no score given"):
        score(["A"], {"quality": 50, "resilience": 50}, scores)


def test_it_rejects_a_score_for_an_unweighted_criterion() -> None:
    scores = {"A": {"quality": 1, "colour": 3}}
    with pytest.raises(ValueError, match="option 'A', field colour: not a weighted criterion"):
        score(["A"], {"quality": 100}, scores)


def test_equal_totals_share_a_rank() -> None:
    assert ranks([2.0, 3.0, 2.0, 1.0]).tolist() == [2, 1, 2, 4]


def test_the_suggested_criteria_cover_what_is_not_monetised() -> None:
    assert DEFAULT_CRITERIA == (
        "quality",
        "outcomes_for_users",
        "social_value",
        "resilience",
        "what_users_said",
        "deliverability",
    )


def test_the_weight_switch_is_where_the_leaders_tie() -> None:
    result = _result()
    for switch in weight_switching(result):
        for delta, new_top in (
            (switch.increase, switch.top_after_increase),
            (switch.decrease, switch.top_after_decrease),
        ):
            if delta is None:
                continue
            j = result.criteria.index(switch.criterion)
            w = result.weights.copy()
            scale = (1 - w[j] - delta) / (1 - w[j])
            w = w * scale
            w[j] = result.weights[j] + delta
            assert w.sum() == pytest.approx(1.0, rel=1e-12)
            totals = result.scores @ w
            top = result.options.index("Co-produce")
            other = result.options.index(new_top)
            assert totals[top] == pytest.approx(totals[other], rel=1e-12)
            assert totals.max() == pytest.approx(totals[top], rel=1e-12)


def test_raising_the_quality_weight_hands_the_lead_to_in_house() -> None:
    """Co-produce 6.6, In-house 5.9: the quality weight must rise by 0.7 / (2.625 + 2)."""
    switch = weight_switching(_result())[0]
    assert switch.criterion == "quality"
    assert switch.top_after_increase == "In-house"
    # slopes: x_j − (T − w_j x_j)/(1 − w_j): In-house 8 − 4.3/0.8, Co-produce 5 − 5.6/0.8
    expected = (6.6 - 5.9) / ((8 - 4.3 / 0.8) - (5 - 5.6 / 0.8))
    assert switch.increase == pytest.approx(expected, rel=1e-12)


def test_perturbed_weights_are_reproducible_and_shares_add_to_one() -> None:
    first = weight_perturbation(_result(), draws=5000, spread=0.3, seed=9)
    again = weight_perturbation(_result(), draws=5000, spread=0.3, seed=9)
    assert first == again
    assert sum(first.values()) == pytest.approx(1.0, rel=1e-12)


def test_without_spread_the_top_option_is_always_first() -> None:
    shares = weight_perturbation(_result(), draws=100, spread=0.0, seed=1)
    assert shares == {"In-house": 0.0, "Co-produce": 1.0, "Contract": 0.0}


def test_it_rejects_a_spread_of_one_or_more() -> None:
    with pytest.raises(ValueError, match="field spread"):
        weight_perturbation(_result(), spread=1.0)


def test_scores_come_back_as_given() -> None:
    assert np.array_equal(_result().scores[0], [8.0, 6.0, 5.0])
