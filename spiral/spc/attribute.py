"""Attribute charts: p charts for proportions and u charts for rates.

With numerators :math:`x_i` and denominators :math:`n_i`, a segment's centre line is the
pooled value of its baseline points, :math:`\\bar{p} = \\sum x_i / \\sum n_i` (or
:math:`\\bar{u}`), and each point has its own limits because its denominator sets its
precision:

- p chart: :math:`\\bar{p} \\pm 3\\sqrt{\\bar{p}(1-\\bar{p})/n_i}`, kept within 0 and 1;
- u chart: :math:`\\bar{u} \\pm 3\\sqrt{\\bar{u}/n_i}`, kept at or above 0.

Values, centre and limits are reported times ``multiplier`` (100 for a percentage, 1000
for a rate per 1,000). The same four run rules apply, with the two-sigma lines at each
point's own two sigma.

References: D. C. Montgomery, *Introduction to Statistical Quality Control* (p and u
charts); NHS England and NHS Improvement, *Making Data Count* (2019) for the rules.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from spiral.exceptions import InputError
from spiral.spc.rules import RunRules
from spiral.spc.segments import as_labels, baseline_mask, segment_ids
from spiral.spc.table import point_table

FloatArray = npt.NDArray[np.float64]


def _counts(
    numerators: Sequence[float] | npt.ArrayLike,
    denominators: Sequence[float] | npt.ArrayLike,
    *,
    proportion: bool,
) -> tuple[FloatArray, FloatArray]:
    x = np.asarray(numerators, dtype=np.float64)
    n = np.asarray(denominators, dtype=np.float64)
    if x.ndim != 1 or n.ndim != 1 or x.size != n.size:
        raise InputError("numerators and denominators must be two lists of the same length")
    checks = [
        (~np.isfinite(x), "numerator is missing or not finite"),
        (~np.isfinite(n), "denominator is missing or not finite"),
        (x < 0, "numerator is negative"),
        (n <= 0, "denominator is not positive"),
    ]
    if proportion:
        checks.append((x > n, "numerator is larger than its denominator"))
    for bad, message in checks:
        where = np.flatnonzero(bad)
        if where.size:
            raise InputError(f"point at position {int(where[0])}: {message}")
    return x, n


def _pooled(
    x: FloatArray, n: FloatArray, segment: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_]
) -> FloatArray:
    top = np.bincount(segment, weights=np.where(mask, x, 0.0))
    bottom = np.bincount(segment, weights=np.where(mask, n, 0.0))
    return np.asarray((top / bottom)[segment], dtype=np.float64)


def _attribute_chart(
    numerators: Sequence[float] | npt.ArrayLike,
    denominators: Sequence[float] | npt.ArrayLike,
    *,
    proportion: bool,
    periods: Sequence[Hashable] | None,
    baseline: int | None,
    change_points: Sequence[Hashable],
    polarity: str,
    rules: RunRules | None,
    multiplier: float,
) -> pd.DataFrame:
    x, n = _counts(numerators, denominators, proportion=proportion)
    labels = as_labels(periods, x.size)
    if baseline is not None and int(baseline) < 1:
        raise InputError(f"baseline must be 1 or more points, not {baseline!r}")
    if not multiplier > 0:
        raise InputError(f"multiplier must be positive, not {multiplier!r}")
    segment = segment_ids(x.size, change_points, labels if periods is not None else None)
    in_baseline = baseline_mask(segment, baseline)
    centre = _pooled(x, n, segment, in_baseline)
    variance = centre * (1 - centre) / n if proportion else centre / n
    sigma = np.sqrt(variance)
    return point_table(
        labels=labels,
        values=multiplier * x / n,
        segment=segment,
        baseline=in_baseline,
        centre=multiplier * centre,
        sigma=multiplier * sigma,
        lower_bound=0.0,
        upper_bound=multiplier if proportion else None,
        polarity=polarity,
        rules=rules,
        extra={"numerator": x, "denominator": n},
    )


def p_chart(
    numerators: Sequence[float] | npt.ArrayLike,
    denominators: Sequence[float] | npt.ArrayLike,
    *,
    periods: Sequence[Hashable] | None = None,
    baseline: int | None = None,
    change_points: Sequence[Hashable] = (),
    polarity: str = "neutral",
    rules: RunRules | None = None,
    multiplier: float = 1.0,
) -> pd.DataFrame:
    """A p chart: proportions with limits that vary by denominator, and the run rules.

    Parameters
    ----------
    numerators, denominators : array-like
        Events and the number at risk for each period (``0 <= x <= n``, ``n > 0``).
    periods, baseline, change_points, polarity, rules
        As for :func:`spiral.spc.xmr_chart` (the baseline may be a single point here).
    multiplier : float
        Scale for reporting: 1 for a proportion, 100 for a percentage.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`spiral.spc.xmr_chart` without the moving range ones, plus
        ``numerator`` and ``denominator``.

    Examples
    --------
    Pooled proportion 60/400 = 0.15; a period of 100 has limits
    0.15 ± 3√(0.15 × 0.85 / 100):

    >>> chart = p_chart([10, 20, 30], [100, 100, 200])
    >>> float(chart["centre"].iloc[0])
    0.15
    >>> round(float(chart["upper"].iloc[0]), 6), round(float(chart["upper"].iloc[2]), 6)
    (0.257121, 0.225746)
    """
    return _attribute_chart(
        numerators,
        denominators,
        proportion=True,
        periods=periods,
        baseline=baseline,
        change_points=change_points,
        polarity=polarity,
        rules=rules,
        multiplier=multiplier,
    )


def u_chart(
    counts: Sequence[float] | npt.ArrayLike,
    exposures: Sequence[float] | npt.ArrayLike,
    *,
    periods: Sequence[Hashable] | None = None,
    baseline: int | None = None,
    change_points: Sequence[Hashable] = (),
    polarity: str = "neutral",
    rules: RunRules | None = None,
    multiplier: float = 1.0,
) -> pd.DataFrame:
    """A u chart: rates (events per unit of exposure) with limits that vary by exposure.

    Parameters
    ----------
    counts, exposures : array-like
        Events and exposure (people, bed days, visits...) for each period.
    periods, baseline, change_points, polarity, rules
        As for :func:`spiral.spc.xmr_chart`.
    multiplier : float
        Scale for reporting: 1000 for a rate per 1,000, for example.

    Examples
    --------
    Pooled rate 20/8 = 2.5; exposure 2 gives 2.5 ± 3√(2.5 / 2), the lower limit held at 0:

    >>> chart = u_chart([4, 6, 10], [2, 2, 4])
    >>> round(float(chart["upper"].iloc[0]), 6), float(chart["lower"].iloc[0])
    (5.854102, 0.0)
    """
    return _attribute_chart(
        counts,
        exposures,
        proportion=False,
        periods=periods,
        baseline=baseline,
        change_points=change_points,
        polarity=polarity,
        rules=rules,
        multiplier=multiplier,
    )
