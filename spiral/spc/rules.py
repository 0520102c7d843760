"""The run rules of NHS England's *Making Data Count*, vectorised over a whole chart.

Four rules mark special-cause variation (each applies within one segment of the chart,
never across a recalculation of the limits):

1. **Outside the process limits**: a point strictly above the upper or strictly below the
   lower limit.
2. **Shift**: a run of ``shift_length`` (default 7) or more consecutive points on the same
   side of the centre line. A point exactly on the centre line ends a run.
3. **Trend**: ``trend_length`` (default 6) or more consecutive points each strictly higher
   (or each strictly lower) than the one before. An equal value ends a trend.
4. **Two out of three**: two or three of three consecutive points beyond the two-sigma
   line on the same side of the centre (near or beyond that side's limit); the points
   beyond the line are marked, the third is not.

References: NHS England and NHS Improvement, *Making Data Count* (2019) and its
"plot the dots" guidance; D. J. Wheeler, *Understanding Variation* (1993) for the XmR
constants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from spiral.exceptions import InputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class RunRules:
    """Lengths of the run rules.

    The shift length of 7 is *Making Data Count*'s; the trend length defaults to 6 (the
    NHS-R "plot the dots" package uses 7, which ``RunRules(trend_length=7)`` gives).

    Parameters
    ----------
    shift_length : int
        Points in a row on one side of the centre line that make a shift (default 7).
    trend_length : int
        Points in a row each rising (or each falling) that make a trend (default 6).

    Examples
    --------
    >>> RunRules().shift_length, RunRules().trend_length
    (7, 6)
    >>> RunRules(shift_length=8).shift_length
    8
    """

    shift_length: int = 7
    trend_length: int = 6

    def __post_init__(self) -> None:
        if int(self.shift_length) < 2:
            raise InputError(f"shift_length must be 2 or more, not {self.shift_length!r}")
        if int(self.trend_length) < 3:
            raise InputError(f"trend_length must be 3 or more, not {self.trend_length!r}")


@dataclass(frozen=True)
class Signals:
    """Which points each rule marks, and on which side (``+1`` high, ``-1`` low, ``0`` none)."""

    outside_limits: BoolArray
    shift: BoolArray
    trend: BoolArray
    two_of_three: BoolArray
    direction: IntArray


def _run_lengths(keys: IntArray) -> IntArray:
    """Length of the run of equal consecutive keys that each element belongs to."""
    n = keys.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.empty(n, dtype=bool)
    starts[0] = True
    starts[1:] = keys[1:] != keys[:-1]
    run_id = np.cumsum(starts) - 1
    lengths = np.bincount(run_id)
    return np.asarray(lengths[run_id], dtype=np.int64)


def _shift(side: IntArray, segment: IntArray, length: int) -> BoolArray:
    # a key that changes whenever the side or the segment changes; side 0 never counts
    keys = segment * 3 + (side + 1)
    runs = _run_lengths(keys.astype(np.int64))
    return np.asarray((side != 0) & (runs >= length), dtype=np.bool_)


def _trend(values: FloatArray, segment: IntArray, length: int) -> tuple[BoolArray, IntArray]:
    n = values.size
    marked = np.zeros(n, dtype=bool)
    direction = np.zeros(n, dtype=np.int64)
    if n < 2:
        return marked, direction
    step = np.sign(np.diff(values)).astype(np.int64)
    step[segment[1:] != segment[:-1]] = 0  # no trend across a recalculation
    step_segment = segment[1:]
    keys = step_segment * 3 + (step + 1)
    runs = _run_lengths(keys.astype(np.int64))
    # a run of k equal steps joins k + 1 points
    qualifying = (step != 0) & (runs + 1 >= length)
    for offset in (0, 1):  # step i joins point i and point i + 1
        take = np.zeros(n, dtype=bool)
        take[offset : n - 1 + offset] = qualifying
        marked |= take
        signs = np.zeros(n, dtype=np.int64)
        signs[offset : n - 1 + offset] = np.where(qualifying, step, 0)
        direction = np.where(direction == 0, signs, direction)
    return marked, direction


def _two_of_three(beyond: BoolArray, segment: IntArray) -> BoolArray:
    n = beyond.size
    marked = np.zeros(n, dtype=bool)
    if n < 3:
        return marked
    counts = beyond[:-2].astype(int) + beyond[1:-1] + beyond[2:]
    window = (counts >= 2) & (segment[:-2] == segment[2:])
    for offset in (0, 1, 2):  # window i covers points i, i + 1, i + 2
        covered = np.zeros(n, dtype=bool)
        covered[offset : n - 2 + offset] = window
        marked |= covered & beyond
    return marked


def detect_signals(
    values: FloatArray,
    *,
    centre: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    lower_near: FloatArray,
    upper_near: FloatArray,
    segment: IntArray,
    rules: RunRules | None = None,
) -> Signals:
    """Apply the four run rules to every point of a chart at once.

    Parameters
    ----------
    values, centre, lower, upper : numpy.ndarray
        Each point's value, centre line and process limits (limits may vary by point,
        as on a p chart).
    lower_near, upper_near : numpy.ndarray
        The two-sigma lines used by the two-out-of-three rule.
    segment : numpy.ndarray
        Integer segment of each point; limits are recalculated at each new segment and
        no rule runs across segments.
    rules : RunRules, optional
        Rule lengths; *Making Data Count* defaults when omitted.

    Returns
    -------
    Signals
        Boolean arrays per rule, and the side of the signal per point.

    Examples
    --------
    Seven points above a centre of 0 make a shift; six do not:

    >>> import numpy as np
    >>> y = np.array([-1, 1, 1, 1, 1, 1, 1, 1, -1, 1, 1, 1, 1, 1, 1.0])
    >>> c = np.zeros(15); lo = c - 10; hi = c + 10
    >>> s = detect_signals(y, centre=c, lower=lo, upper=hi, lower_near=c - 7, upper_near=c + 7,
    ...                    segment=np.zeros(15, dtype=np.int64))
    >>> s.shift.astype(int).tolist()
    [0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    """
    rules = rules or RunRules()
    side = np.sign(values - centre).astype(np.int64)
    above = values > upper
    below = values < lower
    outside = above | below
    shift = _shift(side, segment, int(rules.shift_length))
    trend, trend_direction = _trend(values, segment, int(rules.trend_length))
    high = _two_of_three(values > upper_near, segment)
    low = _two_of_three(values < lower_near, segment)
    two = high | low

    # direction of the signal: a limit, a shift or two-of-three take the point's side
    # of the centre; a trend alone takes the trend's direction
    direction = np.where(outside | shift | two, side, 0)
    direction = np.where((direction == 0) & trend, trend_direction, direction)
    return Signals(
        outside_limits=outside,
        shift=shift,
        trend=trend,
        two_of_three=two,
        direction=direction.astype(np.int64),
    )
