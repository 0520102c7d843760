"""Indirectly standardised ratios and rates.

Reference: PHEindicatormethods v2.1.0, ``calculate_ISRate`` and ``calculate_ISRatio``
(tests/testthat, converted to ``tests/reference/phe/isr_*.csv``) with reference data as
columns and as vectors, observed totals supplied separately and a zero-population band; and
phstatsmethods (DataS-DHSC/PHStatsMethods, ``testdata_ISR_obs.xlsx``) for 40 groups with
separate observed totals. Every row: 1e-9 relative where the file is at full precision, and
1e-14 relative (its 15 significant figures) for the phstatsmethods file.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from spiral.stats.isr import isr_rate, isr_ratio
from spiral.stats.tables import StatisticsInputError

BOTH = {
    "observed": "observed",
    "expected": "expected",
    "value": "value",
    "lower_ci_95": "lower95_0cl",
    "upper_ci_95": "upper95_0cl",
    "lower_ci_99_8": "lower99_8cl",
    "upper_ci_99_8": "upper99_8cl",
}
ONE = {key: BOTH[key] for key in ("observed", "expected", "value", "lower_ci_95", "upper_ci_95")}


def check(result: pd.DataFrame, expected: pd.DataFrame, columns: dict[str, str]) -> None:
    assert result["area"].tolist() == expected["area"].tolist()
    for ours, theirs in columns.items():
        assert_allclose(result[ours], expected[theirs], rtol=1e-9, equal_nan=True)
    assert result["statistic"].astype(str).tolist() == expected["statistic"].tolist()
    assert result["method"].astype(str).tolist() == expected["method"].tolist()


@pytest.mark.parametrize(("multiplier", "rows"), [(100_000, slice(0, 3)), (1000, slice(3, 6))])
def test_rates_match_the_reference(
    phe: Callable[[str], pd.DataFrame], multiplier: int, rows: slice
) -> None:
    data = phe("isr_input_multiarea.csv")
    expected = phe("isr_expected.csv").iloc[rows].reset_index(drop=True)
    result = isr_rate(
        data, "count", "pop", "refcount", "refpop", group_by=["area"],
        multiplier=multiplier, confidence=[95, 99.8],
    )  # fmt: skip
    check(result, expected, BOTH)
    assert_allclose(result["ref_rate"], expected["ref_rate"], rtol=1e-9)


@pytest.mark.parametrize(("refvalue", "rows"), [(1, slice(6, 9)), (100, slice(9, 12))])
def test_ratios_match_the_reference(
    phe: Callable[[str], pd.DataFrame], refvalue: int, rows: slice
) -> None:
    data = phe("isr_input_multiarea.csv")
    expected = phe("isr_expected.csv").iloc[rows].reset_index(drop=True)
    result = isr_ratio(
        data, "count", "pop", "refcount", "refpop", group_by=["area"],
        refvalue=refvalue, confidence=[95, 99.8],
    )  # fmt: skip
    check(result, expected, BOTH)


def test_reference_vectors_and_observed_totals_give_the_same_answers(
    phe: Callable[[str], pd.DataFrame],
) -> None:
    data = phe("isr_input_multiarea.csv")[["area", "ageband", "count", "pop"]]
    reference = phe("isr_reference.csv")
    totals = phe("isr_observed_totals.csv")
    expected = phe("isr_expected.csv").iloc[6:9].reset_index(drop=True)
    result = isr_ratio(
        data, "count", "pop", reference["refcount"], reference["refpop"],
        group_by=["area"], confidence=[95, 99.8], observed_totals=totals, observed="total_count",
    )  # fmt: skip
    check(result, expected, BOTH)


def test_a_zero_population_band_adds_nothing_to_the_expected_count(
    phe: Callable[[str], pd.DataFrame],
) -> None:
    data = phe("isr_input_zero_pop.csv")
    reference = phe("isr_reference.csv")
    expected = phe("isr_expected.csv").iloc[12:16].reset_index(drop=True)
    rates = isr_rate(data, "count", "pop", reference["refcount"], reference["refpop"],
                     group_by=["area"])  # fmt: skip
    ratios = isr_ratio(data, "count", "pop", reference["refcount"], reference["refpop"],
                       group_by=["area"], refvalue=100)  # fmt: skip
    check(rates, expected.iloc[:2].reset_index(drop=True), ONE)
    check(ratios, expected.iloc[2:].reset_index(drop=True), ONE)


def test_separate_observed_totals_match_phstatsmethods(
    phe: Callable[[str], pd.DataFrame],
) -> None:
    data = phe("isr_obs_totals_input.csv")
    totals = phe("isr_obs_totals.csv")
    expected = phe("isr_obs_totals_expected.csv")
    keys = ["indicatorid", "year", "sex"]
    result = isr_ratio(
        data, "obs", "pop", "refcount", "refpop", group_by=keys,
        observed_totals=totals, observed="observed",
    )  # fmt: skip
    assert len(result) == len(expected) == 40
    joined = expected.merge(result, on=keys, how="left", suffixes=("_ref", ""))
    assert_allclose(joined["observed"], joined["observed_ref"])
    assert_allclose(joined["expected"], joined["expected_ref"], rtol=1e-14)
    assert_allclose(joined["value"], joined["Value"], rtol=1e-14)
    assert_allclose(joined["lower_ci_95"], joined["lower_95_ci"], rtol=1e-14)
    assert_allclose(joined["upper_ci_95"], joined["upper_95_ci"], rtol=1e-14)
    assert joined["method"].astype(str).tolist() == joined["Method"].tolist()
    assert joined["statistic"].astype(str).tolist() == joined["Statistic"].tolist()


def test_observed_totals_must_not_repeat_a_group() -> None:
    data = pd.DataFrame({"g": ["a"], "x": [5], "n": [10], "X": [50], "N": [100]})
    totals = pd.DataFrame({"g": ["a", "a"], "x": [5, 6]})
    with pytest.raises(StatisticsInputError, match="the same group twice"):
        isr_ratio(data, "x", "n", "X", "N", group_by=["g"], observed_totals=totals)


def test_a_negative_population_is_an_error_naming_the_row() -> None:
    data = pd.DataFrame({"x": [5, 5], "n": [10, -1], "X": [50, 50], "N": [100, 100]})
    with pytest.raises(StatisticsInputError, match="column 'n', row 2"):
        isr_ratio(data, "x", "n", "X", "N")


def test_a_group_missing_from_the_observed_totals_gets_no_ratio() -> None:
    data = pd.DataFrame({"g": ["a", "b"], "x": [5, 5], "n": [10, 10], "X": [50, 50],
                         "N": [100, 100]})  # fmt: skip
    totals = pd.DataFrame({"g": ["a"], "x": [20]})
    result = isr_ratio(data, "x", "n", "X", "N", group_by=["g"], observed_totals=totals)
    assert result["value"].iloc[0] == 4.0  # 20 observed / (10 x 50 / 100) expected
    assert np.isnan(result["value"].iloc[1])
    assert pd.isna(result["method"].iloc[1])


def test_a_group_expecting_nothing_gets_no_ratio() -> None:
    data = pd.DataFrame({"x": [0, 0], "n": [0, 0], "X": [50, 50], "N": [100, 100]})
    result = isr_ratio(data, "x", "n", "X", "N")
    assert result["expected"].iloc[0] == 0
    assert np.isnan(result["value"].iloc[0])
    assert np.isnan(result["upper_ci_95"].iloc[0])
