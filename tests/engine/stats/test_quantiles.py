"""Quantiles as Fingertips assigns them.

Reference: PHEindicatormethods v2.1.0 ``tests/testthat/testQuantiles.R`` and its test data
(``testdata_Quantiles.xlsx``, real Fingertips values), copied as
``tests/reference/phe/quantiles_fingertips_real.csv``. Each R call is named in the test:

- ``phe_quantile(df1, Value, invert = Polarity, inverttype = "field")`` with df1 grouped by
  (IndSexRef, ParentCode): deciles within region, GroupSet "IndSexReg";
- ``phe_quantile(df3, Value, invert = Polarity, inverttype = "field", nquantiles = 7L)``:
  septiles within indicator, GroupSet "IndSex" (Test "Gooddata");
- ``phe_quantile(df4, Value, nquantiles = 4L)``: quartiles over every row, GroupSet "None";
- Test "BadPolarity" rows: the polarity varies within a group, an error.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spiral.exceptions import InputError
from spiral.stats.quantiles import phe_quantile

REFERENCE = Path(__file__).parents[2] / "reference" / "phe" / "quantiles_fingertips_real.csv"


def _reference() -> pd.DataFrame:
    return pd.read_csv(REFERENCE, keep_default_na=False, na_values=[""])


def _assert_matches(result: pd.DataFrame) -> None:
    expected = result["QuantileInGrp"].astype("Int64")
    assert len(result) > 0
    assert result["quantile"].isna().tolist() == expected.isna().tolist()
    both = expected.notna()
    assert (result.loc[both, "quantile"] == expected[both]).all()


def test_deciles_within_region_follow_the_polarity_field() -> None:
    data = _reference()
    rows = data[data["GroupSet"] == "IndSexReg"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # some regions have fewer than 10 areas
        result = phe_quantile(rows, "Value", invert="Polarity", by=["IndSexRef", "ParentCode"])
    _assert_matches(result)


def test_deciles_within_region_with_a_logical_invert() -> None:
    data = _reference()
    rows = data[(data["IndSexRef"] == "90366Female") & (data["GroupSet"] == "IndSexReg")]
    with pytest.warns(UserWarning, match="too few areas"):
        result = phe_quantile(rows, "Value", invert=False, by=["IndSexRef", "ParentCode"])
    _assert_matches(result)
    assert set(result["nquantiles"]) == {10}
    assert set(result["groupvars"]) == {"IndSexRef, ParentCode"}
    assert set(result["qinverted"]) == {"lowest quantile represents lowest values"}


def test_septiles_within_indicator_follow_the_polarity_field() -> None:
    data = _reference()
    rows = data[(data["GroupSet"] == "IndSex") & (data["Test"] == "Gooddata")]
    result = phe_quantile(rows, "Value", invert="Polarity", nquantiles=7, by="IndSexRef")
    _assert_matches(result)


def test_quartiles_over_every_row_put_the_highest_first_by_default() -> None:
    data = _reference()
    rows = data[data["GroupSet"] == "None"]
    result = phe_quantile(rows, "Value", nquantiles=4)
    _assert_matches(result)
    grouped = phe_quantile(rows, "Value", nquantiles=4, by="GroupSet")
    _assert_matches(grouped)
    assert set(result["qinverted"]) == {"lowest quantile represents highest values"}


def test_every_reference_row_is_checked() -> None:
    data = _reference()
    good = data["Test"] != "BadPolarity"
    covered = (data["GroupSet"].isin(["IndSexReg", "None"])) | (
        (data["GroupSet"] == "IndSex") & (data["Test"] == "Gooddata")
    )
    assert (covered == good).all()
    assert len(data) == 1017


def test_it_rejects_a_polarity_that_varies_within_a_group() -> None:
    data = _reference()
    rows = data[data["Test"] == "BadPolarity"]
    assert len(rows) == 35
    with pytest.raises(InputError, match="must be the same for every row of a group"):
        phe_quantile(rows, "Value", invert="Polarity", nquantiles=7, by="IndSexRef")


def test_it_rejects_an_invert_column_that_does_not_exist() -> None:
    data = _reference()
    with pytest.raises(InputError, match="'Pol' is not a column"):
        phe_quantile(data, "Value", invert="Pol")


def test_it_rejects_a_value_column_that_is_not_numeric() -> None:
    data = _reference()
    with pytest.raises(InputError, match="must be numeric"):
        phe_quantile(data, "AreaName")


def test_it_rejects_an_unknown_polarity_naming_the_row() -> None:
    frame = pd.DataFrame({"value": [1.0, 2.0], "polarity": ["RAG - Low is good", "sideways"]})
    with pytest.raises(InputError, match=r"row 2 \('sideways'\)"):
        phe_quantile(frame, invert="polarity", nquantiles=2)


def test_it_rejects_a_polarity_with_no_good_direction() -> None:
    frame = pd.DataFrame({"value": [1.0, 2.0], "polarity": ["BOB - Blue orange blue"] * 2})
    with pytest.raises(InputError, match="no good direction"):
        phe_quantile(frame, invert="polarity", nquantiles=2)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_it_rejects_a_number_of_quantiles_that_is_not_a_positive_whole_number(bad: object) -> None:
    frame = pd.DataFrame({"value": [1.0, 2.0]})
    with pytest.raises(InputError, match="nquantiles"):
        phe_quantile(frame, nquantiles=bad)  # type: ignore[arg-type]


def test_quintiles_split_ten_distinct_values_into_pairs() -> None:
    frame = pd.DataFrame({"value": np.arange(10.0)})
    result = phe_quantile(frame, nquantiles=5, invert=False)
    assert result["quantile"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_a_missing_value_gets_no_quantile_and_does_not_count() -> None:
    frame = pd.DataFrame({"value": [1.0, np.nan, 2.0, 3.0, 4.0]})
    result = phe_quantile(frame, nquantiles=2, invert=False)
    assert result["quantile"].isna().tolist() == [False, True, False, False, False]
    assert result["quantile"].dropna().tolist() == [1, 1, 2, 2]


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.one_of(st.integers(-50, 50).map(float), st.none()), min_size=1, max_size=40),
    groups=st.lists(st.sampled_from("ab"), min_size=40, max_size=40),
    nquantiles=st.integers(1, 8),
    invert=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_the_assignment_does_not_depend_on_row_order(
    values: list[float | None], groups: list[str], nquantiles: int, invert: bool, seed: int
) -> None:
    frame = pd.DataFrame(
        {"value": pd.array(values, dtype="Float64").astype(float), "g": groups[: len(values)]}
    )
    order = np.random.default_rng(seed).permutation(len(frame))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        first = phe_quantile(frame, nquantiles=nquantiles, invert=invert, by="g")
        shuffled = phe_quantile(frame.iloc[order], nquantiles=nquantiles, invert=invert, by="g")
    pd.testing.assert_series_equal(first["quantile"], shuffled["quantile"].sort_index())
    assigned = first["quantile"].dropna()
    assert ((assigned >= 1) & (assigned <= nquantiles)).all()
