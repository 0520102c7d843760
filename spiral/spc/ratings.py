"""Key performance indicator ratings in the terms of the Procurement Act 2023.

A contracting authority publishing a contract performance notice rates each key performance
indicator (KPI) as *good*, *approaching target*, *requires improvement*, *inadequate* or
*other* (Procurement Act 2023, s.71, assessing performance against the KPIs set under s.52;
the contract performance notice of the Procurement Regulations 2024). The Act does not
say how a rating follows from the figures, so Spiral states its rules and applies them the
same way to every period:

1. **other** — no value, no target, or a measure with no preferred direction (``neutral``).
2. The *shortfall* is how far the value falls short of the target, as a share of the
   target's size: ``(target - value) / |target|`` when higher is better,
   ``(value - target) / |target|`` when lower is better (a target of 0 uses the absolute
   gap). Zero or less means the target is met.
3. **good** — the target is met and the chart shows no special cause of concern.
4. **approaching target** — the target is met but a special cause of concern shows (the
   process is moving the wrong way), or the target is missed by no more than the
   ``approaching`` margin (5% by default) with no concern signal.
5. **requires improvement** — the target is missed by more than ``approaching`` but no
   more than ``inadequate`` (15% by default), or missed within ``approaching`` with a
   concern signal.
6. **inadequate** — the target is missed by more than ``inadequate``, or by more than
   ``approaching`` with a concern signal.

A concern signal moves a rating one step down, never more; a special cause of improvement
does not move it up (the target is what is promised). The commissioner may override any
rating with a reason; overrides are kept by the workspace, not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from spiral.spc.polarity import normalise_polarity

Rating = Literal["good", "approaching_target", "requires_improvement", "inadequate", "other"]

RATINGS: Final[tuple[Rating, ...]] = (
    "good",
    "approaching_target",
    "requires_improvement",
    "inadequate",
    "other",
)
RATING_LABELS: Final[dict[str, str]] = {
    "good": "Good",
    "approaching_target": "Approaching target",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
    "other": "Other",
}

DEFAULT_APPROACHING: Final = 0.05
DEFAULT_INADEQUATE: Final = 0.15

_WORDS = np.array(RATINGS, dtype=object)  # indexed by step: 0 good ... 3 inadequate, 4 other


def shortfall(
    values: Sequence[float] | npt.ArrayLike,
    targets: Sequence[float] | npt.ArrayLike | float,
    polarity: str,
) -> npt.NDArray[np.float64]:
    """How far each value falls short of its target, as a share of the target's size.

    Parameters
    ----------
    values : array-like of float
        The KPI values (NaN where none was reported).
    targets : array-like of float or float
        The target for each value, or one target for all (NaN where there is none).
    polarity : str
        ``"higher_is_better"`` or ``"lower_is_better"``; ``"neutral"`` gives NaN.

    Returns
    -------
    numpy.ndarray
        ``(target - value) / |target|`` (higher is better) or ``(value - target) / |target|``
        (lower is better); the plain gap when the target is 0; NaN without a value or target.
        Zero or less: the target is met.

    Examples
    --------
    >>> shortfall([90, 80, 100], 95, "higher_is_better").round(4).tolist()
    [0.0526, 0.1579, -0.0526]
    >>> shortfall([12], 10, "lower_is_better").tolist()
    [0.2]
    """
    x = np.asarray(values, dtype=float)
    t = np.broadcast_to(np.asarray(targets, dtype=float), x.shape)
    direction = normalise_polarity(polarity)
    if direction == "neutral":
        return np.full(x.shape, np.nan)
    gap = (t - x) if direction == "higher_is_better" else (x - t)
    scale = np.where(t == 0, 1.0, np.abs(t))
    result: npt.NDArray[np.float64] = gap / scale
    return result


def rate_periods(
    values: Sequence[float] | npt.ArrayLike,
    targets: Sequence[float] | npt.ArrayLike | float,
    polarity: str,
    *,
    concern: Sequence[bool] | npt.ArrayLike | None = None,
    approaching: float = DEFAULT_APPROACHING,
    inadequate: float = DEFAULT_INADEQUATE,
) -> list[Rating]:
    """Rate each period of a KPI by the rules in this module's docstring.

    Parameters
    ----------
    values : array-like of float
        The KPI value per period (NaN where none was reported).
    targets : array-like of float or float
        The target per period, or one target for all (NaN: no target).
    polarity : str
        ``"higher_is_better"``, ``"lower_is_better"`` or ``"neutral"``.
    concern : array-like of bool, optional
        Whether the SPC chart marks each period as a special cause of concern (the chart's
        ``variation == "concern"``); none when omitted.
    approaching, inadequate : float
        The shortfall margins (shares of the target) that separate the ratings; 0.05 and
        0.15 by default.

    Returns
    -------
    list of str
        One of ``good``, ``approaching_target``, ``requires_improvement``, ``inadequate``,
        ``other`` per period.

    Raises
    ------
    ValueError
        When the margins are negative or out of order, or ``concern`` has another length.

    Examples
    --------
    A target of 90% (higher is better): 92 meets it; 87 misses by 3.3%; 80 by 11.1%;
    70 by 22.2%; and 92 with a concern signal is approaching target.

    >>> rate_periods([92, 87, 80, 70, 92], 90, "higher_is_better",
    ...              concern=[False, False, False, False, True])
    ['good', 'approaching_target', 'requires_improvement', 'inadequate', 'approaching_target']
    >>> rate_periods([float("nan"), 5], [90, float("nan")], "higher_is_better")
    ['other', 'other']
    """
    if not 0 <= approaching <= inadequate:
        raise ValueError(
            f"margins must satisfy 0 <= approaching <= inadequate, not {approaching}, {inadequate}"
        )
    gap = shortfall(values, targets, polarity)
    flags = np.zeros(gap.shape, dtype=bool) if concern is None else np.asarray(concern, bool)
    if flags.shape != gap.shape:
        raise ValueError(f"concern has {flags.size} flags for {gap.size} values")
    step = np.select(
        [gap <= 0, gap <= approaching + 1e-12, gap <= inadequate + 1e-12], [0, 1, 2], default=3
    )
    step = np.minimum(step + flags.astype(np.int64), 3)
    step[np.isnan(gap)] = 4  # "other"
    rated: list[Rating] = _WORDS[step].tolist()
    return rated


def rate_chart(
    chart: pd.DataFrame,
    targets: Sequence[float] | npt.ArrayLike | float,
    polarity: str,
    *,
    approaching: float = DEFAULT_APPROACHING,
    inadequate: float = DEFAULT_INADEQUATE,
) -> list[Rating]:
    """Rate each point of an SPC chart (from :mod:`spiral.spc`) against its target.

    The chart's ``value`` column gives the values and its ``variation`` column the concern
    signals (``variation == "concern"``).

    Examples
    --------
    >>> from spiral.spc import xmr_chart
    >>> chart = xmr_chart([90, 91, 92, 91, 90, 91], polarity="higher_is_better")
    >>> rate_chart(chart, 90.5, "higher_is_better")
    ['approaching_target', 'good', 'good', 'good', 'approaching_target', 'good']
    """
    return rate_periods(
        chart["value"].to_numpy(dtype=float),
        targets,
        polarity,
        concern=(chart["variation"] == "concern").to_numpy(),
        approaching=approaching,
        inadequate=inadequate,
    )
