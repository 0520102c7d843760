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
import numpy.typing as npt

from spiral.stats.confidence import normalise_confidence, z_value
from spiral.stats.tables import BLOCK, FloatArray, blocks

EXACT_BELOW = 10
"""Counts below this use exact limits; the method is then labelled ``Exact``."""


def byars_lower(counts: FloatArray, level: float) -> FloatArray:
    """Byar's lower confidence limit of Poisson counts (NaN where it would be negative).

    Examples
    --------
    Reference ``byars_lower(65, 0.95)`` in PHEindicatormethods is 50.163187710459454:

    >>> round(float(byars_lower(np.array([65.0]), 95)[0]), 10)
    50.1631877105
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

    >>> round(float(byars_upper(np.array([65.0]), 95)[0]), 10)
    82.8491385459
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
    # half the chi-square quantile on 2k degrees of freedom is the inverse regularised
    # incomplete gamma function of k (scipy.stats.chi2.ppf computes it so), imported
    # from scipy.special to keep the command line quick to start
    from scipy.special import gammaincinv  # imported here: only small counts need it

    with np.errstate(invalid="ignore"):
        lower = np.asarray(gammaincinv(counts, alpha / 2), dtype=np.float64)
        upper = np.asarray(gammaincinv(counts + 1, 1 - alpha / 2), dtype=np.float64)
    lower = np.where(counts == 0, 0.0, lower)
    return lower, upper


@lru_cache(maxsize=32)
def _exact_table(level: float) -> tuple[FloatArray, FloatArray, float]:
    lower, upper = exact_limits(np.arange(EXACT_BELOW, dtype=np.float64), level)
    return lower, upper, level


def count_limits(
    counts: FloatArray, levels: Sequence[float], scale: FloatArray | None = None
) -> tuple[list[tuple[FloatArray, FloatArray]], npt.NDArray[np.bool_]]:
    """Limits of counts at several levels: exact below 10, Byar's otherwise.

    The table is worked through in blocks of rows, so that the intermediate arrays stay
    small (in cache, and without fresh memory for each step); terms shared by the levels
    are computed once per block. Missing counts give missing limits.

    Parameters
    ----------
    counts : numpy.ndarray
        Observed counts (not negative).
    levels : sequence of float
        Confidence levels, e.g. ``[0.95, 0.998]``.
    scale : numpy.ndarray, optional
        Factor per row applied to the limits (e.g. multiplier / population for a rate).

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
    fractions = [normalise_confidence(level) for level in levels]
    thirds = [z_value(fraction) / 3.0 for fraction in fractions]
    tables = [_exact_table(fraction) for fraction in fractions]
    size = len(counts)
    limits = [(np.empty(size), np.empty(size)) for _ in fractions]
    exact = counts < EXACT_BELOW
    buffers = [np.empty(min(size, BLOCK)) for _ in range(5)]
    with np.errstate(divide="ignore", invalid="ignore"):
        for rows in blocks(size):
            x = counts[rows]
            width = len(x)
            root, following, root_following, lower_shift, upper_shift = (
                buffer[:width] for buffer in buffers
            )
            np.sqrt(x, out=root)
            np.add(x, 1.0, out=following)
            np.sqrt(following, out=root_following)
            # 1 - 1/(9x) and 1 - 1/(9(x+1))
            np.multiply(x, 9.0, out=lower_shift)
            np.divide(-1.0, lower_shift, out=lower_shift)
            lower_shift += 1.0
            np.multiply(following, 9.0, out=upper_shift)
            np.divide(-1.0, upper_shift, out=upper_shift)
            upper_shift += 1.0
            small = np.flatnonzero(exact[rows])
            for third, (lower_all, upper_all), table in zip(thirds, limits, tables, strict=True):
                lower = lower_all[rows]
                upper = upper_all[rows]
                # Byar: x (1 - 1/(9x) - z/(3 sqrt x))^3, (x+1) (1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3
                np.divide(third, root, out=lower)
                np.subtract(lower_shift, lower, out=lower)
                np.power(lower, 3, out=lower)
                lower *= x
                lower[lower < 0] = np.nan
                np.divide(third, root_following, out=upper)
                upper += upper_shift
                np.power(upper, 3, out=upper)
                upper *= following
                if small.size:
                    _fill_exact(x[small], lower, upper, small, table)
                if scale is not None:
                    lower *= scale[rows]
                    upper *= scale[rows]
    return limits, exact


def _fill_exact(
    x: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    where: npt.NDArray[np.intp],
    table: tuple[FloatArray, FloatArray, float],
) -> None:
    """Put exact limits at positions ``where``: looked up for whole counts, else computed."""
    table_lower, table_upper, fraction = table
    whole = x == np.floor(x)
    index = x[whole].astype(np.intp)
    lower[where[whole]] = table_lower[index]
    upper[where[whole]] = table_upper[index]
    if not whole.all():
        part_lower, part_upper = exact_limits(x[~whole], fraction)
        lower[where[~whole]] = part_lower
        upper[where[~whole]] = part_upper
