"""Table plumbing shared by the indicator methods: reading number columns, grouping, labels.

Every method takes a :class:`pandas.DataFrame` and names the columns to use. The helpers
here turn a column into a ``float64`` array (naming the first row that is not a number),
check signs with a message naming the row and column, sum columns within groups without
a Python loop, and build the output columns every method shares: ``value``,
``lower_ci_<level>``, ``upper_ci_<level>``, ``statistic``, ``confidence`` and ``method``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from spiral.exceptions import InputError
from spiral.stats.confidence import ci_suffix

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

BLOCK = 1 << 16
"""Rows worked at a time by the element-wise formulas (their temporaries stay in cache)."""


def blocks(length: int, size: int = BLOCK) -> Iterator[slice]:
    """Slices covering ``range(length)`` in blocks of ``size`` rows.

    Examples
    --------
    >>> list(blocks(5, size=2))
    [slice(0, 2, None), slice(2, 4, None), slice(4, 5, None)]
    """
    for start in range(0, length, size):
        yield slice(start, min(start + size, length))


class StatisticsInputError(InputError):
    """Bad input to an indicator method, naming the column and (1-based) data row.

    Examples
    --------
    >>> error = StatisticsInputError("is negative", column="count", row=3)
    >>> str(error)
    "column 'count', row 3: is negative"
    """

    def __init__(self, problem: str, *, column: str | None = None, row: int | None = None):
        self.problem = problem
        self.column = column
        self.row = row
        where = []
        if column is not None:
            where.append(f"column {column!r}")
        if row is not None:
            where.append(f"row {row}")
        super().__init__(f"{', '.join(where)}: {problem}" if where else problem)


def require_columns(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise :class:`StatisticsInputError` naming any column the table lacks.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a"])
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"])
    Traceback (most recent call last):
    ...
    spiral.stats.tables.StatisticsInputError: column 'b': not in the table (it has: a)
    """
    for column in columns:
        if column not in frame.columns:
            present = ", ".join(str(c) for c in frame.columns)
            raise StatisticsInputError(f"not in the table (it has: {present})", column=column)


def numbers(frame: pd.DataFrame, column: str) -> FloatArray:
    """Return a column as a ``float64`` array; blanks become NaN, text is an error.

    Examples
    --------
    >>> numbers(pd.DataFrame({"x": [1, None, 3]}), "x")
    array([ 1., nan,  3.])
    >>> numbers(pd.DataFrame({"x": ["1", "two"]}), "x")
    Traceback (most recent call last):
    ...
    spiral.stats.tables.StatisticsInputError: column 'x', row 2: 'two' is not a number
    """
    require_columns(frame, [column])
    series = frame[column]
    if pd.api.types.is_bool_dtype(series.dtype):
        raise StatisticsInputError("holds true/false values, not numbers", column=column)
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    converted = pd.to_numeric(series, errors="coerce")
    bad = converted.isna().to_numpy() & series.notna().to_numpy()
    if bad.any():
        texts = series.astype("string").str.strip()
        bad &= (texts != "").fillna(value=False).to_numpy(dtype=bool)
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise StatisticsInputError(
            f"{series.iloc[position]!r} is not a number", column=column, row=position + 1
        )
    return converted.to_numpy(dtype=np.float64, na_value=np.nan)


def reject(mask: npt.NDArray[np.bool_], column: str, problem: str) -> None:
    """Raise naming the first row where ``mask`` is true (NaN compares false, so passes).

    Examples
    --------
    >>> reject(np.array([False, True]), "pop", "must be greater than zero")
    Traceback (most recent call last):
    ...
    spiral.stats.tables.StatisticsInputError: column 'pop', row 2: must be greater than zero
    """
    if mask.any():
        raise StatisticsInputError(problem, column=column, row=int(np.argmax(mask)) + 1)


@dataclass(frozen=True)
class Groups:
    """Rows of a table numbered by group, with one row of group keys per group."""

    codes: IntArray
    keys: pd.DataFrame

    @property
    def count(self) -> int:
        """Number of groups."""
        return len(self.keys)

    def sum(self, values: FloatArray) -> FloatArray:
        """Sum within groups; a NaN anywhere in a group makes its sum NaN.

        Examples
        --------
        >>> groups = group_rows(pd.DataFrame({"g": ["a", "b", "a"]}), ["g"])
        >>> groups.sum(np.array([1.0, 2.0, 3.0]))
        array([4., 2.])
        """
        sums: FloatArray = np.bincount(self.codes, weights=values, minlength=self.count).astype(
            np.float64, copy=False
        )
        return sums

    def sum_present(self, values: FloatArray) -> FloatArray:
        """Sum within groups counting NaN as zero.

        Examples
        --------
        >>> groups = group_rows(pd.DataFrame({"g": ["a", "a"]}), ["g"])
        >>> groups.sum_present(np.array([1.0, np.nan]))
        array([1.])
        """
        return self.sum(np.where(np.isnan(values), 0.0, values))

    def size(self) -> FloatArray:
        """Number of rows in each group.

        Examples
        --------
        >>> group_rows(pd.DataFrame({"g": ["a", "b", "a"]}), ["g"]).size()
        array([2., 1.])
        """
        sizes: FloatArray = np.bincount(self.codes, minlength=self.count).astype(np.float64)
        return sizes


def group_rows(frame: pd.DataFrame, by: Sequence[str]) -> Groups:
    """Number the rows of ``frame`` by the groups of ``by`` in order of first appearance.

    With no columns every row belongs to a single group. Missing keys form their own group.

    Examples
    --------
    >>> groups = group_rows(pd.DataFrame({"g": ["b", "a", "b"]}), ["g"])
    >>> groups.codes.tolist(), groups.keys["g"].tolist()
    ([0, 1, 0], ['b', 'a'])
    """
    by = list(by)
    require_columns(frame, by)
    if not by:
        return Groups(np.zeros(len(frame), dtype=np.intp), pd.DataFrame(index=range(1)))
    grouped = frame.groupby(by, sort=False, dropna=False, observed=True)
    codes: IntArray = np.asarray(grouped.ngroup().to_numpy(), dtype=np.intp)
    # with sort=False, groups are numbered in order of first appearance
    first = np.full(grouped.ngroups, len(frame), dtype=np.intp)
    np.minimum.at(first, codes, np.arange(len(frame), dtype=np.intp))
    keys = frame[by].iloc[first].reset_index(drop=True)
    return Groups(codes, keys)


def multiplier_text(multiplier: float) -> str:
    """Write a multiplier as the official output does: ``100000`` rather than ``1e+05``.

    Examples
    --------
    >>> multiplier_text(1e5), multiplier_text(100), multiplier_text(0.5)
    ('100000', '100', '0.5')
    """
    if float(multiplier).is_integer():
        return str(int(multiplier))
    return f"{multiplier:.15g}"


def confidence_text(levels: Sequence[float]) -> str:
    """Label confidence levels as the official output does, e.g. ``95%, 99.8%``.

    Examples
    --------
    >>> confidence_text((0.95, 0.998))
    '95%, 99.8%'
    """
    return ", ".join(f"{level * 100:.10g}%" for level in levels)


def limit_columns(level: float) -> tuple[str, str]:
    """Names of the lower and upper limit columns for one level.

    Examples
    --------
    >>> limit_columns(0.998)
    ('lower_ci_99_8', 'upper_ci_99_8')
    """
    suffix = ci_suffix(level)
    return f"lower_ci_{suffix}", f"upper_ci_{suffix}"


def coded_labels(codes: npt.NDArray[np.integer[Any]], categories: Sequence[str]) -> pd.Categorical:
    """A column of labels stored as a category: ``categories[code]``, missing where -1.

    Examples
    --------
    >>> list(coded_labels(np.array([1, 0, -1]), ["Byars", "Exact"]))
    ['Exact', 'Byars', nan]
    """
    dtype = pd.CategoricalDtype(categories=list(categories))
    return pd.Categorical.from_codes(codes, dtype=dtype)


def constant_labels(text: str, length: int) -> pd.Categorical:
    """A column holding the same label on every row, stored cheaply as a category.

    Examples
    --------
    >>> list(constant_labels("Wilson", 2))
    ['Wilson', 'Wilson']
    """
    return coded_labels(np.zeros(length, dtype=np.int8), [text])


def attach(frame: pd.DataFrame, results: dict[str, Any]) -> pd.DataFrame:
    """Return ``frame`` with result columns appended (replacing any of the same name).

    The result arrays are wrapped, not copied: a method's freshly computed arrays become
    the output columns as they are, and the input columns are shared copy-on-write.

    Examples
    --------
    >>> attach(pd.DataFrame({"a": [1]}), {"value": np.array([0.5])}).columns.tolist()
    ['a', 'value']
    """
    kept = frame.drop(columns=[name for name in results if name in frame.columns])
    added = pd.DataFrame(results, index=frame.index, copy=False)
    return pd.concat([kept, added], axis=1)
