"""Switching values and tornado swings.

Reference: HM Treasury Green Book (2022) Annex A5 (switching values: the change in an input
at which the preferred option changes; sensitivity one input at a time). Each switching
value is checked by re-appraising at the switched value, where the two options tie.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from spiral.appraisal.appraisal import AppraisalSettings, appraise
from spiral.appraisal.discounting import schedule
from spiral.appraisal.options import Option
from spiral.appraisal.risk import UncertainInput
from spiral.appraisal.sensitivity import (
    discount_rate_switching_value,
    first_crossings,
    switching_values,
    tornado,
)


def _pair() -> list[Option]:
    return [
        Option("A", "in_house", {"operating": {1: 100.0}, "income": {1: 150.0}}),
        Option("B", "co_production", {"operating": {1: 100.0}, "income": {1: 130.0}}),
    ]


def test_a_cost_switching_value_is_where_the_options_tie() -> None:
    """A leads by 20 (undiscounted); its operating cost must rise by 20% to tie with B."""
    result = appraise(_pair())
    found = {s.input: s for s in switching_values(result)}
    sv = found["A: operating"]
    assert sv.increase == pytest.approx(0.2, rel=1e-12)
    assert sv.option_after_increase == "B"
    assert sv.decrease is None
    switched = [
        Option(
            "A", "in_house", {"operating": {1: 100.0 * (1 + sv.increase)}, "income": {1: 150.0}}
        ),
        _pair()[1],
    ]
    npsv = appraise(switched).npsv
    assert npsv[0] == pytest.approx(npsv[1], rel=1e-12)


def test_a_rival_benefit_switching_value_is_where_the_rival_catches_up() -> None:
    result = appraise(_pair())
    sv = {s.input: s for s in switching_values(result)}["B: income"]
    assert sv.increase == pytest.approx(20 / 130, rel=1e-12)
    assert sv.option_after_increase == "B"


def test_an_input_that_scales_every_option_uses_the_combined_slope() -> None:
    result = appraise(_pair())
    income = UncertainInput("income", "income", "uniform", {"min": 0.5, "max": 1.5})
    sv = switching_values(result, [income])[-1]
    # A: 150δ, B: 130δ more: B catches up when 20 + 20δ = 0, a fall of 100%
    assert sv.decrease == pytest.approx(-1.0, rel=1e-12)
    assert sv.option_after_decrease == "B"


def test_the_discount_rate_switching_value_is_a_root_of_the_gap() -> None:
    options = [
        Option("A", "in_house", {"capital": {0: 100.0}, "income": {10: 160.0}}),
        Option("B", "grant", {"operating": {0: 10.0}, "income": {1: 20.0}}),
    ]
    sv = discount_rate_switching_value(options)
    assert sv.preferred == "A"
    assert sv.option_after_increase == "B"
    assert sv.increase is not None
    rate = 0.035 + sv.increase
    assert -100 + 160 * (1 + rate) ** -10 == pytest.approx(-10 + 20 / (1 + rate), abs=1e-8)
    shifted = dataclasses.replace(AppraisalSettings(), schedule=schedule().shifted(sv.increase))
    npsv = appraise(options, shifted).npsv
    assert npsv[0] == pytest.approx(npsv[1], abs=1e-7)


def test_no_discount_rate_switch_is_reported_when_there_is_none() -> None:
    options = [
        Option("A", "grant", {"income": {1: 10.0}}),
        Option("B", "grant", {"income": {1: 5.0}}),
    ]
    sv = discount_rate_switching_value(options)
    assert (sv.increase, sv.decrease) == (None, None)


def test_first_crossings_respect_the_range() -> None:
    cross = first_crossings([10.0, 8.0], [-1.0, 0.0], 0, lowest=-1, highest=1.5)
    assert cross.up is None
    assert first_crossings([10.0, 8.0], [-1.0, 0.0], 0).up == 2.0


def test_tornado_swings_each_input_between_its_percentiles() -> None:
    result = appraise(_pair())
    inputs = [
        UncertainInput("cost", "operating", "uniform", {"min": 0.8, "max": 1.2}, options=("A",)),
        UncertainInput("income", "income", "uniform", {"min": 0.9, "max": 1.1}, options=("A",)),
    ]
    bars = tornado(result, inputs)
    assert [b.input for b in bars] == ["cost", "income"]  # swings 36/1.035 and 27/1.035
    cost = bars[0]
    assert (cost.low_value, cost.high_value) == pytest.approx((0.82, 1.18), rel=1e-12)
    assert cost.npsv_low == pytest.approx((150 - 82) / 1.035, rel=1e-12)
    assert cost.npsv_high == pytest.approx((150 - 118) / 1.035, rel=1e-12)
    assert bars[1].swing == pytest.approx(150 * 0.18 / 1.035, rel=1e-12)
    assert np.isclose(cost.swing, 36 / 1.035)


def test_tornado_rejects_an_unknown_option() -> None:
    with pytest.raises(ValueError, match="no option is called 'Z'"):
        tornado(appraise(_pair()), [], option="Z")
