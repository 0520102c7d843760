"""Segmented (interrupted) time-series regression around a change of arrangement.

For periods at times :math:`t` (years from the start of the new arrangement, negative
before it) the model is

.. math:: y_t = \\beta_0 + \\beta_1 t + \\beta_2 P_t + \\beta_3 t P_t + \\varepsilon_t

with :math:`P_t = 1` from the start on. :math:`\\beta_2` is the change in level at the start
and :math:`\\beta_3` the change in slope (per year). Ordinary least squares; standard errors
from :math:`\\hat\\sigma^2 (X^\\top X)^{-1}` with :math:`\\hat\\sigma^2 = RSS/(n-4)`;
confidence intervals from Student's t with :math:`n-4` degrees of freedom.

The errors are taken as independent: no correction is made for autocorrelation, so with
few periods the intervals are a guide, not a test. Reference: A. K. Wagner et al.,
"Segmented regression analysis of interrupted time series studies in medication use
research", *Journal of Clinical Pharmacy and Therapeutics* 27 (2002) 299–309.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from spiral.exceptions import InputError


@dataclass(frozen=True)
class Estimate:
    """A coefficient with its standard error and confidence interval."""

    estimate: float
    se: float
    lower: float
    upper: float


@dataclass(frozen=True)
class SegmentedFit:
    """The fitted level and slope before the change, and their changes at it."""

    periods_before: int
    periods_after: int
    level_before: Estimate
    slope_before: Estimate
    level_change: Estimate
    slope_change: Estimate


def segmented_regression(
    times: npt.ArrayLike, values: npt.ArrayLike, *, confidence: float = 0.95
) -> SegmentedFit:
    """Fit the segmented regression to points at ``times`` (negative before the change).

    Parameters
    ----------
    times : array-like of float
        Time of each point in years from the change; points at time 0 or later are after
        it.
    values : array-like of float
        The series (for example the gap between the area and its comparators).
    confidence : float
        Level of the intervals, as a fraction.

    Raises
    ------
    ValueError
        With fewer than two points on either side, or fewer than five points in all
        (one degree of freedom is needed for the error).

    Examples
    --------
    A level of 10 rising 1 a year, then a jump of 3 and a slope 2 a year steeper:

    >>> t = [-3, -2, -1, 0, 1, 2]
    >>> y = [10 + ti + (3 + 2 * ti) * (ti >= 0) for ti in t]
    >>> fit = segmented_regression(t, y)
    >>> round(fit.level_change.estimate, 6), round(fit.slope_change.estimate, 6)
    (3.0, 2.0)
    """
    from scipy.stats import t as student

    x = np.asarray(times, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    after = (x >= 0).astype(np.float64)
    before_count, after_count = int((after == 0).sum()), int(after.sum())
    if before_count < 2 or after_count < 2 or x.size < 5:
        raise InputError(
            "a segmented regression needs two points before the change, two after, "
            f"and five in all; there are {before_count} before and {after_count} after"
        )
    design = np.column_stack([np.ones_like(x), x, after, x * after])
    coefficients, _, rank, _ = np.linalg.lstsq(design, y, rcond=None)
    if rank < 4:
        raise InputError("the periods do not allow a level and a slope on each side")
    residuals = y - design @ coefficients
    freedom = x.size - 4
    variance = float(residuals @ residuals) / freedom
    covariance = variance * np.linalg.inv(design.T @ design)
    errors = np.sqrt(np.clip(np.diag(covariance), 0, None))
    critical = float(student.ppf(1 - (1 - confidence) / 2, freedom))
    estimates = [
        Estimate(float(b), float(s), float(b - critical * s), float(b + critical * s))
        for b, s in zip(coefficients, errors, strict=True)
    ]
    return SegmentedFit(before_count, after_count, *estimates)
