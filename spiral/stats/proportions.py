"""Proportions with Wilson score confidence intervals, as ``phe_proportion``.

For ``O`` cases out of ``n`` and the normal multiplier ``z`` of the confidence level, the
Wilson score limits are ``(2O + z^2 -/+ z sqrt(z^2 + 4O(1 - O/n))) / (2(n + z^2))``, times the
multiplier (1 for a proportion, 100 for a percentage). Rows with a missing numerator or
denominator give missing results; a negative numerator, a denominator that is not above
zero, or a numerator above its denominator is an error, as in the official method. At
``O = 0`` the lower limit is set to exactly 0 and at ``O = n`` the upper limit to exactly
the multiplier, their values in exact arithmetic, so that rounding cannot put them outside
the range.

Reference: PHEindicatormethods (R, v2.1.0) ``phe_proportion`` and ``wilson_lower/upper``;
Wilson EB, *Probable inference, the law of succession, and statistical inference*, JASA
1927;22:209-212; Fingertips technical guidance, "Proportions".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from spiral.stats.confidence import normalise_confidences, z_value
from spiral.stats.tables import (
    BLOCK,
    FloatArray,
    attach,
    blocks,
    confidence_text,
    constant_labels,
    group_rows,
    limit_columns,
    multiplier_text,
    numbers,
    reject,
)


def wilson_limits(
    numerators: FloatArray, denominators: FloatArray, level: float
) -> tuple[FloatArray, FloatArray]:
    """Wilson score limits of proportions (as fractions, without a multiplier).

    Parameters
    ----------
    numerators, denominators : numpy.ndarray
        Cases and sample sizes; NaN gives NaN.
    level : float
        Confidence level, ``95`` or ``0.95``.

    Examples
    --------
    Reference ``wilson_lower/upper(65, 100, 0.95)``: 0.5525444329688797, 0.7363575175690247.

    >>> lower, upper = wilson_limits(np.array([65.0]), np.array([100.0]), 95)
    >>> round(float(lower[0]), 12), round(float(upper[0]), 12)
    (0.552544432969, 0.736357517569)
    """
    (limits,) = _wilson(numerators, denominators, [level], 1.0)
    return limits


def _wilson(
    numerators: FloatArray, denominators: FloatArray, levels: Sequence[float], multiplier: float
) -> list[tuple[FloatArray, FloatArray]]:
    # worked in blocks of rows so that the intermediate arrays stay small and in cache
    multipliers = [z_value(level) for level in levels]
    size = len(numerators)
    limits = [(np.empty(size), np.empty(size)) for _ in levels]
    spread, twice, half_width, scale = (np.empty(min(size, BLOCK)) for _ in range(4))
    for rows in blocks(size):
        x = numerators[rows]
        n = denominators[rows]
        width = len(x)
        # 4 O (1 - O/n) and 2 O
        np.divide(x, n, out=spread[:width])
        np.subtract(1.0, spread[:width], out=spread[:width])
        spread[:width] *= x
        spread[:width] *= 4.0
        np.multiply(x, 2.0, out=twice[:width])
        # at O = 0 and O = n the limits are exactly 0 and 1; rounding alone could move them
        none = x == 0
        every = x == n
        for z, (lower_all, upper_all) in zip(multipliers, limits, strict=True):
            z2 = z * z
            lower = lower_all[rows]
            upper = upper_all[rows]
            # z sqrt(z^2 + 4 O (1 - O/n)) and multiplier / (2 (n + z^2))
            np.add(spread[:width], z2, out=half_width[:width])
            np.sqrt(half_width[:width], out=half_width[:width])
            half_width[:width] *= z
            np.add(n, z2, out=scale[:width])
            np.divide(multiplier / 2.0, scale[:width], out=scale[:width])
            np.subtract(twice[:width], half_width[:width], out=lower)
            lower += z2
            lower *= scale[:width]
            np.add(twice[:width], half_width[:width], out=upper)
            upper += z2
            upper *= scale[:width]
            lower[none] = 0.0
            upper[every] = multiplier
    return limits


def proportion(
    data: pd.DataFrame,
    numerator: str,
    denominator: str,
    *,
    multiplier: float = 1,
    confidence: float | Iterable[float] = 0.95,
    group_by: Sequence[str] = (),
) -> pd.DataFrame:
    """Proportions with Wilson score confidence intervals, for every row or group.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per area (or per group member).
    numerator, denominator : str
        Columns holding the cases and the sample sizes.
    multiplier : float, default 1
        1 for a proportion, 100 for a percentage.
    confidence : float or iterable of float, default 0.95
        One level or several, written ``95`` or ``0.95`` (e.g. ``[95, 99.8]``).
    group_by : sequence of str, optional
        When given, numerators and denominators are summed within each group (a missing
        value makes the group's sums missing, as R's ``sum``) and one row per group is
        returned: the group columns, the summed columns and the results.

    Returns
    -------
    pandas.DataFrame
        The input columns (or group columns and sums) followed by ``value``,
        ``lower_ci_<level>`` and ``upper_ci_<level>`` per level, ``statistic``
        (``proportion of 1`` or ``percentage``), ``confidence`` and ``method`` (``Wilson``).

    Raises
    ------
    spiral.stats.tables.StatisticsInputError
        For text in a number column, a negative numerator, a denominator that is not above
        zero, or a numerator above its denominator, naming the first such row.

    References
    ----------
    PHEindicatormethods (R) v2.1.0, ``phe_proportion``; Wilson (1927).

    Examples
    --------
    >>> table = pd.DataFrame({"area": ["A", "B"], "cases": [65, 1], "people": [100, 100]})
    >>> result = proportion(table, "cases", "people", multiplier=100)
    >>> result[["area", "value", "lower_ci_95", "upper_ci_95"]].round(4)
      area  value  lower_ci_95  upper_ci_95
    0    A   65.0      55.2544      73.6358
    1    B    1.0       0.1767       5.4486
    >>> result["method"].iloc[0], result["statistic"].iloc[0]
    ('Wilson', 'percentage')
    """
    levels = normalise_confidences(confidence)
    x = numbers(data, numerator)
    n = numbers(data, denominator)
    reject(x < 0, numerator, "numerators must be greater than or equal to zero")
    reject(n <= 0, denominator, "denominators must be greater than zero")
    reject(x > n, numerator, "numerators must be less than or equal to the denominator")
    table = data
    if group_by:
        groups = group_rows(data, group_by)
        x, n = groups.sum(x), groups.sum(n)
        table = groups.keys.assign(**{numerator: x, denominator: n})
    results: dict[str, object] = {"value": x / n * multiplier}
    for level, (lower, upper) in zip(levels, _wilson(x, n, levels, multiplier), strict=True):
        lower_name, upper_name = limit_columns(level)
        results[lower_name] = lower
        results[upper_name] = upper
    statistic = (
        "percentage" if multiplier == 100 else f"proportion of {multiplier_text(multiplier)}"
    )
    results["statistic"] = constant_labels(statistic, len(x))
    results["confidence"] = constant_labels(confidence_text(levels), len(x))
    results["method"] = constant_labels("Wilson", len(x))
    return attach(table, results)
