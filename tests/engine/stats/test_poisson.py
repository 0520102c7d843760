"""Byar's and exact Poisson limits, and Wilson limits, against the reference.

Reference: PHEindicatormethods v2.1.0 internal functions ``byars_lower``, ``byars_upper``,
``wilson_lower`` and ``wilson_upper`` (tests/testthat, converted to
``tests/reference/phe/byars_wilson_limits.csv``), every row, to 1e-9 relative.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from spiral.stats.poisson import byars_lower, byars_upper, count_limits, exact_limits
from spiral.stats.proportions import wilson_limits


def test_byars_limits_match_every_reference_row(phe: Callable[[str], pd.DataFrame]) -> None:
    table = phe("byars_wilson_limits.csv")
    rows = table[table["method"] == "Byars"]
    assert len(rows) == 7
    for level in ("95%", "99.8%"):
        chosen = rows[rows["confidence"] == level]
        counts = chosen["x"].to_numpy(dtype=float)
        percent = float(level.rstrip("%"))
        assert_allclose(byars_lower(counts, percent), chosen["lowercl"], rtol=1e-9, equal_nan=True)
        assert_allclose(byars_upper(counts, percent), chosen["uppercl"], rtol=1e-9)


def test_wilson_limits_match_every_reference_row(phe: Callable[[str], pd.DataFrame]) -> None:
    table = phe("byars_wilson_limits.csv")
    rows = table[table["method"] == "Wilson"]
    assert len(rows) == 6
    for level in ("95%", "99.8%"):
        chosen = rows[rows["confidence"] == level]
        lower, upper = wilson_limits(
            chosen["x"].to_numpy(dtype=float), chosen["n"].to_numpy(dtype=float), float(level[:-1])
        )
        assert_allclose(lower, chosen["lowercl"], rtol=1e-9)
        assert_allclose(upper, chosen["uppercl"], rtol=1e-9)


def test_byars_lower_limit_is_missing_when_negative() -> None:
    assert np.isnan(byars_lower(np.array([1.0]), 99.8)[0])


def test_the_lookup_of_exact_limits_agrees_with_scipy_for_small_counts() -> None:
    counts = np.array([0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 2.5])
    for level in (0.9, 0.95, 0.998):
        (limits,), exact = count_limits(counts, [level])
        lower, upper = exact_limits(counts, level)
        assert exact.all()
        assert_allclose(limits[0], lower, rtol=1e-15)
        assert_allclose(limits[1], upper, rtol=1e-15)


def test_a_zero_count_has_an_exact_lower_limit_of_zero() -> None:
    (limits,), _ = count_limits(np.array([0.0]), [0.95])
    assert limits[0][0] == 0.0


@given(
    st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=50),
    st.sampled_from([0.9, 0.95, 0.998]),
)
def test_count_limits_bracket_the_count(counts: list[int], level: float) -> None:
    values = np.array(counts, dtype=float)
    (limits,), _ = count_limits(values, [level])
    lower, upper = limits
    assert (upper > values).all()
    present = ~np.isnan(lower)
    assert (lower[present] <= values[present]).all()
    assert (lower[present] >= 0).all()
    # only Byar's lower limit of a small count can be missing, never the exact one
    assert present[values < 10].all()
