"""Standardised rates of files larger than memory: DuckDB sums, the same answers.

Directly standardised rates. Known answers: PHEindicatormethods v2.1.0, ``calculate_dsr``
(its testthat data, converted to ``tests/reference/phe/dsr_*.csv``; see that folder's
README): three areas with ESP2013
(shipped, and as a column of weights) at multipliers 10000 and 100000, one area with
ESP1976, and non-independent events. Every reference row is worked from a CSV and a
Parquet file through :func:`spiral.stats.standardised_batches.dsr_in_duckdb` and must
equal the reference (1e-9 relative; half a unit of the 8th decimal place for the
non-independent rows, which the source rounds) and the whole-table :func:`dsr` (1e-9
relative). Property tests check the equality with the whole-table method on random tables,
in any row order, for several batch sizes.

Indirectly standardised ratios and rates. Known answers: PHEindicatormethods v2.1.0,
``calculate_ISRate`` and ``calculate_ISRatio`` (``tests/reference/phe/isr_*.csv``: three
areas at two multipliers and two reference values, observed totals supplied separately);
phstatsmethods (``isr_obs_totals_*.csv``, 40 groups with separate observed totals). Every
row through :func:`spiral.stats.standardised_batches.isr_in_duckdb` from CSV and Parquet:
1e-9 relative to the reference (1e-12 for the phstatsmethods file, given to 15
significant figures, the sums being added in another order), and 1e-9 relative to the
whole-table :func:`isr_ratio` / :func:`isr_rate`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from spiral.stats.batches import Source
from spiral.stats.dsr import dsr
from spiral.stats.isr import isr_rate, isr_ratio
from spiral.stats.standardised_batches import dsr_in_duckdb, isr_in_duckdb
from spiral.stats.tables import StatisticsInputError

BOTH = {
    "value": "value",
    "lower_ci_95": "lower95_0cl",
    "upper_ci_95": "upper95_0cl",
    "lower_ci_99_8": "lower99_8cl",
    "upper_ci_99_8": "upper99_8cl",
}
ROUNDED = 5e-9
LEVELS = (95, 99.8)
SUFFIXES = (".csv", ".parquet")


def write(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path


def same_as_whole(ours: pd.DataFrame, whole: pd.DataFrame) -> None:
    """The same columns, keys and labels; numbers within 1e-9 relative (NaN where NaN)."""
    assert list(ours.columns) == list(whole.columns)
    assert len(ours) == len(whole)
    for name in whole.columns:
        left, right = ours[name], whole[name]
        if not pd.api.types.is_numeric_dtype(right.dtype):
            assert left.astype(str).tolist() == right.astype(str).tolist(), name
        else:
            assert_allclose(
                left.to_numpy(dtype=np.float64),
                right.to_numpy(dtype=np.float64),
                rtol=1e-9,
                equal_nan=True,
                err_msg=name,
            )


def check_reference(result: pd.DataFrame, expected: pd.DataFrame, **tol: float) -> None:
    assert result["area"].astype(str).tolist() == expected["area"].tolist()
    assert_allclose(result["total_count"], expected["total_count"])
    assert_allclose(result["total_pop"], expected["total_pop"])
    for ours, theirs in BOTH.items():
        assert_allclose(result[ours], expected[theirs], equal_nan=True, **tol)
    assert result["statistic"].astype(str).tolist() == expected["statistic"].tolist()
    assert result["method"].astype(str).tolist() == expected["method"].tolist()


def non_independent(phe: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    wide = phe("dsr_input_nonindependent_wide.csv")
    long = wide.melt(
        id_vars=["area", "ageband", "pop", "esp2013"], value_vars=["f1", "f2", "f3", "f4"],
        var_name="frequency", value_name="people",
    )  # fmt: skip
    long["eventfreq"] = long["frequency"].str[1].astype(int)
    return long.drop(columns=["frequency"])


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize(("multiplier", "rows"), [(10_000, slice(0, 3)), (100_000, slice(4, 7))])
@pytest.mark.parametrize("standard", ["esp2013", "weight"])
def test_every_reference_area_in_duckdb_matches_the_reference_and_the_whole_table(
    phe: Callable[[str], pd.DataFrame],
    *,
    tmp_path: Path,
    suffix: str,
    multiplier: int,
    rows: slice,
    standard: str,
) -> None:
    data = phe("dsr_input_multiarea.csv").rename(columns={"esp2013": "weight"})
    path = write(data, tmp_path / f"dsr{suffix}")
    expected = phe("dsr_expected.csv").iloc[rows].reset_index(drop=True)
    options = {"standard": standard, "group_by": ["area"], "multiplier": multiplier}
    ours = dsr_in_duckdb(Source(path), "count", "pop", confidence=LEVELS, **options)
    check_reference(ours, expected, rtol=1e-9)
    same_as_whole(ours, dsr(data, "count", "pop", confidence=LEVELS, **options))


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize(("multiplier", "row"), [(10_000, 3), (100_000, 7)])
def test_the_esp1976_reference_area_in_duckdb_matches(
    phe: Callable[[str], pd.DataFrame], tmp_path: Path, suffix: str, multiplier: int, row: int
) -> None:
    data = phe("dsr_input_esp1976.csv").assign(area="testdata_1976")
    path = write(data, tmp_path / f"dsr{suffix}")
    expected = phe("dsr_expected.csv").iloc[[row]].reset_index(drop=True)
    options = {"standard": "esp1976", "group_by": ["area"], "multiplier": multiplier}
    ours = dsr_in_duckdb(Source(path), "count", "pop", **options)
    # the reference's 99.8% cells for this area are on another scale and not used (see README)
    columns = ("value", "lower95_0cl", "upper95_0cl")
    for name, theirs in zip(("value", "lower_ci_95", "upper_ci_95"), columns, strict=True):
        assert_allclose(ours[name], expected[theirs], rtol=1e-9)
    assert_allclose(ours["total_count"], expected["total_count"])
    same_as_whole(ours, dsr(data, "count", "pop", **options))


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("order", ["by band", "by frequency"])
@pytest.mark.parametrize("standard", ["esp2013", "weight"])
def test_non_independent_reference_areas_in_duckdb_match(
    phe: Callable[[str], pd.DataFrame], tmp_path: Path, suffix: str, order: str, standard: str
) -> None:
    long = non_independent(phe).rename(columns={"esp2013": "weight"})
    keys = ["area", "ageband", "eventfreq"] if order == "by band" else ["eventfreq", "area"]
    # by frequency, each band's rows are apart and its first one sets its place
    long = long.sort_values(keys, kind="stable").reset_index(drop=True)
    path = write(long, tmp_path / f"nonind{suffix}")
    expected = phe("dsr_expected.csv").iloc[8:12].reset_index(drop=True)
    options = {
        "standard": standard, "group_by": ["area"], "confidence": LEVELS,
        "eventfreq": "eventfreq", "ageband": "ageband",
    }  # fmt: skip
    ours = dsr_in_duckdb(Source(path), "people", "pop", **options)
    check_reference(ours, expected, rtol=0, atol=ROUNDED)
    same_as_whole(ours, dsr(long, "people", "pop", **options))


BANDS = 4
WEIGHTS = [0.1, 0.2, 0.3, 0.4]


@st.composite
def band_tables(draw: st.DrawFn) -> pd.DataFrame:
    """Groups of four bands (in order within each group, groups interleaved)."""
    groups = draw(st.integers(min_value=1, max_value=12))
    rows = groups * BANDS
    counts = draw(
        st.lists(
            st.one_of(st.integers(0, 400).map(float), st.just(np.nan)),
            min_size=rows,
            max_size=rows,
        )
    )
    populations = draw(st.lists(st.integers(1, 50_000), min_size=rows, max_size=rows))
    areas = [f"A{i % groups}" for i in range(rows)]
    sexes = draw(st.lists(st.sampled_from(["F", "M", None]), min_size=groups, max_size=groups))
    table = pd.DataFrame(
        {
            "area": areas,
            "sex": [sexes[i % groups] for i in range(rows)],
            "band": [i // groups for i in range(rows)],
            "count": counts,
            "pop": np.asarray(populations, dtype=float),
        }
    )
    table["weight"] = np.asarray(WEIGHTS)[table["band"]] * 1000
    return table


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=band_tables(), rows=st.sampled_from([1, 3, 7, 1000]))
def test_random_tables_give_the_whole_table_answer(
    tmp_path: Path, table: pd.DataFrame, rows: int
) -> None:
    path = write(table, tmp_path / "random.parquet")
    for standard in (WEIGHTS, "weight"):
        options = {"standard": standard, "group_by": ["area", "sex"], "confidence": LEVELS}
        ours = dsr_in_duckdb(Source(path), "count", "pop", rows=rows, **options)
        same_as_whole(ours, dsr(table, "count", "pop", **options))


def test_without_groups_the_file_is_one_group(
    phe: Callable[[str], pd.DataFrame], tmp_path: Path
) -> None:
    data = phe("dsr_input_esp1976.csv")
    path = write(data, tmp_path / "one.csv")
    ours = dsr_in_duckdb(Source(path), "count", "pop", standard="esp1976")
    same_as_whole(ours, dsr(data, "count", "pop", standard="esp1976"))


@pytest.mark.parametrize("rows", [1, 5, 1000])
def test_a_bad_row_in_a_later_batch_is_named_as_the_whole_table_names_it(
    phe: Callable[[str], pd.DataFrame], tmp_path: Path, rows: int
) -> None:
    data = phe("dsr_input_multiarea.csv")
    data.loc[40, "pop"] = 0
    path = write(data, tmp_path / "bad.csv")
    with pytest.raises(StatisticsInputError) as whole:
        dsr(data, "count", "pop", group_by=["area"])
    with pytest.raises(StatisticsInputError) as ours:
        dsr_in_duckdb(Source(path), "count", "pop", group_by=["area"], rows=rows)
    assert str(ours.value) == str(whole.value)
    assert str(ours.value) == "column 'pop', row 41: populations must be greater than zero"


def test_text_in_a_count_is_named_by_row(
    phe: Callable[[str], pd.DataFrame], tmp_path: Path
) -> None:
    data = phe("dsr_input_multiarea.csv").astype({"count": object})
    data.loc[30, "count"] = "many"
    path = write(data, tmp_path / "text.csv")
    with pytest.raises(StatisticsInputError, match="column 'count', row 31"):
        dsr_in_duckdb(Source(path), "count", "pop", group_by=["area"], rows=7)


def test_a_group_with_the_wrong_number_of_bands_gets_the_whole_table_message(
    tmp_path: Path,
) -> None:
    data = pd.DataFrame({"area": ["A"] * 3, "x": [10, 20, 30], "n": [100, 100, 100]})
    path = write(data, tmp_path / "short.csv")
    with pytest.raises(StatisticsInputError) as whole:
        dsr(data, "x", "n", group_by=["area"])
    with pytest.raises(StatisticsInputError) as ours:
        dsr_in_duckdb(Source(path), "x", "n", group_by=["area"])
    assert str(ours.value) == str(whole.value)


def test_a_missing_weight_is_named_by_row(tmp_path: Path) -> None:
    data = pd.DataFrame({"x": [10, 20], "n": [100, 100], "w": [1.0, np.nan]})
    path = write(data, tmp_path / "w.parquet")
    with pytest.raises(StatisticsInputError, match="column 'w', row 2: standard population"):
        dsr_in_duckdb(Source(path), "x", "n", standard="w")


def test_non_independent_events_need_the_band_column(tmp_path: Path) -> None:
    path = write(pd.DataFrame({"x": [1], "n": [1], "f": [1]}), tmp_path / "f.csv")
    with pytest.raises(StatisticsInputError, match="need the age band column"):
        dsr_in_duckdb(Source(path), "x", "n", standard=[1.0], eventfreq="f")


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_an_unknown_standard_population_gets_the_whole_table_message(
    tmp_path: Path, suffix: str
) -> None:
    data = pd.DataFrame({"x": [10], "n": [100]})
    path = write(data, tmp_path / f"unknown{suffix}")
    with pytest.raises(StatisticsInputError) as whole:
        dsr(data, "x", "n", standard="esp2000")
    with pytest.raises(StatisticsInputError) as ours:
        dsr_in_duckdb(Source(path), "x", "n", standard="esp2000")
    assert str(ours.value) == str(whole.value)


def test_a_missing_group_column_is_named(tmp_path: Path) -> None:
    path = write(pd.DataFrame({"x": [10], "n": [100]}), tmp_path / "nogroup.csv")
    with pytest.raises(StatisticsInputError, match="column 'area': not in the table"):
        dsr_in_duckdb(Source(path), "x", "n", standard=[1.0], group_by=["area"])


# ---------------------------------------------------------------------------------------
# Indirectly standardised ratios and rates
# ---------------------------------------------------------------------------------------

ISR_BOTH = {
    "observed": "observed",
    "expected": "expected",
    "value": "value",
    "lower_ci_95": "lower95_0cl",
    "upper_ci_95": "upper95_0cl",
    "lower_ci_99_8": "lower99_8cl",
    "upper_ci_99_8": "upper99_8cl",
}
ISR_ARGS = ("count", "pop", "refcount", "refpop")


def check_isr(result: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert result["area"].astype(str).tolist() == expected["area"].tolist()
    for ours, theirs in ISR_BOTH.items():
        assert_allclose(result[ours], expected[theirs], rtol=1e-9, equal_nan=True)
    assert result["statistic"].astype(str).tolist() == expected["statistic"].tolist()
    assert result["method"].astype(str).tolist() == expected["method"].tolist()


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize(("multiplier", "rows"), [(100_000, slice(0, 3)), (1000, slice(3, 6))])
def test_isr_rates_in_duckdb_match_the_reference_and_the_whole_table(
    phe: Callable[[str], pd.DataFrame], tmp_path: Path, suffix: str, multiplier: int, rows: slice
) -> None:
    data = phe("isr_input_multiarea.csv")
    path = write(data, tmp_path / f"isr{suffix}")
    expected = phe("isr_expected.csv").iloc[rows].reset_index(drop=True)
    options = {"group_by": ["area"], "multiplier": multiplier, "confidence": LEVELS}
    ours = isr_in_duckdb(Source(path), *ISR_ARGS, statistic="rate", **options)
    check_isr(ours, expected)
    assert_allclose(ours["ref_rate"], expected["ref_rate"], rtol=1e-9)
    same_as_whole(ours, isr_rate(data, *ISR_ARGS, **options))


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize(("refvalue", "rows"), [(1, slice(6, 9)), (100, slice(9, 12))])
def test_isr_ratios_in_duckdb_match_the_reference_and_the_whole_table(
    phe: Callable[[str], pd.DataFrame], tmp_path: Path, suffix: str, refvalue: int, rows: slice
) -> None:
    data = phe("isr_input_multiarea.csv")
    path = write(data, tmp_path / f"isr{suffix}")
    expected = phe("isr_expected.csv").iloc[rows].reset_index(drop=True)
    options = {"group_by": ["area"], "refvalue": refvalue, "confidence": LEVELS}
    ours = isr_in_duckdb(Source(path), *ISR_ARGS, **options)
    check_isr(ours, expected)
    same_as_whole(ours, isr_ratio(data, *ISR_ARGS, **options))


def test_isr_with_observed_totals_in_duckdb_matches_the_reference(
    phe: Callable[[str], pd.DataFrame], tmp_path: Path
) -> None:
    data = phe("isr_input_multiarea.csv")
    path = write(data, tmp_path / "isr.csv")
    totals = phe("isr_observed_totals.csv")
    expected = phe("isr_expected.csv").iloc[6:9].reset_index(drop=True)
    options = {
        "group_by": ["area"], "confidence": LEVELS, "observed_totals": totals,
        "observed": "total_count",
    }  # fmt: skip
    ours = isr_in_duckdb(Source(path), *ISR_ARGS, **options)
    check_isr(ours, expected)
    same_as_whole(ours, isr_ratio(data, *ISR_ARGS, **options))


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_isr_with_separate_observed_totals_matches_phstatsmethods(
    phe: Callable[[str], pd.DataFrame], tmp_path: Path, suffix: str
) -> None:
    data = phe("isr_obs_totals_input.csv")
    path = write(data, tmp_path / f"obs{suffix}")
    totals = phe("isr_obs_totals.csv")
    expected = phe("isr_obs_totals_expected.csv")
    keys = ["indicatorid", "year", "sex"]
    options = {"group_by": keys, "observed_totals": totals, "observed": "observed"}
    ours = isr_in_duckdb(Source(path), "obs", "pop", "refcount", "refpop", **options)
    assert len(ours) == len(expected) == 40
    joined = expected.merge(ours, on=keys, how="left", suffixes=("_ref", ""))
    assert_allclose(joined["observed"], joined["observed_ref"])
    pairs = {"expected": "expected_ref", "value": "Value", "lower_ci_95": "lower_95_ci",
             "upper_ci_95": "upper_95_ci"}  # fmt: skip
    for ours_name, theirs in pairs.items():
        assert_allclose(joined[ours_name], joined[theirs], rtol=1e-12)
    assert joined["method"].astype(str).tolist() == joined["Method"].tolist()
    assert joined["statistic"].astype(str).tolist() == joined["Statistic"].tolist()
    same_as_whole(ours, isr_ratio(data, "obs", "pop", "refcount", "refpop", **options))


@st.composite
def isr_tables(draw: st.DrawFn) -> pd.DataFrame:
    """Random groups of bands, with missing values, in any order."""
    rows = draw(st.integers(min_value=0, max_value=60))
    maybe = st.one_of(st.integers(0, 500).map(float), st.just(np.nan))
    column = st.lists(maybe, min_size=rows, max_size=rows)
    return pd.DataFrame(
        {
            "area": draw(
                st.lists(st.sampled_from(["A", "B", "C", None]), min_size=rows, max_size=rows)
            ),
            "count": draw(column),
            "pop": draw(column),
            "refcount": draw(column),
            "refpop": draw(
                st.lists(st.integers(1, 10**6).map(float), min_size=rows, max_size=rows)
            ),
        }
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=isr_tables(), rows=st.sampled_from([1, 4, 1000]), grouped=st.booleans())
def test_random_isr_tables_give_the_whole_table_answer(
    tmp_path: Path, table: pd.DataFrame, rows: int, grouped: bool
) -> None:
    path = write(table, tmp_path / "random_isr.parquet")
    by = ["area"] if grouped else []
    ours = isr_in_duckdb(Source(path), *ISR_ARGS, group_by=by, rows=rows, confidence=LEVELS)
    same_as_whole(ours, isr_ratio(table, *ISR_ARGS, group_by=by, confidence=LEVELS))
    ours = isr_in_duckdb(Source(path), *ISR_ARGS, statistic="rate", group_by=by, rows=rows)
    same_as_whole(ours, isr_rate(table, *ISR_ARGS, group_by=by))


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("count", -1, "column 'count', row 20: counts must be greater than or equal to zero"),
        ("pop", -5, "column 'pop', row 20: populations must be greater than or equal to zero"),
        ("refpop", 0, "column 'refpop', row 20: reference populations must be greater than zero"),
    ],
)
def test_a_bad_isr_row_is_named_as_the_whole_table_names_it(
    phe: Callable[[str], pd.DataFrame], tmp_path: Path, column: str, value: int, message: str
) -> None:
    data = phe("isr_input_multiarea.csv")
    data.loc[19, column] = value
    path = write(data, tmp_path / "bad.csv")
    with pytest.raises(StatisticsInputError) as whole:
        isr_ratio(data, *ISR_ARGS, group_by=["area"])
    with pytest.raises(StatisticsInputError) as ours:
        isr_in_duckdb(Source(path), *ISR_ARGS, group_by=["area"], rows=7)
    assert str(ours.value) == str(whole.value) == message


def test_dsr_sums_run_again_on_one_thread_when_duckdb_runs_out_of_memory(
    phe: Callable[[str], pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spiral.stats import standardised_batches

    data = phe("dsr_input_multiarea.csv")
    path = write(data, tmp_path / "dsr.csv")
    real = standardised_batches._aggregate
    threads: list[int | None] = []

    def short_of_memory(*args: Any, **kwargs: Any) -> Any:
        given = kwargs.get("threads")
        threads.append(given)
        if given is None:
            raise MemoryError("DuckDB ran out of memory")
        return real(*args, **kwargs)

    monkeypatch.setattr(standardised_batches, "_aggregate", short_of_memory)
    ours = dsr_in_duckdb(Source(path), "count", "pop", group_by=["area"], confidence=LEVELS)
    assert threads == [None, 1]
    same_as_whole(ours, dsr(data, "count", "pop", group_by=["area"], confidence=LEVELS))


@st.composite
def frequency_tables(draw: st.DrawFn) -> pd.DataFrame:
    """Groups of four bands with a row per event frequency, rows in any order."""
    groups = draw(st.integers(min_value=1, max_value=6))
    frequencies = draw(st.integers(min_value=1, max_value=3))
    index = pd.MultiIndex.from_product(
        [range(groups), range(BANDS), range(1, frequencies + 1)], names=["g", "band", "f"]
    )
    table = index.to_frame(index=False)
    rows = len(table)
    table["area"] = "A" + table["g"].astype(str)
    table["people"] = draw(st.lists(st.integers(0, 300).map(float), min_size=rows, max_size=rows))
    # a band's population is the same on each of its rows
    populations = draw(st.lists(st.integers(1, 50_000), min_size=groups * BANDS,
                                max_size=groups * BANDS))  # fmt: skip
    table["pop"] = np.asarray(populations, dtype=float)[table["g"] * BANDS + table["band"]]
    table["weight"] = np.asarray(WEIGHTS)[table["band"]] * 1000
    order = draw(st.permutations(range(rows)))
    return table.iloc[list(order)].drop(columns="g").reset_index(drop=True)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=frequency_tables())
def test_random_non_independent_tables_give_the_whole_table_answer(
    tmp_path: Path, table: pd.DataFrame
) -> None:
    path = write(table, tmp_path / "frequencies.parquet")
    for standard in (WEIGHTS, "weight"):
        options = {
            "standard": standard, "group_by": ["area"], "confidence": LEVELS,
            "eventfreq": "f", "ageband": "band",
        }  # fmt: skip
        ours = dsr_in_duckdb(Source(path), "people", "pop", **options)
        same_as_whole(ours, dsr(table, "people", "pop", **options))
