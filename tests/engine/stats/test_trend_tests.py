"""Trends over periods.

References:

- chi-square test for trend in proportions: the example of R's ``?prop.trend.test``
  (``smokers <- c(83, 90, 129, 70); patients <- c(86, 93, 136, 82)``: X-squared = 8.2249,
  df = 1, p-value = 0.004132), and R's definition of the statistic as the regression sum of
  squares of ``lm(freq ~ score, weights = n / p / (1 - p))``, recomputed here with numpy's
  weighted least squares;
- weighted slope: numpy's weighted least-squares fit (``numpy.polyfit`` with weights
  ``1/se``), which must give the same slope.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spiral.exceptions import InputError
from spiral.stats.trend import trend_proportion, trend_slope

SMOKERS = [83, 90, 129, 70]
PATIENTS = [86, 93, 136, 82]


def test_the_chi_square_for_trend_matches_rs_documented_example() -> None:
    table = pd.DataFrame({"period": [1, 2, 3, 4], "numerator": SMOKERS, "denominator": PATIENTS})
    result = trend_proportion(table, points=None, min_points=4, confidence=95)
    assert result["chi2"].iloc[0] == pytest.approx(8.2249, abs=5e-5)
    assert result["p_value"].iloc[0] == pytest.approx(0.004132, abs=5e-7)


def _regression_sum_of_squares(x: np.ndarray, n: np.ndarray) -> float:
    freq = x / n
    p = x.sum() / n.sum()
    w = n / p / (1 - p)
    score = np.arange(1, len(x) + 1, dtype=float)
    slope, intercept = np.polyfit(score, freq, 1, w=np.sqrt(w))
    fitted = intercept + slope * score
    mean = np.sum(w * freq) / np.sum(w)
    return float(np.sum(w * (fitted - mean) ** 2))


def test_groups_are_tested_separately_and_only_the_last_five_points_count() -> None:
    rng = np.random.default_rng(7)
    rows = []
    for area in ["E06000001", "E06000002", "E06000003"]:
        for year in range(2015, 2024):
            n = int(rng.integers(200, 400))
            rows.append((area, str(year), int(rng.integers(10, n // 2)), n))
    table = pd.DataFrame(rows, columns=["area_code", "period", "numerator", "denominator"])
    result = trend_proportion(table.sample(frac=1, random_state=3), by="area_code")
    assert result["area_code"].tolist() == ["E06000001", "E06000002", "E06000003"]
    assert result["points"].tolist() == [5, 5, 5]
    assert set(result["first_period"]) == {"2019"}
    for area, statistic in zip(result["area_code"], result["chi2"], strict=True):
        last = table[table["area_code"] == area].tail(5)
        expected = _regression_sum_of_squares(
            last["numerator"].to_numpy(float), last["denominator"].to_numpy(float)
        )
        assert statistic == pytest.approx(expected, rel=1e-9)


def test_a_significant_trend_is_labelled_with_its_polarity() -> None:
    table = pd.DataFrame(
        {
            "period": ["2019", "2020", "2021", "2022", "2023"] * 2,
            "indicator_id": [1] * 5 + [2] * 5,
            "numerator": [100, 150, 200, 250, 300] * 2,
            "denominator": [1000] * 10,
            "polarity": ["RAG - Low is good"] * 5 + ["RAG - High is good"] * 5,
        }
    )
    result = trend_proportion(table, by="indicator_id", polarity="polarity")
    assert result["trend"].tolist() == [
        "increasing and getting worse",
        "increasing and getting better",
    ]


def test_too_few_points_or_a_missing_count_cannot_be_calculated() -> None:
    table = pd.DataFrame(
        {
            "area": ["a"] * 4 + ["b"] * 5,
            "period": ["1", "2", "3", "4", "1", "2", "3", "4", "5"],
            "numerator": [1, 2, 3, 4, 1, 2, None, 4, 5],
            "denominator": [10] * 9,
        }
    )
    result = trend_proportion(table, by="area")
    assert result["trend"].tolist() == ["could not be calculated"] * 2


def test_no_change_is_no_significant_change() -> None:
    table = pd.DataFrame({"period": list("12345"), "numerator": [50] * 5, "denominator": [100] * 5})
    assert trend_proportion(table)["trend"].iloc[0] == "no significant change"


def test_it_rejects_a_numerator_above_its_denominator() -> None:
    table = pd.DataFrame(
        {"period": list("12345"), "numerator": [5, 5, 50, 5, 5], "denominator": [10] * 5}
    )
    with pytest.raises(InputError, match="row 3"):
        trend_proportion(table)


def test_the_weighted_slope_equals_numpys_weighted_fit() -> None:
    table = pd.DataFrame(
        {
            "period": ["2019", "2020", "2021", "2022", "2023"],
            "value": [100.0, 96.0, 97.0, 90.0, 85.0],
            "lower_ci_95": [95.0, 90.0, 93.0, 86.0, 78.0],
            "upper_ci_95": [105.0, 102.0, 101.0, 94.0, 92.0],
        }
    )
    result = trend_slope(table, polarity=None).iloc[0]
    se = (table["upper_ci_95"] - table["lower_ci_95"]) / (2 * 1.959963984540054)
    slope, _ = np.polyfit(np.arange(1.0, 6.0), table["value"], 1, w=1 / se)
    assert result["slope"] == pytest.approx(slope, rel=1e-10)
    assert result["slope_lower"] < result["slope"] < result["slope_upper"]
    assert result["trend"] == "decreasing"


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.floats(1, 100), min_size=5, max_size=5),
    widths=st.lists(st.floats(0.5, 10), min_size=5, max_size=5),
    shift=st.floats(-50, 50),
)
def test_the_slope_does_not_change_when_every_value_shifts(
    values: list[float], widths: list[float], shift: float
) -> None:
    def table(offset: float) -> pd.DataFrame:
        v = np.array(values) + offset
        return pd.DataFrame(
            {
                "period": list("12345"),
                "value": v,
                "lower_ci_95": v - widths,
                "upper_ci_95": v + widths,
            }
        )

    first = trend_slope(table(0.0))["slope"].iloc[0]
    second = trend_slope(table(shift))["slope"].iloc[0]
    assert second == pytest.approx(first, abs=1e-7)


def test_recent_trends_of_real_fingertips_counts_match_the_regression_definition() -> None:
    from spiral.indicators.fingertips_counts import demo_file, read_fingertips_counts

    table = read_fingertips_counts(demo_file("counts"))
    smoking = table[(table["indicator_id"] == "93085") & table["category"].isna()]
    result = trend_proportion(smoking, by="area_code", polarity=None)
    assert len(result) == smoking["area_code"].nunique()
    for _, row in result.iterrows():
        series = smoking[smoking["area_code"] == row["area_code"]].sort_values("period")
        if len(series) < 5:
            assert row["trend"] == "could not be calculated"
            continue
        last = series.tail(5)
        expected = _regression_sum_of_squares(
            last["numerator"].to_numpy(float), last["denominator"].to_numpy(float)
        )
        assert row["chi2"] == pytest.approx(expected, rel=1e-9)
        assert row["first_period"] == last["period"].iloc[0]
