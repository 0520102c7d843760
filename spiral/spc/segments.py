"""Segments of a control chart: where limits are recalculated, and which points set them.

A *change point* starts a new segment whose centre line and limits are calculated afresh
(*Making Data Count* calls this rebasing, done after a deliberate change to the process).
Within each segment the limits come from a *baseline*: its first ``baseline`` points, or
all of its points when no baseline is given.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from spiral.exceptions import InputError

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def segment_ids(
    n: int,
    change_points: Sequence[Hashable] = (),
    periods: Sequence[Hashable] | None = None,
) -> IntArray:
    """Number each point by its segment, starting a new segment at every change point.

    Parameters
    ----------
    n : int
        Number of points.
    change_points : sequence
        Where new segments start: period labels when ``periods`` is given, otherwise
        zero-based positions.
    periods : sequence, optional
        The label of each point.

    Raises
    ------
    ValueError
        When a change point is not one of the periods, or a position is out of range.

    Examples
    --------
    >>> segment_ids(6, [3]).tolist()
    [0, 0, 0, 1, 1, 1]
    >>> segment_ids(4, ["2021"], periods=["2019", "2020", "2021", "2022"]).tolist()
    [0, 0, 1, 1]
    """
    starts = np.zeros(n, dtype=np.int64)
    labels = list(periods) if periods is not None else None
    for point in change_points:
        if labels is not None:
            if point not in labels:
                raise InputError(f"change point {point!r} is not one of the periods")
            position = labels.index(point)
        else:
            if not isinstance(point, int | np.integer) or isinstance(point, bool):
                raise InputError(f"change point {point!r} must be a position (an integer)")
            position = int(point)
            if not 0 <= position < n:
                raise InputError(f"change point {position} is outside the series (0 to {n - 1})")
        if position > 0:
            starts[position] = 1
    return np.cumsum(starts).astype(np.int64)


def position_in_segment(segment: IntArray) -> IntArray:
    """Zero-based position of each point inside its segment.

    Examples
    --------
    >>> import numpy as np
    >>> position_in_segment(np.array([0, 0, 0, 1, 1])).tolist()
    [0, 1, 2, 0, 1]
    """
    n = segment.size
    index = np.arange(n, dtype=np.int64)
    if n == 0:
        return index
    first = np.ones(n, dtype=bool)
    first[1:] = segment[1:] != segment[:-1]
    start_of_run = np.maximum.accumulate(np.where(first, index, 0))
    return index - start_of_run


def baseline_mask(segment: IntArray, baseline: int | None) -> BoolArray:
    """Which points set their segment's limits: the first ``baseline`` of each, or all.

    Examples
    --------
    >>> import numpy as np
    >>> baseline_mask(np.array([0, 0, 0, 1, 1, 1]), 2).astype(int).tolist()
    [1, 1, 0, 1, 1, 0]
    """
    if baseline is None:
        return np.ones(segment.size, dtype=bool)
    return position_in_segment(segment) < int(baseline)


def segment_mean(
    values: npt.NDArray[np.float64], segment: IntArray, mask: BoolArray
) -> npt.NDArray[np.float64]:
    """Mean of the masked values of each segment, repeated for every point of the segment.

    Examples
    --------
    >>> import numpy as np
    >>> segment_mean(np.array([1.0, 3, 10, 20]), np.array([0, 0, 1, 1]),
    ...              np.array([True, True, True, False])).tolist()
    [2.0, 2.0, 10.0, 10.0]
    """
    weights = np.where(mask, values, 0.0)
    totals = np.bincount(segment, weights=weights)
    counts = np.bincount(segment, weights=mask.astype(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = totals / counts
    return np.asarray(means[segment], dtype=np.float64)


def as_labels(periods: Sequence[Hashable] | None, n: int) -> list[Hashable]:
    """Period labels, or positions 1 to ``n`` when none are given.

    Examples
    --------
    >>> as_labels(None, 3)
    [1, 2, 3]
    """
    if periods is None:
        return list(range(1, n + 1))
    labels = list(periods)
    if len(labels) != n:
        raise InputError(f"periods has {len(labels)} labels but there are {n} values")
    if pd.Index(labels).has_duplicates:
        raise InputError("periods must not repeat")
    return labels
