"""Means with Student's t intervals.

Reference: PHEindicatormethods v2.1.0, ``phe_mean(values, confidence = c(0.95, 0.998))``
grouped by area and ungrouped (tests/testthat, converted to
``tests/reference/phe/mean_input.csv`` and ``mean_expected.csv``). Every row, to 1e-9 relative.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from numpy.testing import assert_allclose

from spiral.stats.means import mean

COLUMNS = {
    "value_sum": "value_sum",
    "value_count": "value_count",
    "stdev": "stdev",
    "value": "value",
    "lower_ci_95": "lower95_0cl",
    "upper_ci_95": "upper95_0cl",
    "lower_ci_99_8": "lower99_8cl",
    "upper_ci_99_8": "upper99_8cl",
}


def test_it_matches_every_reference_row(phe: Callable[[str], pd.DataFrame]) -> None:
    data = phe("mean_input.csv")
    expected = phe("mean_expected.csv")
    by_area = mean(data, "values", group_by=["area"], confidence=[95, 99.8])
    whole = mean(data, "values", confidence=[95, 99.8])
    assert by_area["area"].tolist() == expected["area"].iloc[:2].tolist()
    for ours, theirs in COLUMNS.items():
        assert_allclose(by_area[ours], expected[theirs].iloc[:2], rtol=1e-9)
        assert_allclose(whole[ours], expected[theirs].iloc[2:], rtol=1e-9)
    for result in (by_area, whole):
        assert set(result["method"].astype(str)) == set(expected["method"])
        assert set(result["statistic"].astype(str)) == {"mean"}


def test_a_missing_value_makes_its_group_missing() -> None:
    data = pd.DataFrame({"g": ["a", "a", "b", "b"], "v": [1.0, np.nan, 2.0, 4.0]})
    result = mean(data, "v", group_by=["g"])
    assert np.isnan(result["value"].iloc[0])
    assert result["value"].iloc[1] == 3.0


def test_a_single_value_has_no_limits() -> None:
    result = mean(pd.DataFrame({"v": [5.0]}), "v")
    assert result["value"].iloc[0] == 5.0
    assert np.isnan(result["lower_ci_95"].iloc[0])
