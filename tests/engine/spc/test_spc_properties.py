"""Invariants of control charts, checked with hypothesis.

- Adding a constant to every value moves the centre line and the limits by that constant and
  changes no signal (the moving ranges are unchanged).
- Multiplying every value by a positive constant scales the centre, limits and moving ranges
  and changes no signal; a negative constant mirrors the chart, turning high signals into low.
- On a p chart, counting the complement (n − x instead of x) mirrors p into 1 − p.

Points lying exactly on a boundary (a limit, a two-sigma line or the centre) are set aside:
there the answer depends on the last bit of floating-point rounding, not on the method.
"""

import numpy as np
import pandas as pd
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from spiral.spc import RunRules, p_chart, xmr_chart

RULES = ["outside_limits", "shift", "trend", "two_of_three", "special_cause"]
series = st.lists(st.integers(-1000, 1000), min_size=2, max_size=40)


def clear_of_boundaries(chart: pd.DataFrame) -> bool:
    values = chart["value"].to_numpy()
    lines = chart[["centre", "lower", "upper", "lower_2sigma", "upper_2sigma"]].to_numpy()
    scale = 1.0 + float(np.max(np.abs(lines)))
    return bool(np.all(np.abs(lines - values[:, None]) > 1e-9 * scale))


@settings(max_examples=150, deadline=None)
@given(values=series, shift=st.integers(-(10**6), 10**6), baseline=st.sampled_from([None, 2, 5]))
def test_adding_a_constant_moves_the_lines_and_keeps_every_signal(
    values: list[int], shift: int, baseline: int | None
) -> None:
    before = xmr_chart(values, baseline=baseline)
    after = xmr_chart([v + shift for v in values], baseline=baseline)
    assume(clear_of_boundaries(before) and clear_of_boundaries(after))
    for column in ["centre", "lower", "upper", "lower_2sigma", "upper_2sigma"]:
        np.testing.assert_allclose(after[column], before[column] + shift, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(after["mr_centre"], before["mr_centre"], rtol=1e-9, atol=1e-9)
    for column in [*RULES, "direction", "variation"]:
        assert after[column].tolist() == before[column].tolist()


@settings(max_examples=150, deadline=None)
@given(values=series, factor=st.integers(1, 1000))
def test_scaling_by_a_positive_constant_keeps_every_signal(values: list[int], factor: int) -> None:
    before = xmr_chart(values, polarity="higher_is_better")
    after = xmr_chart([v * factor for v in values], polarity="higher_is_better")
    assume(clear_of_boundaries(before) and clear_of_boundaries(after))
    for column in ["centre", "lower", "upper", "mr_centre", "mr_upper"]:
        np.testing.assert_allclose(after[column], before[column] * factor, rtol=1e-9, atol=1e-9)
    for column in [*RULES, "direction", "variation"]:
        assert after[column].tolist() == before[column].tolist()


@settings(max_examples=150, deadline=None)
@given(values=series, rules=st.sampled_from([RunRules(), RunRules(8, 7), RunRules(6, 5)]))
def test_negating_the_values_mirrors_high_and_low(values: list[int], rules: RunRules) -> None:
    before = xmr_chart(values, rules=rules, polarity="higher_is_better")
    after = xmr_chart([-v for v in values], rules=rules, polarity="lower_is_better")
    assume(clear_of_boundaries(before) and clear_of_boundaries(after))
    for column in RULES:
        assert after[column].tolist() == before[column].tolist()
    swap = {"high": "low", "low": "high", "": ""}
    assert after["direction"].tolist() == [swap[d] for d in before["direction"]]
    # improvement stays improvement: the values and the polarity both turned round
    assert after["variation"].tolist() == before["variation"].tolist()


counts = st.lists(
    st.tuples(st.integers(1, 500), st.floats(0, 1)).map(lambda t: (round(t[0] * t[1]), t[0])),
    min_size=2,
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(points=counts)
def test_counting_the_complement_mirrors_a_p_chart(points: list[tuple[int, int]]) -> None:
    x = [a for a, _ in points]
    n = [b for _, b in points]
    before = p_chart(x, n)
    after = p_chart([b - a for a, b in points], n)
    assume(clear_of_boundaries(before) and clear_of_boundaries(after))
    np.testing.assert_allclose(after["centre"], 1 - before["centre"], atol=1e-12)
    for column in RULES:
        assert after[column].tolist() == before[column].tolist()
