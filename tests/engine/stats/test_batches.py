"""Tables larger than memory (:mod:`spiral.stats.batches`): the same answers batch by batch.

Also :mod:`spiral.stats.memory`, which sizes a table against the memory available.

Known answers: PHEindicatormethods v2.1.0 test data in ``tests/reference/phe`` (see its
README): ``proportion_wilson.csv`` and ``rate_byars_exact.csv`` (``phe_proportion`` and
``phe_rate``, every row), their ``*_grouped_sum.csv`` (the grouped forms) and
``funnel_*_input_significance.csv`` (``assign_funnel_significance``). Every row is worked
through DuckDB in batches of several sizes and must equal both the reference and the
whole-table methods; property tests check the same equality on random tables for every
batch size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from spiral.exceptions import InputError
from spiral.stats import memory
from spiral.stats.batches import (
    Source,
    column_sums,
    funnel_average,
    grouped_sums,
    row_batches,
    rows_in_batches,
)
from spiral.stats.funnel import FunnelInputError, assign_funnel_significance
from spiral.stats.proportions import proportion
from spiral.stats.rates import rate
from spiral.stats.tables import StatisticsInputError

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "phe"
LEVELS = (95, 99.8)


def proportions_of(data: pd.DataFrame, multiplier: float = 100) -> pd.DataFrame:
    return proportion(data, "Numerator", "Denominator", multiplier=multiplier, confidence=LEVELS)


def rates_of(data: pd.DataFrame, multiplier: float = 100_000) -> pd.DataFrame:
    return rate(data, "Numerator", "Denominator", multiplier=multiplier, confidence=LEVELS)


def worked_in_batches(source: Source, method: Any, rows: int, first: str = "value") -> pd.DataFrame:
    tables = list(rows_in_batches(source, method, rows=rows, first_result=first))
    return pa.concat_tables(tables).to_pandas()


def write(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path


def same_frames(ours: pd.DataFrame, whole: pd.DataFrame) -> None:
    """Equal column by column: numbers to the bit (NaN where NaN), labels as text."""
    assert list(ours.columns) == list(whole.columns)
    assert len(ours) == len(whole)
    for name in whole.columns:
        left, right = ours[name], whole[name]
        if pd.api.types.is_numeric_dtype(right.dtype) and not pd.api.types.is_bool_dtype(
            right.dtype
        ):
            np.testing.assert_array_equal(
                left.to_numpy(dtype=np.float64, na_value=np.nan),
                right.to_numpy(dtype=np.float64, na_value=np.nan),
                err_msg=name,
            )
        else:
            as_text = [None if pd.isna(item) else str(item) for item in left]
            assert as_text == [None if pd.isna(item) else str(item) for item in right], name


# ---------------------------------------------------------------------------------------
# Known answers, every reference row, several batch sizes
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 4, 7, 1000])
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_proportions_in_batches_match_the_reference_and_the_whole_table(
    tmp_path: Path, rows: int, suffix: str
) -> None:
    expected = pd.read_csv(REFERENCE / "proportion_wilson.csv")
    expected = expected[expected["multiplier"] == 100].reset_index(drop=True)
    table = expected[["Area", "Numerator", "Denominator"]]
    path = write(table, tmp_path / f"in{suffix}")
    ours = worked_in_batches(Source(path, ("Numerator", "Denominator")), proportions_of, rows)
    pairs = {"value": "value", "lower_ci_95": "lower95_0cl", "upper_ci_95": "upper95_0cl",
             "lower_ci_99_8": "lower99_8cl", "upper_ci_99_8": "upper99_8cl"}  # fmt: skip
    for name, theirs in pairs.items():
        assert_allclose(ours[name], expected[theirs], rtol=1e-9, equal_nan=True)
    assert ours["method"].astype(str).tolist() == expected["method"].tolist()
    same_frames(ours, proportions_of(table))


@pytest.mark.parametrize("rows", [1, 3, 1000])
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_rates_in_batches_match_the_reference_and_the_whole_table(
    tmp_path: Path, rows: int, suffix: str
) -> None:
    expected = pd.read_csv(REFERENCE / "rate_byars_exact.csv")
    expected = expected[expected["multiplier"] == 100].reset_index(drop=True)
    table = expected[["Area", "Numerator", "Denominator"]]
    path = write(table, tmp_path / f"in{suffix}")

    def per_100(data: pd.DataFrame) -> pd.DataFrame:
        return rates_of(data, multiplier=100)

    ours = worked_in_batches(Source(path, ("Numerator", "Denominator")), per_100, rows)
    assert_allclose(ours["value"], expected["value"], rtol=1e-9, equal_nan=True)
    assert_allclose(ours["lower_ci_95"], expected["lower95_0cl"], rtol=1e-9, equal_nan=True)
    assert_allclose(ours["upper_ci_99_8"], expected["upper99_8cl"], rtol=1e-9, equal_nan=True)
    methods = [None if pd.isna(item) else item for item in ours["method"]]
    assert methods == [None if pd.isna(item) else item for item in expected["method"]]
    same_frames(ours, per_100(table))


@pytest.mark.parametrize(
    ("reference", "method", "suspect"),
    [
        (
            "proportion_wilson_grouped_sum.csv",
            proportion,
            lambda v: (v["Numerator"] < 0) | (v["Numerator"] > v["Denominator"]),
        ),
        ("rate_byars_exact_grouped_sum.csv", rate, lambda v: v["Numerator"] < 0),
    ],
)
def test_sums_by_group_in_duckdb_match_the_reference_and_the_whole_table(
    tmp_path: Path, reference: str, method: Any, suspect: Any
) -> None:
    expected = pd.read_csv(REFERENCE / reference)
    multiplier = float(expected["multiplier"].iloc[0])
    # each group's summed inputs split into two rows (missing values stay missing), and
    # the two halves far apart in the file, so that the sums cross batches
    first = expected[["Area", "Numerator", "Denominator"]].copy()
    first["Numerator"] = np.floor(first["Numerator"] / 2)
    first["Denominator"] = np.floor(first["Denominator"] / 2)
    second = first.copy()
    second["Numerator"] = expected["Numerator"] - first["Numerator"]
    second["Denominator"] = expected["Denominator"] - first["Denominator"]
    table = pd.concat([first, second], ignore_index=True)
    path = write(table, tmp_path / "in.csv")

    def each(data: pd.DataFrame) -> pd.DataFrame:
        return method(data, "Numerator", "Denominator", multiplier=multiplier)

    sums = grouped_sums(
        Source(path, ("Numerator", "Denominator")),
        ["Area"],
        ["Numerator", "Denominator"],
        suspect=suspect,
        method=each,
    )
    ours = each(sums)
    whole = method(table, "Numerator", "Denominator", multiplier=multiplier, group_by=["Area"])
    same_frames(ours, whole)
    by_area = ours.set_index("Area")
    for row in expected.itertuples():
        assert_allclose(by_area.loc[row.Area, "value"], row.value, rtol=1e-9, equal_nan=True)
        assert_allclose(
            by_area.loc[row.Area, "lower_ci_95"], row.lowercl, rtol=1e-9, equal_nan=True
        )
        assert_allclose(
            by_area.loc[row.Area, "upper_ci_95"], row.uppercl, rtol=1e-9, equal_nan=True
        )


@pytest.mark.parametrize("rows", [1, 50, 1000])
def test_funnel_proportion_significance_in_batches_matches_every_reference_row(
    tmp_path: Path, rows: int
) -> None:
    expected = pd.read_csv(REFERENCE / "funnel_prop_input_significance.csv")
    table = expected.drop(columns="significance")
    path = write(table, tmp_path / "in.csv")
    source = Source(path, ("numerator", "denominator"))

    def significance(data: pd.DataFrame, average: float | None = None) -> pd.DataFrame:
        return assign_funnel_significance(
            data, "numerator", "denominator", statistic="proportion", average=average
        )

    average = funnel_average(
        source, "numerator", "denominator", statistic="proportion", method=significance
    )
    ours = worked_in_batches(
        source, lambda data: significance(data, average), rows, first="significance"
    )
    assert ours["significance"].astype(str).tolist() == expected["significance"].tolist()
    same_frames(ours, significance(table))


@pytest.mark.parametrize("rows", [1, 64])
def test_funnel_ratio_significance_in_batches_matches_every_reference_row(
    tmp_path: Path, rows: int
) -> None:
    expected = pd.read_csv(REFERENCE / "funnel_ratio_input_significance.csv")
    table = expected.drop(columns="significance")
    path = write(table, tmp_path / "in.parquet")
    source = Source(path, ("obs", "expected"))
    assert funnel_average(source, "obs", "expected", statistic="ratio", method=len) is None

    def significance(data: pd.DataFrame) -> pd.DataFrame:
        return assign_funnel_significance(data, "obs", "expected", statistic="ratio")

    ours = worked_in_batches(source, significance, rows, first="significance")
    assert ours["significance"].astype(str).tolist() == expected["significance"].tolist()


RATE_CASES = [
    (column, rate_type, multiplier, with_zero)
    for rate_type in ("dsr", "crude")
    for multiplier in (100_000, 100)
    for with_zero in (True, False)
    for column in [f"{rate_type}_per_{multiplier}_{'with' if with_zero else 'without'}_0"]
]


@pytest.mark.parametrize(("column", "rate_type", "multiplier", "with_zero"), RATE_CASES)
def test_funnel_rate_significance_in_batches_matches_every_reference_row(
    tmp_path: Path, column: str, rate_type: str, multiplier: int, with_zero: bool
) -> None:
    expected = pd.read_csv(REFERENCE / "funnel_rate_input_significance.csv")
    rate_column = "rate_dsr" if rate_type == "dsr" else f"rate_crude_per_{multiplier}"
    # as the official tests: the "per 100" DSR cases pass rate_dsr (per 100,000) unchanged
    if not with_zero:
        expected = expected[expected["count"] > 0].reset_index(drop=True)
    table = expected[["count", rate_column, "pop"]]
    path = write(table, tmp_path / "in.csv")
    source = Source(path, ("count", "pop", rate_column))

    def significance(data: pd.DataFrame, average: float | None = None) -> pd.DataFrame:
        return assign_funnel_significance(
            data, "count", "pop", rate_column, statistic="rate", rate_type=rate_type,
            multiplier=multiplier, average=average,
        )  # fmt: skip

    whole = significance(table)
    assert whole["significance"].astype(str).tolist() == expected[column].tolist()
    average = funnel_average(
        source, "count", "pop", rate_column, statistic="rate", rate_type=rate_type,
        multiplier=multiplier, method=significance,
    )  # fmt: skip
    ours = worked_in_batches(
        source, lambda data: significance(data, average), 7, first="significance"
    )
    assert ours["significance"].astype(str).tolist() == expected[column].tolist()


# ---------------------------------------------------------------------------------------
# The same output as the whole table, for any table and any batch size
# ---------------------------------------------------------------------------------------


@st.composite
def indicator_tables(draw: st.DrawFn) -> pd.DataFrame:
    size = draw(st.integers(min_value=0, max_value=40))
    people = draw(st.lists(st.integers(min_value=1, max_value=10**7), min_size=size, max_size=size))
    shares = draw(st.lists(st.floats(0, 1), min_size=size, max_size=size))
    cases = [int(n * share) for n, share in zip(people, shares, strict=True)]
    areas = draw(st.lists(st.sampled_from(["E1", "E2", "W3", "S4"]), min_size=size, max_size=size))
    frame = pd.DataFrame({"area": areas, "Numerator": cases, "Denominator": people})
    blanks = draw(st.lists(st.integers(0, max(size - 1, 0)), max_size=3)) if size else []
    if blanks:
        frame["Numerator"] = frame["Numerator"].astype("float64")
        frame.loc[blanks, "Numerator"] = np.nan
    return frame


SLOW = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SLOW
@given(table=indicator_tables(), rows=st.integers(1, 45), parquet=st.booleans())
def test_batches_of_any_size_give_the_whole_table_answer(
    tmp_path: Path, table: pd.DataFrame, rows: int, parquet: bool
) -> None:
    path = write(table, tmp_path / ("in.parquet" if parquet else "in.csv"))
    source = Source(path, ("Numerator", "Denominator"))
    for method in (proportions_of, rates_of):
        same_frames(worked_in_batches(source, method, rows), method(table))


@SLOW
@given(table=indicator_tables(), parquet=st.booleans())
def test_sums_by_group_give_the_whole_table_answer(
    tmp_path: Path, table: pd.DataFrame, parquet: bool
) -> None:
    path = write(table, tmp_path / ("in.parquet" if parquet else "in.csv"))
    source = Source(path, ("Numerator", "Denominator"))
    sums = grouped_sums(
        source,
        ["area"],
        ["Numerator", "Denominator"],
        suspect=lambda v: v["Numerator"] > v["Denominator"],
        method=proportions_of,
    )
    whole = proportion(
        table, "Numerator", "Denominator", multiplier=100, confidence=LEVELS, group_by=["area"]
    )
    same_frames(proportions_of(sums), whole)


# ---------------------------------------------------------------------------------------
# Groups: order, missing values, missing keys
# ---------------------------------------------------------------------------------------


def test_groups_come_in_order_of_first_appearance_with_missing_sums_and_keys(
    tmp_path: Path,
) -> None:
    path = tmp_path / "in.csv"
    path.write_text("area,x,n\nB,1,10\n,2,10\nA,3,10\nB,,10\nA,4,10\n,5,10\n")
    sums = grouped_sums(
        Source(path, ("x", "n")), ["area"], ["x", "n"], suspect=lambda v: v["x"] < 0,
        method=len,
    )  # fmt: skip
    assert [None if pd.isna(key) else key for key in sums["area"]] == ["B", None, "A"]
    np.testing.assert_array_equal(sums["x"], [np.nan, 7.0, 7.0])
    np.testing.assert_array_equal(sums["n"], [20.0, 20.0, 20.0])


def test_whole_table_sums_leave_missing_values_out(tmp_path: Path) -> None:
    path = tmp_path / "in.parquet"
    pd.DataFrame({"x": [1.0, np.nan, 2.5], "n": [10, 10, 10]}).to_parquet(path)
    totals = column_sums(
        Source(path, ("x", "n")), lambda v: {"x": v["x"], "twice": v["n"] * 2},
        suspect=lambda v: v["x"] < 0, method=len,
    )  # fmt: skip
    assert totals == {"x": 3.5, "twice": 60.0, "rows": 3.0}


# ---------------------------------------------------------------------------------------
# Bad rows: the whole-table message, the row counted from the start of the file
# ---------------------------------------------------------------------------------------

BAD_ROWS = [
    ("Numerator", "-1", "numerators must be greater than or equal to zero"),
    ("Denominator", "0", "denominators must be greater than zero"),
    ("Numerator", "11", "numerators must be less than or equal to the denominator"),
    ("Denominator", "ten", "'ten' is not a number"),
]


def table_with_bad_row(column: str, text: str, row: int, size: int = 30) -> str:
    lines = ["area,Numerator,Denominator"]
    for number in range(1, size + 1):
        values = {"Numerator": "1", "Denominator": "10"}
        if number == row:
            values[column] = text
        lines.append(f"A{number % 3},{values['Numerator']},{values['Denominator']}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("column", "text", "problem"), BAD_ROWS)
@pytest.mark.parametrize("rows", [4, 100])
def test_a_bad_row_in_a_later_batch_is_named_as_the_whole_table_names_it(
    tmp_path: Path, column: str, text: str, problem: str, rows: int
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(table_with_bad_row(column, text, row=23))
    with pytest.raises(StatisticsInputError) as whole:
        proportions_of(pd.read_csv(path))
    with pytest.raises(StatisticsInputError) as ours:
        worked_in_batches(Source(path, ("Numerator", "Denominator")), proportions_of, rows)
    assert str(ours.value) == str(whole.value) == f"column {column!r}, row 23: {problem}"
    assert (ours.value.row, ours.value.column) == (23, column)


@pytest.mark.parametrize(("column", "text", "problem"), BAD_ROWS)
def test_a_bad_row_stops_the_sums_by_group_with_the_same_message(
    tmp_path: Path, column: str, text: str, problem: str
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(table_with_bad_row(column, text, row=17))
    with pytest.raises(StatisticsInputError, match=rf"^column '{column}', row 17: {problem}$"):
        grouped_sums(
            Source(path, ("Numerator", "Denominator")),
            ["area"],
            ["Numerator", "Denominator"],
            suspect=lambda v: (
                (v["Numerator"] < 0) | (v["Denominator"] <= 0) | (v["Numerator"] > v["Denominator"])
            ),
            method=proportions_of,
            rows=5,
        )


def test_text_far_beyond_the_rows_duckdb_samples_is_named(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    body = "".join(f"A,{i % 7},{10 + i % 5}\n" for i in range(60_000))
    path.write_text("area,Numerator,Denominator\n" + body + "B,1.5,10\nC,two,10\n")
    tables = rows_in_batches(Source(path, ("Numerator", "Denominator")), rates_of, rows=25_000)
    with pytest.raises(StatisticsInputError, match=r"column 'Numerator', row 60002: 'two' is"):
        list(tables)


def test_a_fraction_after_whole_numbers_is_read_as_a_fraction(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    body = "".join(f"A,{i % 7},{10 + i % 5}\n" for i in range(30_000))
    path.write_text("area,Numerator,Denominator\n" + body + "B,1.5,10\n")
    ours = worked_in_batches(Source(path, ("Numerator", "Denominator")), rates_of, 10_000)
    assert ours["Numerator"].iloc[-1] == 1.5
    same_frames(ours, rates_of(pd.read_csv(path)))


def test_a_funnel_error_names_the_row_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "in.parquet"
    pd.DataFrame({"obs": [5] * 9 + [-1], "pop": [100] * 10}).to_parquet(path)

    def significance(data: pd.DataFrame) -> pd.DataFrame:
        return assign_funnel_significance(data, "obs", "pop", statistic="proportion", average=0.05)

    with pytest.raises(FunnelInputError) as caught:
        worked_in_batches(Source(path, ("obs", "pop")), significance, 4, first="significance")
    assert str(caught.value) == (
        "row 10, column 'obs': numerators must be greater than or equal to zero"
    )


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("area,x,n\nA,1,10\n")
    with pytest.raises(StatisticsInputError, match=r"column 'people': not in the table"):
        grouped_sums(
            Source(path, ("x", "people")), ["area"], ["x", "people"],
            suspect=lambda v: v["x"] < 0, method=len,
        )  # fmt: skip
    with pytest.raises(StatisticsInputError, match=r"column 'region': not in the table"):
        grouped_sums(
            Source(path, ("x", "n")), ["region"], ["x", "n"], suspect=lambda v: v["x"] < 0,
            method=len,
        )  # fmt: skip


def test_a_file_duckdb_cannot_read_is_one_message(tmp_path: Path) -> None:
    path = tmp_path / "in.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(InputError, match=r"^cannot read the table \("):
        list(row_batches(Source(path)))


def test_a_table_with_no_rows_gives_the_columns_and_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("area,Numerator,Denominator\n")
    ours = worked_in_batches(Source(path, ("Numerator", "Denominator")), proportions_of, 10)
    assert len(ours) == 0
    assert list(ours.columns) == list(proportions_of(pd.read_csv(path)).columns)


# ---------------------------------------------------------------------------------------
# Sizes and memory
# ---------------------------------------------------------------------------------------


def test_a_parquet_file_is_sized_uncompressed_and_compared_with_memory(tmp_path: Path) -> None:
    path = tmp_path / "in.parquet"
    pd.DataFrame({"x": np.zeros(100_000)}).to_parquet(path)
    assert memory.data_size(path) > 10 * path.stat().st_size
    assert memory.fits_in_memory(path, available=memory.FOOTPRINT * memory.data_size(path))
    assert not memory.fits_in_memory(path, available=memory.FOOTPRINT * memory.data_size(path) - 1)


def test_available_memory_respects_an_address_space_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(memory, "_address_space_room", lambda: [12345])
    assert memory.available_memory() == 12345
