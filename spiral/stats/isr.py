"""Indirectly standardised ratios and rates, as ``calculate_ISRatio`` and ``calculate_ISRate``.

Within each group the data hold one row per band (usually an age band): the local count
``x`` and population ``n``, and the reference (for example England) count ``X`` and
population ``N`` of the same band. Missing values count as zero.

* Expected events ``E = sum(n X / N)``; observed events ``O = sum(x)``, or a total supplied
  separately (when the band counts do not add up to the published total).
* Ratio ``O / E`` times a reference value (1, or 100 for a standardised mortality ratio).
* Rate ``O / E`` times the reference rate ``sum(X) / sum(N)`` times the multiplier.
* Limits are the limits of ``O`` -- exact when ``O < 10`` (``Exact``), Byar's otherwise
  (``Byars``) -- divided by ``E`` and scaled the same way.

Reference: PHEindicatormethods (R, v2.1.0) ``calculate_ISRatio`` and ``calculate_ISRate``;
phstatsmethods (Python) ``ph_ISR`` for observed totals supplied separately; Breslow & Day
(1987).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from spiral.stats.confidence import normalise_confidences
from spiral.stats.poisson import count_limits
from spiral.stats.rates import method_labels
from spiral.stats.tables import (
    FloatArray,
    Groups,
    StatisticsInputError,
    attach,
    confidence_text,
    constant_labels,
    group_rows,
    limit_columns,
    multiplier_text,
    numbers,
    reject,
    require_columns,
)

Reference = str | Sequence[float] | npt.ArrayLike


def _reference(data: pd.DataFrame, reference: Reference, groups: Groups, what: str) -> FloatArray:
    """Reference values per row: a column of ``data``, or a vector matched by position."""
    if isinstance(reference, str):
        return _reference_column(data, reference, what)
    vector = np.asarray(reference, dtype=np.float64)
    sizes = np.bincount(groups.codes, minlength=groups.count)
    if (sizes != len(vector)).any():
        raise StatisticsInputError(
            f"each group must have {len(vector)} rows, one per reference {what} value, in order"
        )
    order = np.argsort(groups.codes, kind="stable")
    position = np.empty(len(groups.codes), dtype=np.intp)
    position[order] = np.tile(np.arange(len(vector)), groups.count)
    matched: FloatArray = vector[position]
    return matched


def _reference_column(data: pd.DataFrame, column: str, what: str) -> FloatArray:
    values = numbers(data, column)
    reject(values < 0, column, f"reference {what} must be greater than or equal to zero")
    return values


def checked_rows(
    data: pd.DataFrame, count: str, population: str, ref_count: str, ref_population: str
) -> None:
    """The checks the ISR methods make of each row on its own, in order, with their messages.

    Text in a number column, a negative count or population, a negative reference count, a
    reference population below or at zero. Used on its own to name a bad row of a file
    worked in batches (:mod:`spiral.stats.standardised_batches`).

    Examples
    --------
    >>> table = pd.DataFrame({"x": [3], "n": [10], "rx": [5], "rn": [0]})
    >>> checked_rows(table, "x", "n", "rx", "rn")
    Traceback (most recent call last):
    ...
    spiral.stats.tables.StatisticsInputError: column 'rn', row 1: reference populations \
must be greater than zero
    """
    x = numbers(data, count)
    n = numbers(data, population)
    reject(x < 0, count, "counts must be greater than or equal to zero")
    reject(n < 0, population, "populations must be greater than or equal to zero")
    _reference_column(data, ref_count, "counts")
    big_n = _reference_column(data, ref_population, "populations")
    reject(big_n == 0, ref_population, "reference populations must be greater than zero")


ISR_SUMS = ("observed", "expected", "ref_count", "ref_population")
"""The sums per group the ISR methods are worked from (see :func:`isr_from_sums`)."""


def isr_from_sums(
    sums: pd.DataFrame,
    *,
    group_by: Sequence[str] = (),
    statistic: str = "ratio",
    refvalue: float = 1,
    multiplier: float = 100_000,
    confidence: float | Iterable[float] = 0.95,
    observed_totals: pd.DataFrame | None = None,
    observed: str | None = None,
) -> pd.DataFrame:
    """Indirectly standardised ratios or rates from the sums of each group.

    The last step of :func:`isr_ratio` and :func:`isr_rate`, for sums worked elsewhere (for
    example by DuckDB over a file larger than memory). Each group's row holds ``observed``
    ``Σx``, ``expected`` ``Σ n X / N``, ``ref_count`` ``ΣX`` and ``ref_population``
    ``ΣN`` (missing values counted as zero); ``observed_totals`` replaces the observed sum
    as in those functions.

    Parameters
    ----------
    sums : pandas.DataFrame
        The ``group_by`` columns and the :data:`ISR_SUMS`, one row per group.
    statistic : {"ratio", "rate"}
        :func:`isr_ratio` (times ``refvalue``) or :func:`isr_rate` (per ``multiplier``).
    group_by, refvalue, multiplier, confidence, observed_totals, observed
        As for :func:`isr_ratio` and :func:`isr_rate`.

    References
    ----------
    PHEindicatormethods (R) v2.1.0, ``calculate_ISRatio`` and ``calculate_ISRate``.

    Examples
    --------
    The two bands of the example of :func:`isr_ratio`, summed:

    >>> sums = pd.DataFrame({"area": ["A"], "observed": [110.0], "expected": [110.0],
    ...                      "ref_count": [1100.0], "ref_population": [15000.0]})
    >>> result = isr_from_sums(sums, group_by=["area"], refvalue=100)
    >>> result[["area", "value", "lower_ci_95", "upper_ci_95"]].round(2)
      area  value  lower_ci_95  upper_ci_95
    0    A  100.0        82.19       120.53
    """
    if statistic not in {"ratio", "rate"}:
        raise StatisticsInputError(f"statistic must be 'ratio' or 'rate', not {statistic!r}")
    levels = normalise_confidences(confidence)
    require_columns(sums, [*group_by, *ISR_SUMS])
    keys = sums[list(group_by)].reset_index(drop=True)
    if not group_by:
        keys = pd.DataFrame(index=range(len(sums)))
    groups = Groups(np.arange(len(sums), dtype=np.intp), keys)
    if observed_totals is None:
        obs = numbers(sums, "observed")
    else:
        obs = _observed(groups, group_by, observed_totals, observed or "observed")
    expected = numbers(sums, "expected")
    if statistic == "ratio":
        return _ratio_result(groups, obs, expected, refvalue=refvalue, levels=levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        reference_rate = numbers(sums, "ref_count") / numbers(sums, "ref_population")
    return _rate_result(groups, obs, expected, reference_rate, multiplier=multiplier, levels=levels)


def _observed(
    groups: Groups,
    group_by: Sequence[str],
    observed_totals: pd.DataFrame,
    observed: str,
) -> FloatArray:
    """Observed totals per group, joined on the group columns."""
    if not group_by:
        raise StatisticsInputError("observed totals need the group columns to join on")
    require_columns(observed_totals, [*group_by, observed])
    duplicated = observed_totals.duplicated(subset=list(group_by)).to_numpy()
    reject(duplicated, observed, "observed totals hold the same group twice")
    totals = numbers(observed_totals, observed)
    reject(totals < 0, observed, "observed totals must be greater than or equal to zero")
    lookup = observed_totals[list(group_by)].assign(_total=totals)
    joined = groups.keys.merge(lookup, on=list(group_by), how="left", sort=False)
    return joined["_total"].to_numpy(dtype=np.float64, na_value=np.nan)


def _standardise(
    data: pd.DataFrame,
    *,
    count: str,
    population: str,
    ref_count: Reference,
    ref_population: Reference,
    group_by: Sequence[str],
    observed_totals: pd.DataFrame | None,
    observed: str | None,
) -> tuple[Groups, FloatArray, FloatArray, FloatArray]:
    """Observed, expected and the reference rate (as a fraction) per group."""
    x = numbers(data, count)
    n = numbers(data, population)
    reject(x < 0, count, "counts must be greater than or equal to zero")
    reject(n < 0, population, "populations must be greater than or equal to zero")
    groups = group_rows(data, group_by)
    big_x = _reference(data, ref_count, groups, "counts")
    big_n = _reference(data, ref_population, groups, "populations")
    where = ref_population if isinstance(ref_population, str) else "reference population"
    reject(big_n == 0, where, "reference populations must be greater than zero")
    with np.errstate(invalid="ignore", divide="ignore"):
        contribution = n * big_x / big_n
    expected = groups.sum_present(contribution)
    if observed_totals is None:
        obs = groups.sum_present(x)
    else:
        obs = _observed(groups, group_by, observed_totals, observed or count)
    with np.errstate(divide="ignore", invalid="ignore"):
        reference_rate = groups.sum_present(big_x) / groups.sum_present(big_n)
    return groups, obs, expected, reference_rate


def _finish(
    groups: Groups,
    *,
    results: dict[str, object],
    observed: FloatArray,
    scale: FloatArray,
    levels: tuple[float, ...],
    statistic: str,
) -> pd.DataFrame:
    limits, exact = count_limits(observed, levels)
    for level, (lower, upper) in zip(levels, limits, strict=True):
        lower_name, upper_name = limit_columns(level)
        results[lower_name] = lower * scale
        results[upper_name] = upper * scale
    results["statistic"] = constant_labels(statistic, groups.count)
    results["confidence"] = constant_labels(confidence_text(levels), groups.count)
    results["method"] = method_labels(exact, np.isnan(observed))
    return attach(groups.keys, results)


def isr_ratio(
    data: pd.DataFrame,
    count: str,
    population: str,
    ref_count: Reference,
    ref_population: Reference,
    *,
    group_by: Sequence[str] = (),
    refvalue: float = 1,
    confidence: float | Iterable[float] = 0.95,
    observed_totals: pd.DataFrame | None = None,
    observed: str | None = None,
) -> pd.DataFrame:
    """Indirectly standardised ratios (e.g. standardised mortality ratios), one row per group.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per group and band.
    count, population : str
        Columns of local counts and populations per band (a population may be zero).
    ref_count, ref_population : str or array-like
        Columns of reference counts and populations per band, or vectors of them matched
        by position to the rows of each group.
    group_by : sequence of str, optional
        Columns identifying each ratio; without them the table is one group.
    refvalue : float, default 1
        1 for a ratio, 100 for a ratio per 100 (an SMR as usually published).
    confidence : float or iterable of float, default 0.95
        One level or several, e.g. ``[95, 99.8]``.
    observed_totals : pandas.DataFrame, optional
        Observed totals per group, with the ``group_by`` columns and a totals column; used
        instead of the sum of the band counts.
    observed : str, optional
        Name of the totals column of ``observed_totals`` (defaults to ``count``).

    Returns
    -------
    pandas.DataFrame
        Group columns, ``observed``, ``expected``, ``value``, ``lower_ci_<level>``,
        ``upper_ci_<level>``, ``statistic`` (``indirectly standardised ratio x 1``),
        ``confidence`` and ``method`` (``Exact`` or ``Byars``).

    References
    ----------
    PHEindicatormethods (R) v2.1.0, ``calculate_ISRatio``; Breslow & Day (1987).

    Examples
    --------
    >>> table = pd.DataFrame({"area": "A", "deaths": [30, 80], "pop": [1000, 500],
    ...                       "ref_deaths": [200, 900], "ref_pop": [10000, 5000]})
    >>> result = isr_ratio(table, "deaths", "pop", "ref_deaths", "ref_pop",
    ...                    group_by=["area"], refvalue=100)
    >>> result[["area", "observed", "expected", "value", "lower_ci_95", "upper_ci_95"]].round(2)
      area  observed  expected  value  lower_ci_95  upper_ci_95
    0    A     110.0     110.0  100.0        82.19       120.53
    """
    levels = normalise_confidences(confidence)
    groups, obs, expected, _ = _standardise(
        data,
        count=count,
        population=population,
        ref_count=ref_count,
        ref_population=ref_population,
        group_by=group_by,
        observed_totals=observed_totals,
        observed=observed,
    )
    return _ratio_result(groups, obs, expected, refvalue=refvalue, levels=levels)


def _ratio_result(
    groups: Groups,
    obs: FloatArray,
    expected: FloatArray,
    *,
    refvalue: float,
    levels: tuple[float, ...],
) -> pd.DataFrame:
    with np.errstate(divide="ignore", invalid="ignore"):
        # no ratio when nothing is expected
        scale = np.where(expected > 0, refvalue / expected, np.nan)
    results: dict[str, object] = {"observed": obs, "expected": expected, "value": obs * scale}
    statistic = f"indirectly standardised ratio x {multiplier_text(refvalue)}"
    return _finish(
        groups, results=results, observed=obs, scale=scale, levels=levels, statistic=statistic
    )


def isr_rate(
    data: pd.DataFrame,
    count: str,
    population: str,
    ref_count: Reference,
    ref_population: Reference,
    *,
    group_by: Sequence[str] = (),
    multiplier: float = 100_000,
    confidence: float | Iterable[float] = 0.95,
    observed_totals: pd.DataFrame | None = None,
    observed: str | None = None,
) -> pd.DataFrame:
    """Indirectly standardised rates, one row per group.

    The ratio ``O / E`` (see :func:`isr_ratio`) times the reference rate
    ``sum(X) / sum(N)`` times the multiplier. Parameters are those of :func:`isr_ratio`,
    with ``multiplier`` (default 100000) in place of ``refvalue``.

    Returns
    -------
    pandas.DataFrame
        Group columns, ``observed``, ``expected``, ``ref_rate`` (the reference rate per
        multiplier), ``value``, limits, ``statistic``
        (``indirectly standardised rate per 100000``), ``confidence`` and ``method``.

    References
    ----------
    PHEindicatormethods (R) v2.1.0, ``calculate_ISRate``; Breslow & Day (1987).

    Examples
    --------
    >>> table = pd.DataFrame({"area": "A", "deaths": [30, 80], "pop": [1000, 500],
    ...                       "ref_deaths": [200, 900], "ref_pop": [10000, 5000]})
    >>> result = isr_rate(table, "deaths", "pop", "ref_deaths", "ref_pop", group_by=["area"])
    >>> result[["observed", "expected", "ref_rate", "value", "method"]].round(1)
       observed  expected  ref_rate   value method
    0     110.0     110.0    7333.3  7333.3  Byars
    """
    levels = normalise_confidences(confidence)
    groups, obs, expected, reference_rate = _standardise(
        data,
        count=count,
        population=population,
        ref_count=ref_count,
        ref_population=ref_population,
        group_by=group_by,
        observed_totals=observed_totals,
        observed=observed,
    )
    return _rate_result(groups, obs, expected, reference_rate, multiplier=multiplier, levels=levels)


def _rate_result(
    groups: Groups,
    obs: FloatArray,
    expected: FloatArray,
    reference_rate: FloatArray,
    *,
    multiplier: float,
    levels: tuple[float, ...],
) -> pd.DataFrame:
    ref_rate = reference_rate * multiplier
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(expected > 0, ref_rate / expected, np.nan)
    results: dict[str, object] = {
        "observed": obs,
        "expected": expected,
        "ref_rate": ref_rate,
        "value": obs * scale,
    }
    statistic = f"indirectly standardised rate per {multiplier_text(multiplier)}"
    return _finish(
        groups, results=results, observed=obs, scale=scale, levels=levels, statistic=statistic
    )
