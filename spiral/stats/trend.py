"""Trends over periods, with a test of whether the trend is real.

Two methods, vectorised over any number of groups (indicator × area × sex × age):

``trend_proportion`` — the **chi-square test for trend in proportions** (Cochran–Armitage;
Armitage, *Biometrics* 1955; as R's ``prop.trend.test``), which Fingertips uses for its
"recent trend" marker on proportions over the most recent five periods. Periods are scored
1, 2, … in order; with counts ``x_i`` out of ``n_i`` and overall proportion ``P``,

    chi2 = (Σ x_i s_i − s̄ Σ x_i)² / (P (1 − P) Σ n_i (s_i − s̄)²),   s̄ = Σ n_i s_i / Σ n_i,

on one degree of freedom.

``trend_slope`` — an **inverse-variance weighted least-squares slope** for rates and other
values with a confidence interval: each period's standard error is taken from its 95%
interval (``(upper − lower) / (2 × 1.959964)``), weights ``w = 1 / se²``, slope
``b = Σ w (s − s̄)(y − ȳ) / Σ w (s − s̄)²`` with standard error ``1 / sqrt(Σ w (s − s̄)²)``
(variances treated as known; Draper & Smith, *Applied Regression Analysis*, ch. 9) and a
normal confidence interval for ``b``.

Both report a direction (increasing, decreasing, no significant change, could not be
calculated) and, with a polarity, whether it is getting better or worse, as Fingertips does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm

from spiral.exceptions import InputError
from spiral.stats.confidence import normalise_confidence, z_value
from spiral.stats.polarity import HIGH_IS_GOOD, LOW_IS_GOOD, polarity_directions

__all__ = ["trend_proportion", "trend_slope"]

INCREASING = "increasing"
DECREASING = "decreasing"
NO_CHANGE = "no significant change"
NOT_CALCULATED = "could not be calculated"


def _columns(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _recent(
    data: pd.DataFrame, period: str, groups: list[str], points: int | None
) -> tuple[pd.DataFrame, list[str]]:
    """The last ``points`` periods of each group, scored 1, 2, … in period order."""
    missing = [c for c in [period, *groups] if c not in data.columns]
    if missing:
        raise InputError(f"columns {missing!r} are not in the data")
    frame = data.reset_index(drop=True).copy()
    key = "_group"
    if groups:
        frame[key] = frame.groupby(groups, dropna=False, sort=True).ngroup()
    else:
        frame[key] = 0
    frame = frame.sort_values([key, period], kind="mergesort")
    if frame.duplicated([key, period]).any():
        row = frame[frame.duplicated([key, period], keep=False)].index[0]
        raise InputError(f"row {row + 1}, {period}: the period appears twice in its group")
    from_end = frame.groupby(key).cumcount(ascending=False)
    if points is not None:
        frame = frame[from_end < points]
    frame["_score"] = frame.groupby(key).cumcount() + 1.0
    return frame, [key]


def _label(
    estimate: np.ndarray, significant: np.ndarray, valid: np.ndarray, polarity: np.ndarray
) -> np.ndarray:
    labels = np.full(estimate.shape, NOT_CALCULATED, dtype=object)
    labels[valid] = NO_CHANGE
    up = valid & significant & (estimate > 0)
    down = valid & significant & (estimate < 0)
    labels[up] = INCREASING
    labels[down] = DECREASING
    labels[up & (polarity == HIGH_IS_GOOD)] = "increasing and getting better"
    labels[up & (polarity == LOW_IS_GOOD)] = "increasing and getting worse"
    labels[down & (polarity == HIGH_IS_GOOD)] = "decreasing and getting worse"
    labels[down & (polarity == LOW_IS_GOOD)] = "decreasing and getting better"
    return labels


def _group_polarity(frame: pd.DataFrame, polarity: str | None, size: int) -> np.ndarray:
    if polarity is None:
        return np.full(size, "none", dtype=object)
    if polarity not in frame.columns:
        raise InputError(f"polarity: {polarity!r} is not a column of the data")
    first = frame.groupby("_group", sort=True)[polarity].first().reset_index(drop=True)
    return polarity_directions(first, field=polarity).to_numpy()


def trend_proportion(
    data: pd.DataFrame,
    *,
    period: str = "period",
    numerator: str = "numerator",
    denominator: str = "denominator",
    by: str | Sequence[str] | None = None,
    points: int | None = 5,
    min_points: int = 5,
    confidence: float = 99.8,
    polarity: str | None = None,
) -> pd.DataFrame:
    """Chi-square test for trend in a proportion over the most recent periods of each group.

    Method: chi-square test for trend in proportions (Cochran–Armitage; equal to R's
    ``prop.trend.test(x, n)`` with scores 1..k), as Fingertips' recent-trend marker for
    proportions, over the last ``points`` periods.

    Parameters
    ----------
    data : DataFrame
        One row per group and period.
    period : str
        Column whose sort order is the order of periods (for example ``"2019/20"``).
    numerator, denominator : str
        Counts: events and the population at risk.
    by : str or list of str, optional
        Columns identifying a series (indicator, area, sex, age...).
    points : int or None
        How many of the most recent periods to use (5, as Fingertips); ``None`` for all.
    min_points : int
        Fewest periods for a trend to be calculated (5, as Fingertips).
    confidence : float
        Level at which a trend is called significant (default 99.8%).
    polarity : str, optional
        Column of polarity labels, to say whether the trend is getting better or worse.

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns, ``points``, ``first_period``,
        ``last_period``, ``chi2``, ``p_value``, ``trend`` (the labels Fingertips uses, in
        lower case: "increasing and getting better", "no significant change", "could not be
        calculated", ...).

    Examples
    --------
    The example of R's ``?prop.trend.test`` (smokers among patients in four groups):

    >>> import pandas as pd
    >>> table = pd.DataFrame({"period": [1, 2, 3, 4], "numerator": [83, 90, 129, 70],
    ...                       "denominator": [86, 93, 136, 82]})
    >>> result = trend_proportion(table, points=None, min_points=3, confidence=95)
    >>> round(float(result["chi2"].iloc[0]), 4), round(float(result["p_value"].iloc[0]), 6)
    (8.2249, 0.004132)
    >>> result["trend"].iloc[0]
    'decreasing'
    """
    groups = _columns(by)
    frame, key = _recent(data, period, groups, points)
    x = pd.to_numeric(frame[numerator], errors="coerce").to_numpy(dtype=float)
    n = pd.to_numeric(frame[denominator], errors="coerce").to_numpy(dtype=float)
    bad = (n < 0) | (x < 0) | (x > n)
    if np.any(bad):
        row = int(frame.index[np.flatnonzero(bad)[0]])
        raise InputError(f"row {row + 1}: a proportion needs 0 <= {numerator} <= {denominator}")
    s = frame["_score"].to_numpy(dtype=float)
    parts = pd.DataFrame(
        {
            "_group": frame["_group"].to_numpy(),
            "n": n,
            "x": x,
            "ns": n * s,
            "nss": n * s * s,
            "xs": x * s,
            "missing": np.isnan(x) | np.isnan(n),
            "one": 1,
        }
    )
    sums = parts.groupby("_group", sort=True).sum()
    count = sums["one"].to_numpy(dtype=float)
    total_n = sums["n"].to_numpy(dtype=float)
    total_x = sums["x"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_s = sums["ns"].to_numpy() / total_n
        sxx = sums["nss"].to_numpy() - sums["ns"].to_numpy() ** 2 / total_n
        sxy = sums["xs"].to_numpy() - mean_s * total_x
        p = total_x / total_n
        statistic = sxy**2 / (p * (1 - p) * sxx)
    valid = (
        (count >= min_points)
        & (sums["missing"].to_numpy() == 0)
        & (total_n > 0)
        & (p > 0)
        & (p < 1)
        & np.isfinite(statistic)
    )
    statistic = np.where(valid, statistic, np.nan)
    p_value = chi2.sf(statistic, 1)
    level = normalise_confidence(confidence)
    significant = p_value < (1 - level)
    result = _summary(frame, groups, key, period)
    result["chi2"] = statistic
    result["p_value"] = p_value
    directions = _group_polarity(frame, polarity, len(result))
    result["trend"] = _label(np.sign(sxy), significant, valid, directions)
    return result


def _summary(frame: pd.DataFrame, groups: list[str], key: list[str], period: str) -> pd.DataFrame:
    grouped = frame.groupby(key, sort=True)
    result = grouped[groups].first().reset_index(drop=True) if groups else pd.DataFrame(index=[0])
    result["points"] = grouped.size().to_numpy()
    result["first_period"] = grouped[period].first().to_numpy()
    result["last_period"] = grouped[period].last().to_numpy()
    return result


def trend_slope(
    data: pd.DataFrame,
    *,
    period: str = "period",
    value: str = "value",
    lower: str = "lower_ci_95",
    upper: str = "upper_ci_95",
    interval_confidence: float = 95,
    by: str | Sequence[str] | None = None,
    points: int | None = 5,
    min_points: int = 3,
    confidence: float = 95,
    polarity: str | None = None,
) -> pd.DataFrame:
    """Inverse-variance weighted regression slope of a value over periods, with its CI.

    Method: weighted least squares with known variances (Draper & Smith, ch. 9); each
    period's variance from its confidence interval, ``se = (upper - lower) / (2 z)``.

    Parameters
    ----------
    data : DataFrame
        One row per group and period, with the value and its interval.
    period, value, lower, upper : str
        Column names.
    interval_confidence : float
        Level of the intervals given (95 by default).
    by : str or list of str, optional
        Columns identifying a series.
    points : int or None
        How many recent periods to use (5); ``None`` for all.
    min_points : int
        Fewest periods for a slope (3).
    confidence : float
        Level of the slope's interval and of its significance (95%).
    polarity : str, optional
        Column of polarity labels.

    Returns
    -------
    DataFrame
        One row per group: ``by`` columns, ``points``, ``first_period``, ``last_period``,
        ``slope`` (change per period), ``slope_se``, ``slope_lower``, ``slope_upper``,
        ``p_value`` and ``trend``.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"period": [2019, 2020, 2021, 2022, 2023],
    ...                       "value": [10.0, 11.0, 12.0, 13.0, 14.0],
    ...                       "lower_ci_95": [9.0, 10.0, 11.0, 12.0, 13.0],
    ...                       "upper_ci_95": [11.0, 12.0, 13.0, 14.0, 15.0]})
    >>> row = trend_slope(table, polarity=None).iloc[0]
    >>> round(float(row["slope"]), 10), row["trend"]
    (1.0, 'increasing')
    """
    groups = _columns(by)
    frame, key = _recent(data, period, groups, points)
    y = pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype=float)
    lo = pd.to_numeric(frame[lower], errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(frame[upper], errors="coerce").to_numpy(dtype=float)
    se = (hi - lo) / (2 * z_value(interval_confidence))
    usable = np.isfinite(y) & np.isfinite(se) & (se > 0)
    w = np.where(usable, 1 / np.where(usable, se, 1.0) ** 2, 0.0)
    s = frame["_score"].to_numpy(dtype=float)
    y0 = np.where(usable, y, 0.0)
    parts = pd.DataFrame(
        {
            "_group": frame["_group"].to_numpy(),
            "w": w,
            "ws": w * s,
            "wss": w * s * s,
            "wy": w * y0,
            "wsy": w * s * y0,
            "used": usable.astype(float),
        }
    )
    sums = parts.groupby("_group", sort=True).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        sw = sums["w"].to_numpy()
        sxx = sums["wss"].to_numpy() - sums["ws"].to_numpy() ** 2 / sw
        sxy = sums["wsy"].to_numpy() - sums["ws"].to_numpy() * sums["wy"].to_numpy() / sw
        slope = sxy / sxx
        slope_se = 1 / np.sqrt(sxx)
    valid = (sums["used"].to_numpy() >= min_points) & np.isfinite(slope) & (sxx > 0)
    slope = np.where(valid, slope, np.nan)
    slope_se = np.where(valid, slope_se, np.nan)
    z = z_value(confidence)
    p_value = 2 * norm.sf(np.abs(slope / slope_se))
    result = _summary(frame, groups, key, period)
    result["slope"] = slope
    result["slope_se"] = slope_se
    result["slope_lower"] = slope - z * slope_se
    result["slope_upper"] = slope + z * slope_se
    result["p_value"] = p_value
    significant = p_value < (1 - normalise_confidence(confidence))
    directions = _group_polarity(frame, polarity, len(result))
    result["trend"] = _label(np.sign(slope), significant, valid, directions)
    return result
