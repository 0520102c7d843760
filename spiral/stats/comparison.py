"""Compare each area with a benchmark, as Fingertips colours its tables.

Method (Fingertips; OHID *Public Health Outcomes Framework technical guidance*, "comparison
with a benchmark"): an area is *significantly different* from a benchmark value (England, its
region, or its comparator group) when the benchmark lies outside the area's confidence
interval, at 95% or 99.8%. An interval that contains (or touches) the benchmark means
*similar*. Polarity turns *higher*/*lower* into *better*/*worse* (red-amber-green): where low
is good, a significantly higher value is *worse*. Where no direction is good
("BOB - Blue orange blue") the result stays *higher*/*lower*. Without an interval or a
benchmark the area is *not compared*.

Benchmarks come from the same table with :func:`benchmark_values`: the value of one area
(England, ``E92000001``), of each row's parent area (its region), or of a comparator group.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from spiral.exceptions import InputError
from spiral.stats.confidence import normalise_confidence
from spiral.stats.polarity import HIGH_IS_GOOD, LOW_IS_GOOD, polarity_directions
from spiral.stats.tables import limit_columns

__all__ = [
    "BETTER",
    "HIGHER",
    "LOWER",
    "NOT_COMPARED",
    "SIMILAR",
    "WORSE",
    "benchmark_values",
    "compare_to_benchmark",
]

BETTER = "better"
SIMILAR = "similar"
WORSE = "worse"
HIGHER = "higher"
LOWER = "lower"
NOT_COMPARED = "not compared"

ENGLAND = "E92000001"
DEFAULT_KEYS = ("indicator_id", "period", "sex", "age", "category_type", "category")


def _numeric(data: pd.DataFrame, column: str) -> np.ndarray:
    if column not in data.columns:
        raise InputError(f"{column}: not a column of the data")
    values = pd.to_numeric(data[column], errors="coerce")
    bad = values.isna() & data[column].notna()
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"row {position + 1}, {column}: {data[column].iloc[position]!r} is not a number"
        )
    return values.to_numpy(dtype=float)


def compare_to_benchmark(
    data: pd.DataFrame,
    *,
    benchmark: str | float = "benchmark_value",
    confidence: float = 95,
    lower: str | None = None,
    upper: str | None = None,
    polarity: str | None = "polarity",
    output: str = "comparison",
) -> pd.DataFrame:
    """Label each row better, similar or worse than a benchmark, from its confidence interval.

    Method: Fingertips' comparison with a benchmark (OHID technical guidance): the benchmark
    outside the interval means significantly higher or lower; polarity decides better/worse.

    Parameters
    ----------
    data : DataFrame
        One row per area, with its confidence interval.
    benchmark : str or float
        Column holding each row's benchmark value, or one value for every row.
    confidence : float
        95 or 99.8 (either way of writing it); chooses the interval columns.
    lower, upper : str, optional
        Interval columns; default ``lower_ci_95``/``upper_ci_95`` (``..._99_8`` at 99.8%).
    polarity : str or None
        Column of polarity labels ("RAG - Low is good", "RAG - High is good",
        "BOB - Blue orange blue", or low/high/none), or ``None`` for no polarity: then rows are
        only higher, similar or lower.
    output : str
        Name of the column added.

    Returns
    -------
    DataFrame
        A copy of ``data`` with ``output`` (better, similar, worse, higher, lower or
        not compared) and ``output + "_confidence"`` (the level as a fraction).

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "area_code": ["E06000001", "E06000002", "E06000003", "E06000004"],
    ...     "lower_ci_95": [10.0, 14.0, 8.0, None],
    ...     "upper_ci_95": [12.0, 16.0, 13.0, None],
    ...     "polarity": ["RAG - Low is good"] * 4,
    ... })
    >>> compare_to_benchmark(table, benchmark=13.0)["comparison"].tolist()
    ['better', 'worse', 'similar', 'not compared']
    >>> compare_to_benchmark(table, benchmark=13.0, polarity=None)["comparison"].tolist()
    ['lower', 'higher', 'similar', 'not compared']
    """
    level = normalise_confidence(confidence)
    default_lower, default_upper = limit_columns(level)
    lower = lower or default_lower
    upper = upper or default_upper
    low = _numeric(data, lower)
    high = _numeric(data, upper)
    if isinstance(benchmark, str):
        reference = _numeric(data, benchmark)
    else:
        reference = np.full(len(data), float(benchmark))
    if polarity is None:
        direction = np.full(len(data), "none", dtype=object)
    else:
        if polarity not in data.columns:
            raise InputError(f"polarity: {polarity!r} is not a column of the data")
        direction = polarity_directions(
            data[polarity].reset_index(drop=True), field=polarity
        ).to_numpy()

    comparable = ~(np.isnan(low) | np.isnan(high) | np.isnan(reference))
    above = comparable & (reference < low)
    below = comparable & (reference > high)
    labels = np.full(len(data), NOT_COMPARED, dtype=object)
    labels[comparable] = SIMILAR
    labels[above] = HIGHER
    labels[below] = LOWER
    labels[above & (direction == HIGH_IS_GOOD)] = BETTER
    labels[above & (direction == LOW_IS_GOOD)] = WORSE
    labels[below & (direction == HIGH_IS_GOOD)] = WORSE
    labels[below & (direction == LOW_IS_GOOD)] = BETTER
    result = data.copy()
    result[output] = labels
    result[f"{output}_confidence"] = level
    return result


def benchmark_values(
    data: pd.DataFrame,
    *,
    area_code: str | None = None,
    parent_column: str | None = None,
    groups: pd.DataFrame | None = None,
    keys: Sequence[str] = DEFAULT_KEYS,
    value: str = "value",
    multiplier: float | None = None,
    output: str = "benchmark_value",
) -> pd.DataFrame:
    """Attach to each row the value of its benchmark, taken from the same table.

    Exactly one of ``area_code``, ``parent_column`` or ``groups`` chooses the benchmark:

    - ``area_code``: one area for every row, typically England (``"E92000001"``);
    - ``parent_column``: each row's parent area (its region), named in that column;
    - ``groups``: a table with ``area_code`` and ``comparator_code`` (one row per member
      of each area's comparator group, as :func:`spiral.comparators.nearest_neighbours`
      returns); the benchmark is the mean of the members' values or, when ``multiplier`` is
      given (100 for a percentage, 100000 for a rate per 100,000), the pooled value
      ``multiplier * sum(numerator) / sum(denominator)`` of the group.

    Rows are matched on ``keys`` (those present in the table), for example indicator,
    period, sex and age.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "indicator_id": [1, 1, 1], "period": ["2023"] * 3,
    ...     "area_code": ["E92000001", "E06000001", "E06000002"], "value": [10.0, 12.0, 9.0],
    ... })
    >>> benchmark_values(table, area_code="E92000001")["benchmark_value"].tolist()
    [10.0, 10.0, 10.0]
    """
    chosen = sum(item is not None for item in (area_code, parent_column, groups))
    if chosen != 1:
        raise InputError("give exactly one of area_code, parent_column or groups")
    if "area_code" not in data.columns or value not in data.columns:
        raise InputError(f"the table needs the columns area_code and {value}")
    on = [key for key in keys if key in data.columns]
    result = data.copy()
    lookup_columns = [*on, "area_code", value]
    lookup = data[lookup_columns].rename(columns={"area_code": "_benchmark_code", value: output})

    if area_code is not None:
        lookup = lookup[lookup["_benchmark_code"] == area_code].drop(columns="_benchmark_code")
        if on:
            merged = result.merge(lookup.drop_duplicates(on), on=on, how="left")
            merged.index = result.index
            result[output] = merged[output]
        else:
            result[output] = lookup[output].iloc[0] if len(lookup) else np.nan
        return result
    if parent_column is not None:
        if parent_column not in data.columns:
            raise InputError(f"parent_column: {parent_column!r} is not a column of the data")
        lookup = lookup.drop_duplicates([*on, "_benchmark_code"])
        merged = result.merge(
            lookup, left_on=[*on, parent_column], right_on=[*on, "_benchmark_code"], how="left"
        )
        merged.index = result.index
        result[output] = merged[output]
        return result

    assert groups is not None
    if not {"area_code", "comparator_code"} <= set(groups.columns):
        raise InputError("groups needs the columns area_code and comparator_code")
    members = groups[["area_code", "comparator_code"]].rename(
        columns={"area_code": "_area", "comparator_code": "area_code"}
    )
    pooled = multiplier is not None
    if pooled and not {"numerator", "denominator"} <= set(data.columns):
        raise InputError("a pooled benchmark (multiplier) needs numerator and denominator")
    member_columns = [*on, "area_code", value] + (["numerator", "denominator"] if pooled else [])
    joined = members.merge(data[member_columns], on="area_code", how="inner")
    by = [*on, "_area"]
    if pooled:
        sums = joined.groupby(by, dropna=False)[["numerator", "denominator"]].sum(min_count=1)
        summary = (float(multiplier or 1) * sums["numerator"] / sums["denominator"]).rename(output)
    else:
        summary = joined.groupby(by, dropna=False)[value].mean().rename(output)
    summary_frame = summary.reset_index().rename(columns={"_area": "area_code"})
    merged = result.merge(summary_frame, on=[*on, "area_code"], how="left")
    merged.index = result.index
    result[output] = merged[output]
    return result


def compare_table(
    data: pd.DataFrame,
    *,
    benchmark_area: str | None = None,
    benchmark_parent: str | None = None,
    benchmark: str | float | None = None,
    confidence: float = 95,
    polarity: str | None = "polarity",
    keys: Sequence[str] = DEFAULT_KEYS,
) -> pd.DataFrame:
    """Find each row's benchmark and compare the row with it, in one step.

    Exactly one of ``benchmark_area`` (an area code such as England's ``E92000001``, looked
    up in the table for the same indicator, period, sex and age), ``benchmark_parent`` (a
    column naming each row's parent area) or ``benchmark`` (a column of benchmark values, or
    one value) is given. Rows are then labelled as :func:`compare_to_benchmark` does; the
    benchmark area itself comes out *similar* to itself.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "indicator_id": [93085] * 3, "period": ["2023/24"] * 3,
    ...     "area_code": ["E92000001", "E06000008", "E08000003"],
    ...     "value": [7.4, 7.6, 7.9], "lower_ci_95": [7.3, 6.5, 7.5],
    ...     "upper_ci_95": [7.5, 8.8, 8.6], "polarity": ["RAG - Low is good"] * 3})
    >>> compare_table(table, benchmark_area="E92000001")["comparison"].tolist()
    ['similar', 'similar', 'worse']
    """
    chosen = sum(item is not None for item in (benchmark_area, benchmark_parent, benchmark))
    if chosen != 1:
        raise InputError("give exactly one of benchmark_area, benchmark_parent or benchmark")
    if benchmark is not None:
        return compare_to_benchmark(
            data, benchmark=benchmark, confidence=confidence, polarity=polarity
        )
    with_benchmark = benchmark_values(
        data, area_code=benchmark_area, parent_column=benchmark_parent, keys=keys
    )
    return compare_to_benchmark(
        with_benchmark, benchmark="benchmark_value", confidence=confidence, polarity=polarity
    )
