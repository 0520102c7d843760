"""Sample quantiles (Hyndman and Fan's type 8) and the Tukey fences of the outlier red flags.

Cardinal computes its quartiles and percentiles with the ``statrs`` crate, whose order
statistics follow Hyndman and Fan's definition 8 (median-unbiased whatever the distribution,
also R's ``quantile(x, type = 8)``). For a sorted sample :math:`x_1 \\le \\dots \\le x_n` and a
probability :math:`p`, let :math:`h = (n + 1/3) p + 1/3` and :math:`j = \\lfloor h \\rfloor`:

- if :math:`j < 1` (or :math:`p = 0`) the quantile is :math:`x_1`;
- if :math:`j \\ge n` (or :math:`p = 1`) it is :math:`x_n`;
- otherwise it is :math:`x_j + (h - j)(x_{j+1} - x_j)`.

An empty sample has no quantile (``nan``), so nothing is flagged against it.

Reference: R. J. Hyndman and Y. Fan, "Sample quantiles in statistical packages", *The American
Statistician* 50(4), 1996, 361-365.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

__all__ = ["lower_fence", "quantile_type8", "quartiles", "upper_fence"]


def quantile_type8(values: Iterable[float], probability: float) -> float:
    """Return the Hyndman-Fan type 8 sample quantile.

    Parameters
    ----------
    values : iterable of float
        The sample, in any order.
    probability : float
        Between 0 and 1 inclusive.

    Returns
    -------
    float
        The quantile; ``nan`` when the sample is empty or the probability is outside [0, 1].

    Examples
    --------
    R's ``quantile(c(1, 1, 1, 1, 2), 0.75, type = 8)`` is 1.333333:

    >>> round(quantile_type8([1, 1, 1, 1, 2], 0.75), 6)
    1.333333
    >>> quantile_type8([3.0], 0.25)
    3.0
    >>> quantile_type8([], 0.5)
    nan
    """
    data = np.sort(np.fromiter(values, dtype=np.float64))
    size = data.size
    if size == 0 or not 0.0 <= probability <= 1.0:
        return math.nan
    h = (size + 1.0 / 3.0) * probability + 1.0 / 3.0
    j = math.floor(h)
    if j <= 0 or probability == 0.0:
        return float(data[0])
    if j >= size or probability == 1.0:
        return float(data[-1])
    low = float(data[j - 1])
    high = float(data[j])
    return low + (h - j) * (high - low)


def quartiles(values: Iterable[float]) -> tuple[float, float]:
    """Return the first and third quartiles (type 8).

    Examples
    --------
    >>> q1, q3 = quartiles([0, 0, 100, 100, 100, 100, 100, 100, 100])
    >>> round(q1, 4), q3
    (66.6667, 100.0)
    """
    sample = list(values)
    return quantile_type8(sample, 0.25), quantile_type8(sample, 0.75)


def lower_fence(q1: float, q3: float) -> float:
    """Tukey's lower fence, :math:`Q_1 - 1.5 (Q_3 - Q_1)`.

    Examples
    --------
    >>> round(lower_fence(200 / 3, 100.0), 4)
    16.6667
    """
    return q1 - 1.5 * (q3 - q1)


def upper_fence(q1: float, q3: float) -> float:
    """Tukey's upper fence, :math:`Q_3 + 1.5 (Q_3 - Q_1)`.

    Examples
    --------
    >>> upper_fence(0.0, 0.5)
    1.25
    """
    return q3 + 1.5 * (q3 - q1)
