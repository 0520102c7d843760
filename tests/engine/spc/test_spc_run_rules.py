"""The four run rules of NHS England and NHS Improvement's *Making Data Count* (2019), each at
and either side of its boundary.

Every test starts from the same hand-worked baseline of six points, 12, 10, 12, 10, 12, 10:
mean 11, moving ranges all 2 (mean 2), so the limits are fixed at 11 ± 2.66 × 2 = 5.68 and
16.32, and the two-sigma lines at 11 ± (2/3) × 5.32 = 7.453333 and 14.546667. The baseline
itself breaks no rule (it alternates about the mean), and ends below the mean, so a run of
points above the mean starts with the first point after it.
"""

import pytest

from spiral.spc import RunRules, xmr_chart

BASELINE = [12, 10, 12, 10, 12, 10]


def chart(after: list[float], **kwargs: object):  # type: ignore[no-untyped-def]
    return xmr_chart(BASELINE + after, baseline=6, **kwargs)  # type: ignore[arg-type]


def flagged(table, rule: str) -> list[int]:  # type: ignore[no-untyped-def]
    return [int(i) - 6 for i in table.index[table[rule]]]


def test_the_baseline_has_the_limits_worked_by_hand() -> None:
    table = chart([11])
    assert table["upper"].iloc[0] == pytest.approx(16.32)
    assert table["lower"].iloc[0] == pytest.approx(5.68)
    assert table["upper_2sigma"].iloc[0] == pytest.approx(14.546667, abs=1e-6)
    assert table["lower_2sigma"].iloc[0] == pytest.approx(7.453333, abs=1e-6)
    assert not table["special_cause"].any()


# rule 1: a point outside the process limits -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "outside", "direction"),
    [(16.31, False, ""), (16.33, True, "high"), (5.69, False, ""), (5.67, True, "low")],
)
def test_a_point_beyond_a_limit_is_special_cause(
    value: float, outside: bool, direction: str
) -> None:
    table = chart([value])
    assert bool(table["outside_limits"].iloc[-1]) is outside
    assert table["direction"].iloc[-1] == direction
    assert ("outside_limits" in table["signals"].iloc[-1]) is outside


def test_a_point_exactly_on_a_limit_is_not_outside_it() -> None:
    """Limits 0 ± 2.66 × 1 from the baseline 0, 1, 0, 1 (mean 0.5, mean range 1): 0.5 ± 2.66.
    Chosen so the limit 3.16 = 0.5 + 2.66 is the value itself once rounded the same way."""
    base = xmr_chart([0, 1, 0, 1], baseline=4)
    limit = float(base["upper"].iloc[0])
    table = xmr_chart([0, 1, 0, 1, limit], baseline=4)
    assert not table["outside_limits"].iloc[-1]


# rule 2: a shift of seven points on one side of the mean ------------------------------------


def test_seven_points_above_the_mean_are_a_shift() -> None:
    table = chart([12, 13, 12, 13, 12, 13, 12])
    assert flagged(table, "shift") == [0, 1, 2, 3, 4, 5, 6]
    assert set(table["direction"].iloc[6:]) == {"high"}


def test_six_points_above_the_mean_are_not_a_shift() -> None:
    table = chart([12, 13, 12, 13, 12, 13, 10])
    assert flagged(table, "shift") == []


def test_seven_points_below_the_mean_are_a_shift_low() -> None:
    table = xmr_chart([10, 12, 10, 12, 10, 12, 10, 9, 10, 9, 10, 9, 10], baseline=6)
    assert flagged(table, "shift") == [0, 1, 2, 3, 4, 5, 6]
    assert set(table["direction"].iloc[6:]) == {"low"}


def test_a_point_on_the_mean_breaks_a_shift() -> None:
    table = chart([12, 13, 12, 11, 13, 12, 13, 12])
    assert flagged(table, "shift") == []


def test_the_shift_length_can_be_six() -> None:
    table = chart([12, 13, 12, 13, 12, 13, 10], rules=RunRules(shift_length=6))
    assert flagged(table, "shift") == [0, 1, 2, 3, 4, 5]
    table = chart([12, 13, 12, 13, 12, 10], rules=RunRules(shift_length=6))
    assert flagged(table, "shift") == []


# rule 3: a trend of six points rising or falling ---------------------------------------------


def test_six_rising_points_are_a_trend() -> None:
    table = chart([8, 9, 10, 11.5, 12, 13])
    assert flagged(table, "trend") == [0, 1, 2, 3, 4, 5]
    assert set(table["direction"].iloc[6:]) == {"high"}
    assert flagged(table, "shift") == []
    assert flagged(table, "two_of_three") == []


def test_five_rising_points_are_not_a_trend() -> None:
    table = chart([8, 9, 10, 11.5, 12, 11])
    assert flagged(table, "trend") == []


def test_six_falling_points_are_a_trend_low() -> None:
    table = chart([14, 13, 12, 10.5, 10, 9])
    assert flagged(table, "trend") == [0, 1, 2, 3, 4, 5]
    assert set(table["direction"].iloc[6:]) == {"low"}


def test_an_equal_value_breaks_a_trend() -> None:
    table = chart([8, 9, 9, 10, 11.5, 12, 13])
    assert flagged(table, "trend") == []


def test_the_trend_length_can_be_seven() -> None:
    rules = RunRules(trend_length=7)
    assert flagged(chart([8, 9, 10, 11.5, 12, 13], rules=rules), "trend") == []
    assert flagged(chart([8, 9, 10, 11.5, 12, 13, 14], rules=rules), "trend") == list(range(7))


# rule 4: two out of three points beyond two sigma on the same side ---------------------------


def test_two_of_three_points_near_the_upper_limit_are_special_cause() -> None:
    table = chart([15, 11, 15])
    assert flagged(table, "two_of_three") == [0, 2]
    assert table["direction"].iloc[6] == "high"
    assert not table["special_cause"].iloc[7]


def test_two_adjacent_points_near_the_lower_limit_are_special_cause() -> None:
    table = chart([11, 7.4, 7.4])
    assert flagged(table, "two_of_three") == [1, 2]
    assert set(table["direction"].iloc[7:]) == {"low"}


def test_two_near_points_four_apart_are_not_two_of_three() -> None:
    assert flagged(chart([15, 11, 11, 15]), "two_of_three") == []


def test_near_points_on_opposite_sides_are_not_two_of_three() -> None:
    assert flagged(chart([15, 11, 7]), "two_of_three") == []


@pytest.mark.parametrize(
    ("first", "expected"),
    [(14.54, []), (14.55, [0, 2])],
)
def test_the_two_sigma_line_is_the_boundary(first: float, expected: list[int]) -> None:
    assert flagged(chart([first, 11, 14.55]), "two_of_three") == expected


def test_a_point_beyond_the_limit_counts_as_beyond_two_sigma() -> None:
    table = chart([17, 15, 11])
    assert flagged(table, "outside_limits") == [0]
    assert flagged(table, "two_of_three") == [0, 1]


# rules respect segments -----------------------------------------------------------------------


def test_no_trend_runs_across_a_change_point() -> None:
    """Positions 9 to 15 hold 12, 13, 14, 15, 16, 17, 18: seven rising points, a trend. With a
    change at position 12 the rise splits into 12, 13, 14 (three points, segment one) and 15,
    16, 17, 18 (four points, segment two): neither is six long."""
    values = [12, 10, 12, 10, 12, 10, 12, 12, 12, 12, 13, 14, 15, 16, 17, 18]
    assert xmr_chart(values)["trend"].tolist() == [False] * 9 + [True] * 7
    assert not xmr_chart(values, change_points=[12])["trend"].any()


def test_no_two_of_three_window_spans_a_change_point() -> None:
    """Baseline 0, 1, 0, 1, 0, 1: mean 0.5, mean moving range 1, two-sigma line
    0.5 + (2/3) × 2.66 = 2.273333. The 9s at positions 7 and 8 are both beyond it: two of three.
    With a change at position 8, segment two's baseline 9, 1, 0, 1, 0, 1 has mean 12/6 = 2,
    moving ranges 8, 1, 1, 1, 1 (mean 2.4), two-sigma line 2 + (2/3) × 2.66 × 2.4 = 6.256: its
    9 is beyond, but alone in its segment's windows, as is the 9 left in segment one."""
    values = [0, 1, 0, 1, 0, 1, 0, 9, 9, 1, 0, 1, 0, 1]
    whole = xmr_chart(values, baseline=6)
    assert whole["two_of_three"].tolist() == [False] * 7 + [True, True] + [False] * 5
    split = xmr_chart(values, baseline=6, change_points=[8])
    assert split["upper_2sigma"].iloc[8] == pytest.approx(6.256)
    assert not split["two_of_three"].any()
    assert split["outside_limits"].tolist()[7:9] == [True, True]
