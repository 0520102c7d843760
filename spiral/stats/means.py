"""Means with Student's t confidence intervals, as ``phe_mean``.

For the ``k`` values of a group with mean ``m`` and sample standard deviation ``s`` (divisor
``k - 1``), the limits are ``m -/+ t s / sqrt(k)`` with ``t`` the ``1 - alpha/2`` quantile of
Student's t distribution on ``k - 1`` degrees of freedom. As in the official method, a missing
value makes its group's results missing, and a group of one value has no limits.

Reference: PHEindicatormethods (R, v2.1.0) ``phe_mean``; Student, *The probable error of a
mean*, Biometrika 1908;6:1-25.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from spiral.stats.confidence import normalise_confidences
from spiral.stats.tables import (
    attach,
    confidence_text,
    constant_labels,
    group_rows,
    limit_columns,
    numbers,
)

METHOD = "Student's t-distribution"


def mean(
    data: pd.DataFrame,
    values: str,
    *,
    group_by: Sequence[str] = (),
    confidence: float | Iterable[float] = 0.95,
) -> pd.DataFrame:
    """Means with Student's t confidence intervals, one row per group.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per observation.
    values : str
        Column of the values to average.
    group_by : sequence of str, optional
        Columns identifying each mean; without them the whole table is one group.
    confidence : float or iterable of float, default 0.95
        One level or several, e.g. ``[95, 99.8]``.

    Returns
    -------
    pandas.DataFrame
        Group columns, ``value_sum``, ``value_count``, ``stdev``, ``value``,
        ``lower_ci_<level>``, ``upper_ci_<level>``, ``statistic`` (``mean``),
        ``confidence`` and ``method`` (``Student's t-distribution``).

    References
    ----------
    PHEindicatormethods (R) v2.1.0, ``phe_mean``.

    Examples
    --------
    >>> table = pd.DataFrame({"area": ["A"] * 4, "score": [30.0, 40.0, 50.0, 60.0]})
    >>> result = mean(table, "score", group_by=["area"])
    >>> result[["area", "value_count", "value", "lower_ci_95", "upper_ci_95"]].round(3)
      area  value_count  value  lower_ci_95  upper_ci_95
    0    A            4   45.0       24.457       65.543
    """
    from scipy.special import stdtrit  # imported here to keep other methods quick to load

    levels = normalise_confidences(confidence)
    x = numbers(data, values)
    groups = group_rows(data, group_by)
    count = groups.size()
    total = groups.sum(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        average = total / count
    deviation = x - average[groups.codes]
    with np.errstate(divide="ignore", invalid="ignore"):
        stdev = np.sqrt(groups.sum(deviation * deviation) / (count - 1))
        stdev[count < 2] = np.nan
        error = stdev / np.sqrt(count)
    results: dict[str, object] = {
        "value_sum": total,
        "value_count": count.astype(np.int64),
        "stdev": stdev,
        "value": average,
    }
    for level in levels:
        lower_name, upper_name = limit_columns(level)
        with np.errstate(invalid="ignore"):
            # stdtrit is Student's t quantile (as scipy.stats.t.ppf computes it)
            t = np.asarray(stdtrit(count - 1, 1 - (1 - level) / 2), dtype=np.float64)
        results[lower_name] = average - t * error
        results[upper_name] = average + t * error
    results["statistic"] = constant_labels("mean", groups.count)
    results["confidence"] = constant_labels(confidence_text(levels), groups.count)
    results["method"] = constant_labels(METHOD, groups.count)
    return attach(groups.keys, results)
