"""XmR chart limits against examples worked by hand.

Method: D. J. Wheeler, *Understanding Variation* (1993), as NHS England and NHS Improvement's
*Making Data Count* (2019) uses it: process limits at the mean ± 2.66 × the mean moving range,
the moving range's upper limit at 3.267 × the mean moving range, two-sigma lines two thirds of
the way out.
"""

import numpy as np
import pytest

from spiral.spc import xmr_chart

TWELVE = [10, 12, 11, 13, 12, 14, 13, 12, 11, 13, 12, 14]


def test_a_twelve_point_series_has_the_limits_worked_by_hand() -> None:
    """Worked on paper.

    Sum of values: 10+12+11+13+12+14+13+12+11+13+12+14 = 147, so the mean is 147/12 = 12.25.
    Moving ranges: 2, 1, 2, 1, 2, 1, 1, 1, 2, 1, 2; their sum is 16 over 11 ranges, so the
    mean moving range is 16/11 = 1.454545...
    2.66 × 16/11 = 42.56/11 = 3.869091, so the limits are 12.25 ± 3.869091:
    upper 16.119091, lower 8.380909.
    Moving-range limit: 3.267 × 16/11 = 52.272/11 = 4.752.
    Two-sigma lines: 12.25 ± (2/3) × 3.869091 = 12.25 ± 2.579394: 14.829394 and 9.670606.
    No point is outside 9.67 to 14.83, no seven in a row sit on one side of 12.25, and the
    longest rise is two steps: no signal anywhere.
    """
    chart = xmr_chart(TWELVE)
    assert chart["centre"].tolist() == pytest.approx([12.25] * 12)
    assert chart["mr_centre"].tolist() == pytest.approx([16 / 11] * 12)
    assert chart["upper"].tolist() == pytest.approx([16.119091] * 12, abs=1e-6)
    assert chart["lower"].tolist() == pytest.approx([8.380909] * 12, abs=1e-6)
    assert chart["mr_upper"].tolist() == pytest.approx([4.752] * 12)
    assert chart["upper_2sigma"].tolist() == pytest.approx([14.829394] * 12, abs=1e-6)
    assert chart["lower_2sigma"].tolist() == pytest.approx([9.670606] * 12, abs=1e-6)
    assert np.isnan(chart["moving_range"].iloc[0])
    assert chart["moving_range"].iloc[1:].tolist() == [2, 1, 2, 1, 2, 1, 1, 1, 2, 1, 2]
    assert not chart["special_cause"].any()
    assert set(chart["variation"]) == {"common_cause"}
    assert all(signals == () for signals in chart["signals"])


def test_a_baseline_fixes_the_limits_from_the_first_points() -> None:
    """Baseline of 4: values 10, 12, 10, 12 have mean 11 and moving ranges 2, 2, 2 (mean 2),
    so limits are 11 ± 5.32 = 5.68 and 16.32 for every point, whatever comes later."""
    chart = xmr_chart([10, 12, 10, 12, 30, 31], baseline=4)
    assert chart["centre"].tolist() == pytest.approx([11.0] * 6)
    assert chart["upper"].tolist() == pytest.approx([16.32] * 6)
    assert chart["lower"].tolist() == pytest.approx([5.68] * 6)
    assert chart["baseline"].tolist() == [True] * 4 + [False] * 2
    assert chart["outside_limits"].tolist() == [False] * 4 + [True] * 2
    assert chart["mr_above_limit"].tolist() == [False] * 4 + [True, False]


def test_a_change_point_recalculates_the_limits_for_the_new_segment() -> None:
    """Before the change: 10, 12, 10, 12 (mean 11, mean moving range 2, limits 11 ± 5.32).
    After: 20, 22, 20, 22 (mean 21, mean moving range 2, limits 21 ± 5.32). The jump from 12 to
    20 is not a moving range of either segment."""
    chart = xmr_chart(
        [10, 12, 10, 12, 20, 22, 20, 22], periods=list(range(2017, 2025)), change_points=[2021]
    )
    assert chart["segment"].tolist() == [0] * 4 + [1] * 4
    assert chart["centre"].tolist() == pytest.approx([11.0] * 4 + [21.0] * 4)
    assert chart["upper"].tolist() == pytest.approx([16.32] * 4 + [26.32] * 4)
    assert chart["mr_centre"].tolist() == pytest.approx([2.0] * 8)
    assert np.isnan(chart["moving_range"].iloc[4])
    assert not chart["special_cause"].any()


def test_without_the_change_point_the_jump_inflates_the_moving_range() -> None:
    """Same values without a change: mean 128/8 = 16; moving ranges 2, 2, 2, 8, 2, 2, 2, sum 20,
    mean 20/7 = 2.857143; limits 16 ± 2.66 × 20/7 = 16 ± 7.6."""
    chart = xmr_chart([10, 12, 10, 12, 20, 22, 20, 22])
    assert chart["centre"].iloc[0] == pytest.approx(16.0)
    assert chart["mr_centre"].iloc[0] == pytest.approx(20 / 7)
    assert chart["upper"].iloc[0] == pytest.approx(23.6)


def test_screening_leaves_out_a_moving_range_above_its_limit() -> None:
    """Values 10, 12, 10, 12, 10, 40, 40, 40, 40 (10 values with one more 40).

    Moving ranges: 2, 2, 2, 2, 30, 0, 0, 0, 0 — sum 38 over 9, mean 4.222222; the range limit is
    3.267 × 4.222222 = 13.794, so the 30 is screened out; the other eight sum to 8, mean 1.
    """
    values = [10, 12, 10, 12, 10, 40, 40, 40, 40, 40]
    plain = xmr_chart(values)
    screened = xmr_chart(values, screen_outliers=True)
    assert plain["mr_centre"].iloc[0] == pytest.approx(38 / 9)
    assert screened["mr_centre"].iloc[0] == pytest.approx(1.0)


def test_periods_label_the_points() -> None:
    chart = xmr_chart([1, 2, 3], periods=["2023-01", "2023-02", "2023-03"])
    assert chart["period"].tolist() == ["2023-01", "2023-02", "2023-03"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": [1.0, float("nan"), 3.0]}, "position 1 is missing"),
        ({"values": [1.0, 2.0, 3.0], "baseline": 1}, "baseline must be 2 or more"),
        ({"values": [1.0, 2.0, 3.0], "change_points": [2]}, "segment 1 has fewer than two"),
        ({"values": [1.0, 2.0], "periods": ["a", "b"], "change_points": ["c"]}, "not one of"),
        ({"values": [1.0, 2.0], "periods": ["a"]}, "1 labels but there are 2"),
        ({"values": [1.0, 2.0], "polarity": "sideways"}, "polarity must be one of"),
    ],
)
def test_it_rejects_bad_input_with_a_clear_message(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        xmr_chart(**kwargs)  # type: ignore[arg-type]
