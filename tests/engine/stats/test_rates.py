"""Crude rates with Byar's and exact Poisson intervals.

Reference: PHEindicatormethods v2.1.0, ``phe_rate(data, Numerator, Denominator,
multiplier = 100 or 1e5, confidence = c(0.95, 0.998))`` and its grouped form
(tests/testthat, converted to ``tests/reference/phe/rate_byars_exact.csv`` and
``rate_byars_exact_grouped_sum.csv``). Every row, to 1e-9 relative.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from spiral.stats.rates import rate
from spiral.stats.tables import StatisticsInputError

LIMITS = {
    "lower_ci_95": "lower95_0cl",
    "upper_ci_95": "upper95_0cl",
    "lower_ci_99_8": "lower99_8cl",
    "upper_ci_99_8": "upper99_8cl",
}


def methods(column: pd.Series) -> list[str | None]:
    return [None if pd.isna(item) else str(item) for item in column]


@pytest.mark.parametrize("multiplier", [100, 100_000])
def test_it_matches_every_reference_row(
    phe: Callable[[str], pd.DataFrame], multiplier: int
) -> None:
    reference = phe("rate_byars_exact.csv")
    expected = reference[reference["multiplier"] == multiplier].reset_index(drop=True)
    data = expected[["Area", "Numerator", "Denominator"]]
    result = rate(data, "Numerator", "Denominator", multiplier=multiplier, confidence=[95, 99.8])
    assert result["Area"].tolist() == data["Area"].tolist()
    assert_allclose(result["value"], expected["value"], rtol=1e-9, equal_nan=True)
    for ours, theirs in LIMITS.items():
        assert_allclose(result[ours], expected[theirs], rtol=1e-9, equal_nan=True)
    assert methods(result["method"]) == methods(expected["method"])
    assert result["statistic"].astype(str).tolist() == expected["statistic"].tolist()


def test_grouped_rates_sum_within_groups(phe: Callable[[str], pd.DataFrame]) -> None:
    expected = phe("rate_byars_exact_grouped_sum.csv")
    first = expected[["Area", "Numerator", "Denominator"]].copy()
    first["Numerator"] = np.floor(first["Numerator"] / 2)
    first["Denominator"] = np.floor(first["Denominator"] / 2)
    second = first.copy()
    second["Numerator"] = expected["Numerator"] - first["Numerator"]
    second["Denominator"] = expected["Denominator"] - first["Denominator"]
    data = pd.concat([first, second]).sort_index(kind="stable").reset_index(drop=True)
    result = rate(data, "Numerator", "Denominator", group_by=["Area"])
    assert result["Area"].tolist() == expected["Area"].tolist()
    assert_allclose(result["value"], expected["value"], rtol=1e-9, equal_nan=True)
    assert_allclose(result["lower_ci_95"], expected["lowercl"], rtol=1e-9, equal_nan=True)
    assert_allclose(result["upper_ci_95"], expected["uppercl"], rtol=1e-9, equal_nan=True)
    assert methods(result["method"]) == methods(expected["method"])
    assert result["confidence"].astype(str).tolist() == expected["confidence"].tolist()


def test_a_rate_may_exceed_its_population() -> None:
    result = rate(pd.DataFrame({"x": [250], "n": [220]}), "x", "n", multiplier=100)
    assert result["value"].iloc[0] == pytest.approx(113.63636363636364)


def test_grouping_by_several_columns_keeps_first_appearance_order() -> None:
    data = pd.DataFrame(
        {"area": ["B", "A", "B", "A"], "sex": ["F", "F", "F", "M"], "x": [10, 20, 30, 40],
         "n": [100, 100, 100, 100]}
    )  # fmt: skip
    result = rate(data, "x", "n", group_by=["area", "sex"], multiplier=100)
    assert result[["area", "sex", "x", "n"]].values.tolist() == [
        ["B", "F", 40.0, 200.0], ["A", "F", 20.0, 100.0], ["A", "M", 40.0, 100.0],
    ]  # fmt: skip
    assert result["value"].tolist() == [20.0, 20.0, 40.0]


@pytest.mark.parametrize(
    ("counts", "populations", "message"),
    [
        ([1, -1], [10, 10], "column 'x', row 2: counts must be greater than or equal to zero"),
        ([1, 1], [10, 0], "column 'n', row 2: populations must be greater than zero"),
    ],
)
def test_it_rejects_what_the_official_method_rejects(
    counts: list[int], populations: list[int], message: str
) -> None:
    with pytest.raises(StatisticsInputError, match=message):
        rate(pd.DataFrame({"x": counts, "n": populations}), "x", "n")


def test_a_fractional_small_count_gets_exact_limits() -> None:
    result = rate(pd.DataFrame({"x": [2.5], "n": [100]}), "x", "n", multiplier=100)
    assert result["method"].iloc[0] == "Exact"
    assert result["lower_ci_95"].iloc[0] < 2.5 < result["upper_ci_95"].iloc[0]


@given(
    st.lists(st.tuples(st.integers(0, 10**8), st.integers(1, 10**9)), min_size=1, max_size=40),
    st.sampled_from([0.9, 0.95, 0.998]),
)
def test_rate_limits_bracket_the_rate(pairs: list[tuple[int, int]], level: float) -> None:
    data = pd.DataFrame(pairs, columns=["x", "n"])
    result = rate(data, "x", "n", confidence=level)
    value = result["value"].to_numpy()
    lower, upper = result.iloc[:, 3].to_numpy(), result.iloc[:, 4].to_numpy()
    assert (upper > value).all()
    present = ~np.isnan(lower)
    assert (lower[present] <= value[present]).all()
    assert present[data["x"].to_numpy() < 10].all()
