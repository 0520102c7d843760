"""XmR charts: individual values and their moving ranges.

For the points of a segment's baseline, with mean :math:`\\bar{x}` and mean moving range
:math:`\\overline{mR}` (the mean of :math:`|x_i - x_{i-1}|` over consecutive baseline
points), the process limits are :math:`\\bar{x} \\pm 2.66\\,\\overline{mR}` and the moving
range's upper limit is :math:`3.267\\,\\overline{mR}` (Wheeler's constants:
:math:`2.66 = 3/d_2` with :math:`d_2 = 1.128`, and :math:`3.267 = D_4` for ranges of two).
The two-sigma lines sit at :math:`\\bar{x} \\pm \\tfrac{2}{3} \\times 2.66\\,\\overline{mR}`.

References: D. J. Wheeler, *Understanding Variation* (1993); NHS England and NHS
Improvement, *Making Data Count* (2019).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from spiral.exceptions import InputError
from spiral.spc.rules import RunRules
from spiral.spc.segments import as_labels, baseline_mask, segment_ids, segment_mean
from spiral.spc.table import point_table

LIMIT_FACTOR = 2.66
"""Process limits lie this many mean moving ranges from the mean."""

MR_LIMIT_FACTOR = 3.267
"""The moving range's upper limit is this many mean moving ranges."""


def _as_values(
    values: Sequence[float] | npt.ArrayLike, name: str = "values"
) -> npt.NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise InputError(f"{name} must be one-dimensional")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise InputError(f"{name} at position {int(bad[0])} is missing or not finite")
    return array


def xmr_chart(
    values: Sequence[float] | npt.ArrayLike,
    *,
    periods: Sequence[Hashable] | None = None,
    baseline: int | None = None,
    change_points: Sequence[Hashable] = (),
    polarity: str = "neutral",
    rules: RunRules | None = None,
    screen_outliers: bool = False,
) -> pd.DataFrame:
    """An XmR (individuals and moving range) chart with the *Making Data Count* run rules.

    Parameters
    ----------
    values : array-like of float
        The series in time order; every value must be present.
    periods : sequence, optional
        A label per value (dates, months, "2023/24"...); positions 1..n when omitted.
    baseline : int, optional
        Number of points at the start of each segment that set its limits (at least 2);
        all the segment's points when omitted.
    change_points : sequence, optional
        Periods (or positions, without ``periods``) where the process changed: limits
        are recalculated from there on, and no rule runs across the change.
    polarity : str
        ``"higher_is_better"``, ``"lower_is_better"`` or ``"neutral"``: decides whether a
        special cause is an improvement or a concern.
    rules : RunRules, optional
        Shift and trend lengths (7 and 6 by default).
    screen_outliers : bool
        Leave moving ranges above :math:`3.267\\,\\overline{mR}` out of the mean moving
        range and recompute it once (as the NHS-R "plot the dots" package can); off by
        default.

    Returns
    -------
    pandas.DataFrame
        One row per point: ``period``, ``value``, ``moving_range``, ``segment``,
        ``baseline``, ``centre``, ``lower``, ``upper``, ``lower_2sigma``,
        ``upper_2sigma``, ``mr_centre``, ``mr_upper``, ``mr_above_limit``, one Boolean
        column per rule (``outside_limits``, ``shift``, ``trend``, ``two_of_three``),
        ``special_cause``, ``direction`` (categorical: ``"high"``, ``"low"`` or ``""``),
        ``variation`` (``"common_cause"``, ``"improvement"``, ``"concern"`` or
        ``"neither"``) and ``signals`` (a tuple of the rules the point breaks).

    Raises
    ------
    ValueError
        When a value is missing, the baseline is shorter than two points, or a segment
        has fewer than two points.

    Examples
    --------
    Four values with mean 11 and mean moving range 2 give limits 11 ± 5.32:

    >>> chart = xmr_chart([10, 12, 10, 12])
    >>> float(chart["centre"].iloc[0]), float(chart["mr_centre"].iloc[0])
    (11.0, 2.0)
    >>> round(float(chart["upper"].iloc[0]), 2), round(float(chart["lower"].iloc[0]), 2)
    (16.32, 5.68)
    >>> chart["special_cause"].any()
    np.False_
    """
    y = _as_values(values)
    n = y.size
    labels = as_labels(periods, n)
    if baseline is not None and int(baseline) < 2:
        raise InputError(f"baseline must be 2 or more points, not {baseline!r}")
    segment = segment_ids(n, change_points, labels if periods is not None else None)
    counts = np.bincount(segment, minlength=1) if n else np.zeros(1, dtype=np.int64)
    if n and counts.min() < 2:
        short = int(np.argmin(counts))
        raise InputError(f"segment {short} has fewer than two points: an XmR chart needs two")
    in_baseline = baseline_mask(segment, baseline)

    moving_range = np.full(n, np.nan)
    if n > 1:
        same = segment[1:] == segment[:-1]
        moving_range[1:] = np.where(same, np.abs(np.diff(y)), np.nan)
    # a moving range counts towards the mean when both of its points are in the baseline
    mr_in_baseline = np.isfinite(moving_range) & in_baseline
    mr_values = np.nan_to_num(moving_range)
    mr_centre = segment_mean(mr_values, segment, mr_in_baseline)
    if screen_outliers:
        kept = mr_in_baseline & (mr_values < MR_LIMIT_FACTOR * mr_centre)
        mr_centre = segment_mean(mr_values, segment, kept)
    centre = segment_mean(y, segment, in_baseline)
    sigma = LIMIT_FACTOR * mr_centre / 3
    mr_upper = MR_LIMIT_FACTOR * mr_centre
    return point_table(
        labels=labels,
        values=y,
        segment=segment,
        baseline=in_baseline,
        centre=centre,
        sigma=sigma,
        lower_bound=None,
        upper_bound=None,
        polarity=polarity,
        rules=rules,
        extra={"moving_range": moving_range},
        after_limits={
            "mr_centre": mr_centre,
            "mr_upper": mr_upper,
            "mr_above_limit": np.nan_to_num(moving_range) > mr_upper,
        },
    )
