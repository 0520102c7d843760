"""Directly standardised rates (Dobson method).

Reference: PHEindicatormethods v2.1.0, ``calculate_dsr`` (tests/testthat, converted to
``tests/reference/phe/dsr_*.csv``): three areas with ESP2013 at multipliers 10000 and 100000
with 95% and 99.8% limits, one area with ESP1976, and non-independent events
(``independent_events = FALSE, eventfreq``). Every row: 1e-9 relative where the file is at
full precision; within half a unit of the 8th decimal place for the non-independent rows,
which the source rounds to 8 decimal places. The ESP2013 weights shipped with Spiral are
checked against ``esp2013.csv``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from spiral.stats.dsr import dsr, standard_population
from spiral.stats.tables import StatisticsInputError

BOTH = {
    "value": "value",
    "lower_ci_95": "lower95_0cl",
    "upper_ci_95": "upper95_0cl",
    "lower_ci_99_8": "lower99_8cl",
    "upper_ci_99_8": "upper99_8cl",
}
ROUNDED = 5e-9


def check(result: pd.DataFrame, expected: pd.DataFrame, columns: dict[str, str], **tol: float):
    assert result["area"].tolist() == expected["area"].tolist()
    assert_allclose(result["total_count"], expected["total_count"])
    assert_allclose(result["total_pop"], expected["total_pop"])
    for ours, theirs in columns.items():
        assert_allclose(result[ours], expected[theirs], equal_nan=True, **tol)
    assert result["statistic"].astype(str).tolist() == expected["statistic"].tolist()
    assert result["method"].astype(str).tolist() == expected["method"].tolist()


@pytest.mark.parametrize(("multiplier", "rows"), [(10_000, slice(0, 3)), (100_000, slice(4, 7))])
def test_it_matches_the_reference_for_three_areas(
    phe: Callable[[str], pd.DataFrame], multiplier: int, rows: slice
) -> None:
    data = phe("dsr_input_multiarea.csv")
    expected = phe("dsr_expected.csv").iloc[rows].reset_index(drop=True)
    result = dsr(
        data, "count", "pop", standard="esp2013", group_by=["area"],
        multiplier=multiplier, confidence=[95, 99.8],
    )  # fmt: skip
    check(result, expected, BOTH, rtol=1e-9)


def test_a_standard_population_column_gives_the_same_rates(
    phe: Callable[[str], pd.DataFrame],
) -> None:
    data = phe("dsr_input_multiarea.csv")
    expected = phe("dsr_expected.csv").iloc[4:7].reset_index(drop=True)
    result = dsr(data, "count", "pop", standard="esp2013", group_by=["area"], confidence=[95, 99.8])
    by_column = dsr(
        data.rename(columns={"esp2013": "weight"}), "count", "pop", standard="weight",
        group_by=["area"], confidence=[95, 99.8],
    )  # fmt: skip
    check(by_column, expected, BOTH, rtol=1e-9)
    check(result, expected, BOTH, rtol=1e-9)


@pytest.mark.parametrize(("multiplier", "row"), [(10_000, 3), (100_000, 7)])
def test_it_matches_the_reference_with_esp1976(
    phe: Callable[[str], pd.DataFrame], multiplier: int, row: int
) -> None:
    data = phe("dsr_input_esp1976.csv").assign(area="testdata_1976")
    expected = phe("dsr_expected.csv").iloc[[row]].reset_index(drop=True)
    # the reference's 99.8% cells for this area are on another scale and not used (see README)
    result = dsr(data, "count", "pop", standard="esp1976", group_by=["area"], multiplier=multiplier)
    check(result, expected, {"value": "value", "lower_ci_95": "lower95_0cl",
                             "upper_ci_95": "upper95_0cl"}, rtol=1e-9)  # fmt: skip


def test_it_matches_the_reference_for_non_independent_events(
    phe: Callable[[str], pd.DataFrame],
) -> None:
    wide = phe("dsr_input_nonindependent_wide.csv")
    long = wide.melt(
        id_vars=["area", "ageband", "pop", "esp2013"], value_vars=["f1", "f2", "f3", "f4"],
        var_name="frequency", value_name="people",
    )  # fmt: skip
    long["eventfreq"] = long["frequency"].str[1].astype(int)
    long = long.sort_values(["area", "ageband", "eventfreq"], kind="stable")
    expected = phe("dsr_expected.csv").iloc[8:12].reset_index(drop=True)
    result = dsr(
        long, "people", "pop", standard="esp2013", group_by=["area"], confidence=[95, 99.8],
        eventfreq="eventfreq", ageband="ageband",
    )  # fmt: skip
    check(result, expected, BOTH, rtol=0, atol=ROUNDED)


def test_the_shipped_esp2013_matches_the_reference(phe: Callable[[str], pd.DataFrame]) -> None:
    expected = phe("esp2013.csv")
    shipped = standard_population("esp2013")
    assert shipped["ageband"].tolist() == expected["ageband"].tolist()
    assert shipped["population"].tolist() == expected["esp2013"].astype(float).tolist()


def test_the_shipped_esp1976_matches_the_reference_weights(
    phe: Callable[[str], pd.DataFrame],
) -> None:
    expected = phe("dsr_input_esp1976.csv")["esp1976"].astype(float).tolist()
    shipped = standard_population("esp1976")
    assert shipped["population"].tolist() == expected
    assert shipped["ageband"].iloc[-1] == "85+"


def test_a_group_with_the_wrong_number_of_bands_is_an_error() -> None:
    data = pd.DataFrame({"area": ["A"] * 3, "x": [10, 20, 30], "n": [100, 100, 100]})
    with pytest.raises(StatisticsInputError, match="each group must have 19 bands"):
        dsr(data, "x", "n", group_by=["area"])


def test_a_zero_population_is_an_error_naming_the_row() -> None:
    data = pd.DataFrame({"x": [10, 20], "n": [100, 0], "w": [1, 1]})
    with pytest.raises(StatisticsInputError, match="column 'n', row 2: populations must be"):
        dsr(data, "x", "n", standard="w")


def test_an_unknown_standard_population_is_an_error() -> None:
    data = pd.DataFrame({"x": [10], "n": [100]})
    with pytest.raises(StatisticsInputError, match="'esp2000' is neither a column of the table"):
        dsr(data, "x", "n", standard="esp2000")


def test_a_total_below_ten_gives_no_rate() -> None:
    data = pd.DataFrame({"x": [4, 5], "n": [100, 100], "w": [1, 1]})
    result = dsr(data, "x", "n", standard="w")
    assert np.isnan(result["value"].iloc[0])
    assert result["statistic"].iloc[0] == "dsr NA for total count < 10"


def test_non_independent_events_can_use_a_shipped_standard_by_band_position(
    phe: Callable[[str], pd.DataFrame],
) -> None:
    wide = phe("dsr_input_nonindependent_wide.csv")
    long = wide.melt(
        id_vars=["area", "ageband", "pop"], value_vars=["f1", "f2", "f3", "f4"],
        var_name="frequency", value_name="people",
    )  # fmt: skip
    long["eventfreq"] = long["frequency"].str[1].astype(int)
    # rows in frequency order: each band's rows are apart, and its first one sets its place
    long = long.sort_values(["eventfreq", "area"], kind="stable")
    expected = phe("dsr_expected.csv").iloc[8:12].reset_index(drop=True)
    result = dsr(
        long, "people", "pop", standard="esp2013", group_by=["area"], confidence=[95, 99.8],
        eventfreq="eventfreq", ageband="ageband",
    )  # fmt: skip
    check(result, expected, BOTH, rtol=0, atol=ROUNDED)
