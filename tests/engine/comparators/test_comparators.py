"""Nearest-neighbour comparator groups.

References: the weighted standardised Euclidean distance is checked against SciPy's
``scipy.spatial.distance.cdist`` ("seuclidean" with the sample variances, and "euclidean"
with weights on z-scores); real context variables are the English Indices of Deprivation
2019 district summaries (``tests/reference/la/iod2019_lad_all_domains.csv``, OGL v3).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.spatial.distance import cdist

from spiral.comparators import (
    comparator_distances,
    nearest_neighbours,
    published_groups,
    standardised,
)
from spiral.exceptions import InputError

IOD = Path(__file__).parents[2] / "reference" / "la" / "iod2019_lad_all_domains.csv"
DOMAINS = {
    "Income": "income",
    "Employment": "employment",
    "Health and Disability": "health",
    "Barriers to Housing and Services": "barriers",
    "Living Environment": "environment",
}


def _iod_context() -> pd.DataFrame:
    iod = pd.read_csv(IOD)
    wide = iod[iod["index_domain"].isin(list(DOMAINS))].pivot(
        index="lad19cd", columns="index_domain", values="average_score"
    )
    return wide.rename(columns=DOMAINS).reset_index().rename(columns={"lad19cd": "area_code"})


def test_equal_weights_give_scipys_standardised_euclidean_distance() -> None:
    context = _iod_context()
    assert len(context) == 317
    names = list(DOMAINS.values())
    ours = comparator_distances(context, names).to_numpy()
    values = context[names].to_numpy()
    theirs = cdist(values, values, "seuclidean", V=values.var(axis=0, ddof=1))
    np.testing.assert_allclose(ours, theirs, atol=1e-9)


def test_weights_multiply_each_variables_squared_difference() -> None:
    context = _iod_context()
    weights = {"income": 3.0, "employment": 1.0, "health": 2.0, "barriers": 0.5, "environment": 0.0}
    ours = comparator_distances(context, weights).to_numpy()
    values = context[list(weights)].to_numpy()
    z = (values - values.mean(axis=0)) / values.std(axis=0, ddof=1)
    theirs = cdist(z, z, "euclidean", w=np.array(list(weights.values())))
    np.testing.assert_allclose(ours, theirs, atol=1e-9)


def test_each_district_gets_its_k_nearest_other_districts_in_order() -> None:
    context = _iod_context()
    names = list(DOMAINS.values())
    groups = nearest_neighbours(context, names, k=15)
    assert len(groups) == 317 * 15
    assert not (groups["area_code"] == groups["comparator_code"]).any()
    distances = comparator_distances(context, names)
    for code in ["E08000009", "E06000009", "E09000001"]:  # Trafford, Blackpool, City of London
        mine = groups[groups["area_code"] == code]
        assert mine["rank"].tolist() == list(range(1, 16))
        row = distances.loc[code].drop(code).sort_values(kind="stable")
        assert mine["distance"].to_numpy() == pytest.approx(row.to_numpy()[:15], abs=1e-9)
        assert (np.diff(mine["distance"].to_numpy()) >= 0).all()
        cutoff = row.iloc[14]
        assert set(mine["comparator_code"]) >= set(row[row < cutoff - 1e-9].index)


def test_a_variable_with_no_spread_contributes_nothing() -> None:
    context = pd.DataFrame(
        {"area_code": ["a", "b", "c"], "x": [1.0, 2.0, 4.0], "same": [5.0, 5.0, 5.0]}
    )
    np.testing.assert_allclose(standardised(context, ["x", "same"])[:, 1], 0.0)


def test_it_names_the_row_of_a_missing_context_value() -> None:
    context = pd.DataFrame({"area_code": ["a", "b", "c"], "x": [1.0, None, 4.0]})
    with pytest.raises(InputError, match="row 2, x"):
        nearest_neighbours(context, ["x"], k=1)


def test_it_rejects_more_neighbours_than_other_areas() -> None:
    context = pd.DataFrame({"area_code": ["a", "b", "c"], "x": [1.0, 2.0, 4.0]})
    with pytest.raises(InputError, match="only 2 other areas"):
        nearest_neighbours(context, ["x"], k=3)


def test_it_rejects_negative_weights_and_repeated_areas() -> None:
    context = pd.DataFrame({"area_code": ["a", "b", "a"], "x": [1.0, 2.0, 4.0]})
    with pytest.raises(InputError, match="non-negative"):
        comparator_distances(context.assign(area_code=["a", "b", "c"]), {"x": -1.0})
    with pytest.raises(InputError, match="row 3, area_code: 'a' appears twice"):
        comparator_distances(context, ["x"])


def test_a_published_group_is_checked_and_ranked() -> None:
    groups = published_groups(
        pd.DataFrame(
            {"area_code": ["E08000009"] * 2, "comparator_code": ["E08000007", "E06000049"]}
        )
    )
    assert groups["rank"].tolist() == [1, 2]
    with pytest.raises(InputError, match="lists itself"):
        published_groups({"E08000009": ["E08000009"]})
    with pytest.raises(InputError, match="listed twice"):
        published_groups({"E08000009": ["E08000007", "E08000007"]})


_matrices = arrays(
    np.float64,
    st.tuples(st.integers(3, 12), st.integers(1, 4)),
    elements=st.floats(-1e3, 1e3, allow_nan=False),
)


@settings(max_examples=60, deadline=None)
@given(values=_matrices, data=st.data())
def test_distances_are_symmetric_and_zero_to_oneself(
    values: np.ndarray, data: st.DataObject
) -> None:
    count, width = values.shape
    weights = data.draw(st.lists(st.floats(0.1, 5), min_size=width, max_size=width))
    context = pd.DataFrame(values, columns=[f"v{i}" for i in range(width)])
    context.insert(0, "area_code", [f"E060000{i:02d}" for i in range(count)])
    distances = comparator_distances(context, dict(zip(context.columns[1:], weights, strict=True)))
    matrix = distances.to_numpy()
    np.testing.assert_array_equal(matrix, matrix.T)
    np.testing.assert_array_equal(np.diag(matrix), 0.0)
    assert (matrix >= 0).all()


@settings(max_examples=40, deadline=None)
@given(values=_matrices, seed=st.integers(0, 2**32 - 1))
def test_neighbours_do_not_depend_on_row_order(values: np.ndarray, seed: int) -> None:
    count, width = values.shape
    context = pd.DataFrame(values, columns=[f"v{i}" for i in range(width)])
    context.insert(0, "area_code", [f"E060000{i:02d}" for i in range(count)])
    names = list(context.columns[1:])
    first = nearest_neighbours(context, names, k=2)
    order = np.random.default_rng(seed).permutation(count)
    second = nearest_neighbours(context.iloc[order], names, k=2)
    pd.testing.assert_frame_equal(first, second)
