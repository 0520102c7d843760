"""p and u charts against examples worked by hand.

Method: D. C. Montgomery, *Introduction to Statistical Quality Control* — the pooled centre line
and limits three standard errors either side that vary with each point's denominator — with the
run rules of NHS England and NHS Improvement's *Making Data Count* (2019).
"""

import math

import pytest

from spiral.spc import p_chart, u_chart


def test_a_p_chart_has_limits_that_vary_with_the_denominator() -> None:
    """Numerators 10, 20, 30 over 100, 100, 200: pooled p = 60/400 = 0.15.
    Standard errors: √(0.15 × 0.85 / 100) = √0.001275 = 0.0357071 for the first two points,
    √(0.1275 / 200) = √0.0006375 = 0.0252488 for the third. Limits 0.15 ± 3 × those:
    0.257121 / 0.042879 and 0.225746 / 0.074254. Values 0.1, 0.2, 0.15 all lie within."""
    chart = p_chart([10, 20, 30], [100, 100, 200])
    assert chart["value"].tolist() == pytest.approx([0.1, 0.2, 0.15])
    assert chart["centre"].tolist() == pytest.approx([0.15] * 3)
    assert chart["upper"].tolist() == pytest.approx([0.257121, 0.257121, 0.225746], abs=1e-6)
    assert chart["lower"].tolist() == pytest.approx([0.042879, 0.042879, 0.074254], abs=1e-6)
    assert chart["upper_2sigma"].iloc[0] == pytest.approx(0.15 + 2 * math.sqrt(0.001275))
    assert not chart["special_cause"].any()
    assert chart["numerator"].tolist() == [10, 20, 30]


def test_a_p_chart_reports_percentages_with_a_multiplier() -> None:
    chart = p_chart([10, 20, 30], [100, 100, 200], multiplier=100)
    assert chart["centre"].iloc[0] == pytest.approx(15.0)
    assert chart["upper"].iloc[0] == pytest.approx(25.7121, abs=1e-4)


def test_p_chart_limits_stay_between_zero_and_one() -> None:
    """Pooled p = 2/20 = 0.1; with n = 10 the half-width is 3 × √(0.09/10) = 0.284605, so the
    lower limit −0.184605 is held at 0. Pooled 18/20 = 0.9 mirrors it at the top: 1.184605 → 1."""
    low = p_chart([1, 1], [10, 10])
    assert low["lower"].tolist() == [0.0, 0.0]
    assert low["upper"].iloc[0] == pytest.approx(0.384605, abs=1e-6)
    high = p_chart([9, 9], [10, 10])
    assert high["upper"].tolist() == [1.0, 1.0]


def test_a_p_chart_flags_a_point_beyond_its_own_limit() -> None:
    """Baseline of four periods, 20 of 100 each: p = 0.2, half-width 3 × √(0.16/100) = 0.12, so
    the limits are 0.08 and 0.32. A fifth period of 33 in 100 (0.33) is above; 31 in 100 is not.
    With n = 400 the half-width is 0.06 and 0.27 is above 0.26."""
    base_x, base_n = [20, 20, 20, 20], [100, 100, 100, 100]
    above = p_chart([*base_x, 33], [*base_n, 100], baseline=4, polarity="higher_is_better")
    assert above["outside_limits"].tolist() == [False] * 4 + [True]
    assert above["variation"].iloc[-1] == "improvement"
    within = p_chart([*base_x, 31], [*base_n, 100], baseline=4)
    assert not within["special_cause"].any()
    big = p_chart([*base_x, 108], [*base_n, 400], baseline=4)
    assert big["upper"].iloc[-1] == pytest.approx(0.26)
    assert big["outside_limits"].iloc[-1]


def test_a_u_chart_has_limits_that_vary_with_the_exposure() -> None:
    """Counts 4, 6, 10 over exposures 2, 2, 4: pooled u = 20/8 = 2.5.
    Exposure 2: 2.5 ± 3√1.25 = 2.5 ± 3.354102: upper 5.854102, lower held at 0.
    Exposure 4: 2.5 ± 3√0.625 = 2.5 ± 2.371708: upper 4.871708, lower 0.128292."""
    chart = u_chart([4, 6, 10], [2, 2, 4])
    assert chart["centre"].tolist() == pytest.approx([2.5] * 3)
    assert chart["upper"].tolist() == pytest.approx([5.854102, 5.854102, 4.871708], abs=1e-6)
    assert chart["lower"].tolist() == pytest.approx([0.0, 0.0, 0.128292], abs=1e-6)


def test_a_u_chart_reports_a_rate_per_thousand() -> None:
    chart = u_chart([4, 6, 10], [2000, 2000, 4000], multiplier=1000)
    assert chart["value"].tolist() == pytest.approx([2.0, 3.0, 2.5])
    assert chart["centre"].iloc[0] == pytest.approx(2.5)


def test_a_change_point_pools_each_segment_separately() -> None:
    """Periods 1–2: 10/100, 10/100 (p = 0.1); periods 3–4: 30/100, 30/100 (p = 0.3)."""
    chart = p_chart([10, 10, 30, 30], [100] * 4, change_points=[2])
    assert chart["centre"].tolist() == pytest.approx([0.1, 0.1, 0.3, 0.3])


@pytest.mark.parametrize(
    ("numerators", "denominators", "message"),
    [
        ([1, 2], [10, 0], "position 1: denominator is not positive"),
        ([1, -2], [10, 10], "position 1: numerator is negative"),
        ([11, 2], [10, 10], "position 0: numerator is larger"),
        ([1, float("nan")], [10, 10], "position 1: numerator is missing"),
        ([1, 2, 3], [10, 10], "same length"),
    ],
)
def test_a_p_chart_rejects_impossible_counts(
    numerators: list[float], denominators: list[float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        p_chart(numerators, denominators)


def test_a_u_chart_accepts_a_count_above_its_exposure() -> None:
    assert u_chart([30, 20], [10, 10])["value"].tolist() == [3.0, 2.0]
