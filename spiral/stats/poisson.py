"""Confidence limits for a Poisson count: Byar's approximation and exact chi-square limits.

Byar's method (Breslow & Day 1987) approximates the limits of an observed count ``O``:

* lower ``O (1 - 1/(9O) - z/(3 sqrt O))^3`` (not reported when negative),
* upper ``(O+1) (1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3``.

For small counts (``O < 10``) the official methods use exact limits from the chi-square
distribution instead (Armitage & Berry 2002): half the ``alpha/2`` quantile with ``2O``
degrees of freedom, and half the ``1 - alpha/2`` quantile with ``2O + 2``; the method is then
labelled ``Exact``. The exact limits of whole counts 0 to 9 are computed once per level and
looked up, so a table of millions of rows never calls scipy row by row.

Reference: PHEindicatormethods (R, v2.1.0) ``byars_lower``, ``byars_upper`` and ``phe_rate``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy.stats import chi2

from spiral.stats.confidence import normalise_confidence, z_value
from spiral.stats.tables import FloatArray

EXACT_BELOW = 10
"""Counts below this use exact limits; the method is then labelled ``Exact``."""


def byars_lower(counts: FloatArray, level: float) -> FloatArray:
    """Byar's lower confidence limit of Poisson counts (NaN where it would be negative).

    Examples
    --------
    Reference ``byars_lower(65, 0.95)`` in PHEindicatormethods is 50.163187710459454
    (the two agree to 15 significant digits):

    >>> float(byars_lower(np.array([65.0]), 95)[0])
    50.16318771045944
    """
    z = z_value(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        base = 1.0 - 1.0 / (9.0 * counts) - z / (3.0 * np.sqrt(counts))
        lower = counts * base * base * base
    lower[lower < 0] = np.nan
    return lower


def byars_upper(counts: FloatArray, level: float) -> FloatArray:
    """Byar's upper confidence limit of Poisson counts.

    Examples
    --------
    Reference ``byars_upper(65, 0.95)`` in PHEindicatormethods is 82.84913854593984:

    >>> float(byars_upper(np.array([65.0]), 95)[0])
    82.84913854593984
    """
    z = z_value(level)
    following = counts + 1.0
    base = 1.0 - 1.0 / (9.0 * following) + z / (3.0 * np.sqrt(following))
    upper: FloatArray = following * base * base * base
    return upper


def exact_limits(counts: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Exact Poisson limits from chi-square quantiles (lower is 0 for a zero count).

    Examples
    --------
    >>> lower, upper = exact_limits(np.array([0.0, 1.0]), 95)
    >>> lower.round(6).tolist(), upper.round(6).tolist()
    ([0.0, 0.025318], [3.688879, 5.571643])
    """
    alpha = 1.0 - normalise_confidence(level)
    with np.errstate(invalid="ignore"):
        lower = np.asarray(chi2.ppf(alpha / 2, 2 * counts) / 2, dtype=np.float64)
        upper = np.asarray(chi2.ppf(1 - alpha / 2, 2 * counts + 2) / 2, dtype=np.float64)
    lower = np.where(counts == 0, 0.0, lower)
    return lower, upper


@lru_cache(maxsize=32)
def _exact_table(level: float) -> tuple[FloatArray, FloatArray]:
    return exact_limits(np.arange(EXACT_BELOW, dtype=np.float64), level)


def count_limits(
    counts: FloatArray, levels: Sequence[float]
) -> tuple[list[tuple[FloatArray, FloatArray]], np.ndarray]:
    """Limits of counts at several levels: exact below 10, Byar's otherwise.

    Terms shared by the levels are computed once. Missing counts give missing limits.

    Returns
    -------
    limits : list of (lower, upper)
        One pair of arrays per level, in the order given.
    exact : numpy.ndarray of bool
        True where the exact method was used.

    Examples
    --------
    >>> limits, exact = count_limits(np.array([1.0, 65.0]), [0.95])
    >>> limits[0][0].round(6).tolist(), exact.tolist()
    ([0.025318, 50.163188], [True, False])
    """
    exact = counts < EXACT_BELOW
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.sqrt(counts)
        following = counts + 1.0
        root_following = np.sqrt(following)
        lower_shift = 1.0 - 1.0 / (9.0 * counts)
        upper_shift = 1.0 - 1.0 / (9.0 * following)
        limits: list[tuple[FloatArray, FloatArray]] = []
        small = np.flatnonzero(exact)
        small_counts = counts[small]
        whole = (small_counts == np.floor(small_counts)) & (small_counts >= 0)
        for level in levels:
            fraction = normalise_confidence(level)
            z = z_value(fraction)
            base = lower_shift - z / (3.0 * root)
            lower = counts * base * base * base
            lower[lower < 0] = np.nan
            base = upper_shift + z / (3.0 * root_following)
            upper = following * base * base * base
            if small.size:
                table_lower, table_upper = _exact_table(fraction)
                index = small_counts[whole].astype(np.intp)
                lower[small[whole]] = table_lower[index]
                upper[small[whole]] = table_upper[index]
                if not whole.all():
                    part_lower, part_upper = exact_limits(small_counts[~whole], fraction)
                    lower[small[~whole]] = part_lower
                    upper[small[~whole]] = part_upper
            limits.append((lower, upper))
    return limits, exact
