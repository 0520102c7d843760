"""Crude rates with Byar's or exact Poisson confidence intervals, as ``phe_rate``.

The rate is ``O / n`` times the multiplier (100,000 by default). Its limits are the limits of
the count ``O`` (see :mod:`spiral.stats.poisson`) divided by ``n`` and multiplied likewise:
exact chi-square limits when ``O < 10`` (method ``Exact``), Byar's otherwise (``Byars``).
A count above its population is allowed (a rate can exceed 100%). Missing counts or
populations give missing results; a missing count also leaves the method empty. A negative
count or a population that is not above zero is an error, as in the official method.

Reference: PHEindicatormethods (R, v2.1.0) ``phe_rate``; Breslow NE, Day NE, *Statistical
methods in cancer research, vol. II*, IARC 1987; Armitage P, Berry G, *Statistical methods
in medical research*, 4th edn, Blackwell 2002.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from spiral.stats.confidence import normalise_confidences
from spiral.stats.poisson import count_limits
from spiral.stats.tables import (
    attach,
    coded_labels,
    confidence_text,
    constant_labels,
    group_rows,
    limit_columns,
    multiplier_text,
    numbers,
    reject,
)

METHODS = ("Byars", "Exact")


def method_labels(exact: np.ndarray, missing: np.ndarray) -> pd.Categorical:
    """``Exact``/``Byars`` per row (empty where the count is missing), stored as a category.

    Examples
    --------
    >>> list(method_labels(np.array([True, False, False]), np.array([False, False, True])))
    ['Exact', 'Byars', nan]
    """
    codes = exact.astype(np.int8)
    codes[missing] = -1
    return coded_labels(codes, METHODS)


def rate(
    data: pd.DataFrame,
    count: str,
    population: str,
    *,
    multiplier: float = 100_000,
    confidence: float | Iterable[float] = 0.95,
    group_by: Sequence[str] = (),
) -> pd.DataFrame:
    """Crude rates with Byar's (or exact, for counts below 10) confidence intervals.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per area (or per group member).
    count, population : str
        Columns holding the events and the populations.
    multiplier : float, default 100000
        Rate per this many people.
    confidence : float or iterable of float, default 0.95
        One level or several, written ``95`` or ``0.95`` (e.g. ``[95, 99.8]``).
    group_by : sequence of str, optional
        When given, counts and populations are summed within each group (a missing value
        makes the sums missing) and one row per group is returned.

    Returns
    -------
    pandas.DataFrame
        The input columns (or group columns and sums) followed by ``value``,
        ``lower_ci_<level>``, ``upper_ci_<level>``, ``statistic`` (``rate per 100000``),
        ``confidence`` and ``method`` (``Exact`` or ``Byars``).

    Raises
    ------
    spiral.stats.tables.StatisticsInputError
        For text in a number column, a negative count or a population not above zero.

    References
    ----------
    PHEindicatormethods (R) v2.1.0, ``phe_rate``; Breslow & Day (1987); Armitage & Berry (2002).

    Examples
    --------
    >>> table = pd.DataFrame({"area": ["A", "B"], "deaths": [1, 65], "pop": [100, 100]})
    >>> result = rate(table, "deaths", "pop", multiplier=100)
    >>> result[["area", "value", "lower_ci_95", "upper_ci_95", "method"]].round(4)
      area  value  lower_ci_95  upper_ci_95 method
    0    A    1.0       0.0253       5.5716  Exact
    1    B   65.0      50.1632      82.8491  Byars
    """
    levels = normalise_confidences(confidence)
    x = numbers(data, count)
    n = numbers(data, population)
    reject(x < 0, count, "counts must be greater than or equal to zero")
    reject(n <= 0, population, "populations must be greater than zero")
    table = data
    if group_by:
        groups = group_rows(data, group_by)
        x, n = groups.sum(x), groups.sum(n)
        table = groups.keys.assign(**{count: x, population: n})
    value = np.divide(multiplier, n)
    limits, exact = count_limits(x, levels, scale=value)
    value *= x
    results: dict[str, object] = {"value": value}
    for level, (lower, upper) in zip(levels, limits, strict=True):
        lower_name, upper_name = limit_columns(level)
        results[lower_name] = lower
        results[upper_name] = upper
    results["statistic"] = constant_labels(f"rate per {multiplier_text(multiplier)}", len(x))
    results["confidence"] = constant_labels(confidence_text(levels), len(x))
    results["method"] = method_labels(exact, np.isnan(x))
    return attach(table, results)
