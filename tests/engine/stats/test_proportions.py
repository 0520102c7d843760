"""Proportions with Wilson score intervals.

Reference: PHEindicatormethods v2.1.0, ``phe_proportion(data, Numerator, Denominator,
confidence = c(0.95, 0.998), multiplier = 1 or 100)`` and its grouped form
(tests/testthat, converted to ``tests/reference/phe/proportion_wilson.csv`` and
``proportion_wilson_grouped_sum.csv``). Every row, to 1e-9 relative.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from spiral.stats.proportions import proportion
from spiral.stats.tables import StatisticsInputError

LIMITS = {
    "lower_ci_95": "lower95_0cl",
    "upper_ci_95": "upper95_0cl",
    "lower_ci_99_8": "lower99_8cl",
    "upper_ci_99_8": "upper99_8cl",
}


@pytest.mark.parametrize("multiplier", [1, 100])
def test_it_matches_every_reference_row(
    phe: Callable[[str], pd.DataFrame], multiplier: int
) -> None:
    reference = phe("proportion_wilson.csv")
    expected = reference[reference["multiplier"] == multiplier].reset_index(drop=True)
    data = expected[["Area", "Numerator", "Denominator"]]
    result = proportion(
        data, "Numerator", "Denominator", multiplier=multiplier, confidence=[95, 99.8]
    )
    assert result["Area"].tolist() == data["Area"].tolist()
    assert_allclose(result["value"], expected["value"], rtol=1e-9, equal_nan=True)
    for ours, theirs in LIMITS.items():
        assert_allclose(result[ours], expected[theirs], rtol=1e-9, equal_nan=True)
    assert result["statistic"].astype(str).tolist() == expected["statistic"].tolist()
    assert result["method"].astype(str).tolist() == expected["method"].tolist()
    assert set(result["confidence"].astype(str)) == {"95%, 99.8%"}


def test_grouped_proportions_sum_within_groups(phe: Callable[[str], pd.DataFrame]) -> None:
    expected = phe("proportion_wilson_grouped_sum.csv")
    # split each group's summed inputs into two rows, then let the method add them up again
    first = expected[["Area", "Numerator", "Denominator"]].copy()
    first["Numerator"] = np.floor(first["Numerator"] / 2)
    first["Denominator"] = np.floor(first["Denominator"] / 2)
    second = first.copy()
    second["Numerator"] = expected["Numerator"] - first["Numerator"]
    second["Denominator"] = expected["Denominator"] - first["Denominator"]
    data = pd.concat([first, second]).sort_index(kind="stable").reset_index(drop=True)
    result = proportion(data, "Numerator", "Denominator", group_by=["Area"])
    assert result["Area"].tolist() == expected["Area"].tolist()
    assert_allclose(result["Numerator"], expected["Numerator"], equal_nan=True)
    assert_allclose(result["Denominator"], expected["Denominator"], equal_nan=True)
    assert_allclose(result["value"], expected["value"], rtol=1e-9, equal_nan=True)
    assert_allclose(result["lower_ci_95"], expected["lowercl"], rtol=1e-9, equal_nan=True)
    assert_allclose(result["upper_ci_95"], expected["uppercl"], rtol=1e-9, equal_nan=True)
    assert result["confidence"].astype(str).tolist() == expected["confidence"].tolist()


def test_it_keeps_the_input_columns_and_adds_the_results() -> None:
    data = pd.DataFrame({"code": ["E06000001"], "period": [2024], "x": [5], "n": [50]})
    result = proportion(data, "x", "n", confidence=[95, 99.8])
    assert result.columns.tolist() == [
        "code", "period", "x", "n", "value", "lower_ci_95", "upper_ci_95",
        "lower_ci_99_8", "upper_ci_99_8", "statistic", "confidence", "method",
    ]  # fmt: skip


def test_it_names_another_multiplier_in_the_statistic() -> None:
    result = proportion(pd.DataFrame({"x": [5], "n": [50]}), "x", "n", multiplier=1000)
    assert result["statistic"].iloc[0] == "proportion of 1000"
    assert result["value"].iloc[0] == 100


@pytest.mark.parametrize(
    ("numerators", "denominators", "message"),
    [
        ([1, -1], [10, 10], "column 'x', row 2: numerators must be greater than or equal to zero"),
        ([1, 1], [10, 0], "column 'n', row 2: denominators must be greater than zero"),
        ([1, 1], [-3, 10], "column 'n', row 1: denominators must be greater than zero"),
        ([11, 1], [10, 10], "column 'x', row 1: numerators must be less than or equal to"),
    ],
)
def test_it_rejects_what_the_official_method_rejects(
    numerators: list[int], denominators: list[int], message: str
) -> None:
    data = pd.DataFrame({"x": numerators, "n": denominators})
    with pytest.raises(StatisticsInputError, match=message):
        proportion(data, "x", "n")


def test_it_names_the_row_of_text_in_a_number_column() -> None:
    data = pd.DataFrame({"x": ["1", "", "three"], "n": [10, 10, 10]})
    with pytest.raises(StatisticsInputError, match="column 'x', row 3: 'three' is not a number"):
        proportion(data, "x", "n")


def test_it_names_a_missing_column() -> None:
    with pytest.raises(StatisticsInputError, match="column 'cases': not in the table"):
        proportion(pd.DataFrame({"x": [1], "n": [2]}), "cases", "n")


def test_blank_text_is_a_missing_value() -> None:
    data = pd.DataFrame({"x": ["1", ""], "n": [10, 10]})
    result = proportion(data, "x", "n")
    assert np.isnan(result["value"].iloc[1])


@st.composite
def counts(draw: st.DrawFn) -> tuple[int, int]:
    total = draw(st.integers(min_value=1, max_value=10**10))
    return draw(st.integers(min_value=0, max_value=total)), total


@given(
    st.lists(counts(), min_size=1, max_size=30),
    st.sampled_from([1, 100]),
    st.sampled_from([0.9, 0.95, 0.998]),
)
def test_wilson_limits_lie_within_range_and_bracket_the_value(
    pairs: list[tuple[int, int]], multiplier: int, level: float
) -> None:
    data = pd.DataFrame(pairs, columns=["x", "n"])
    result = proportion(data, "x", "n", multiplier=multiplier, confidence=level)
    lower, upper = result.iloc[:, 3].to_numpy(), result.iloc[:, 4].to_numpy()
    value = result["value"].to_numpy()
    assert (lower >= 0).all()
    assert (upper <= multiplier).all()
    assert (lower <= value).all()
    assert (value <= upper).all()
