"""Procurement Act KPI ratings from targets and SPC signals (``spiral.spc.ratings``).

Each worked example is computed by hand in its comment from the rules stated in
``docs/contracts.md`` ("Ratings"): shortfall = (target − value) / |target| when higher is
better; good ≤ 0 < approaching ≤ 5% < requires improvement ≤ 15% < inadequate; a concern
signal moves a rating one step down.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spiral.spc import xmr_chart
from spiral.spc.ratings import RATINGS, rate_chart, rate_periods, shortfall

NAN = math.nan


@pytest.mark.parametrize(
    ("value", "target", "polarity", "concern", "expected"),
    [
        # 95 v 95: shortfall 0 -> met -> good
        (95, 95, "higher_is_better", False, "good"),
        # 95 v 95 with a concern signal -> one step down
        (95, 95, "higher_is_better", True, "approaching_target"),
        # 91 v 95: 4/95 = 4.2% -> approaching
        (91, 95, "higher_is_better", False, "approaching_target"),
        # 91 v 95 with concern: approaching -> requires improvement
        (91, 95, "higher_is_better", True, "requires_improvement"),
        # 90 v 95: 5/95 = 5.26% -> requires improvement
        (90, 95, "higher_is_better", False, "requires_improvement"),
        # 81 v 95: 14/95 = 14.7% -> requires improvement
        (81, 95, "higher_is_better", False, "requires_improvement"),
        # 81 v 95 with concern -> inadequate
        (81, 95, "higher_is_better", True, "inadequate"),
        # 80 v 95: 15/95 = 15.8% -> inadequate
        (80, 95, "higher_is_better", False, "inadequate"),
        # lower is better: 21 days v 20: 1/20 = 5% exactly -> approaching (boundary included)
        (21, 20, "lower_is_better", False, "approaching_target"),
        # 23 v 20: 15% exactly -> requires improvement (boundary included)
        (23, 20, "lower_is_better", False, "requires_improvement"),
        # 24 v 20: 20% -> inadequate
        (24, 20, "lower_is_better", False, "inadequate"),
        # 18 v 20: met -> good
        (18, 20, "lower_is_better", False, "good"),
        # target 0 (lower is better), value 0.03: gap 0.03 -> approaching
        (0.03, 0, "lower_is_better", False, "approaching_target"),
        # neutral polarity -> other; missing value -> other; missing target -> other
        (50, 40, "neutral", False, "other"),
        (NAN, 40, "higher_is_better", False, "other"),
        (50, NAN, "higher_is_better", True, "other"),
    ],
)
def test_each_worked_example_gets_the_rating_the_rules_give(
    value: float, target: float, polarity: str, concern: bool, expected: str
) -> None:
    assert rate_periods([value], target, polarity, concern=[concern]) == [expected]


def test_it_rates_a_chart_using_its_concern_signals() -> None:
    # Baseline of 9 points averaging 90 (mean moving range 2), then 7 points at 88: a run of
    # seven below the centre -> shift, a concern when higher is better. 88 v target 87 is
    # met, so those points are good moved one step down: approaching target.
    values = [89, 91, 89, 91, 89, 91, 89, 91, 90, 88, 88, 88, 88, 88, 88, 88]
    chart = xmr_chart(values, baseline=9, polarity="higher_is_better")
    assert list(chart["variation"].iloc[9:]) == ["concern"] * 7
    ratings = rate_chart(chart, 87, "higher_is_better")
    assert ratings[:9] == ["good"] * 9
    assert ratings[9:] == ["approaching_target"] * 7


def test_the_shortfall_uses_the_plain_gap_when_the_target_is_zero() -> None:
    assert shortfall([2.0], 0.0, "lower_is_better").tolist() == [2.0]


def test_it_rejects_margins_out_of_order() -> None:
    with pytest.raises(ValueError, match="approaching <= inadequate"):
        rate_periods([1.0], 1.0, "higher_is_better", approaching=0.2, inadequate=0.1)


def test_it_rejects_concern_flags_of_another_length() -> None:
    with pytest.raises(ValueError, match="2 flags for 1 values"):
        rate_periods([1.0], 1.0, "higher_is_better", concern=[True, False])


@given(
    st.lists(st.floats(0, 1000), min_size=1, max_size=30),
    st.floats(1, 1000),
    st.lists(st.booleans(), min_size=30, max_size=30),
)
def test_a_concern_signal_never_improves_a_rating(
    values: list[float], target: float, flags: list[bool]
) -> None:
    plain = rate_periods(values, target, "higher_is_better")
    flagged = rate_periods(values, target, "higher_is_better", concern=flags[: len(values)])
    for before, after in zip(plain, flagged, strict=True):
        assert RATINGS.index(after) >= RATINGS.index(before)
        assert RATINGS.index(after) - RATINGS.index(before) <= 1


@given(st.lists(st.floats(-1000, 1000), min_size=1, max_size=30), st.floats(1, 1000))
def test_mirroring_the_values_and_the_polarity_gives_the_same_ratings(
    values: list[float], target: float
) -> None:
    higher = rate_periods(values, target, "higher_is_better")
    lower = rate_periods([-v for v in values], -target, "lower_is_better")
    assert higher == lower
