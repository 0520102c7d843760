"""Directly standardised rates with Dobson confidence intervals, as ``calculate_dsr``.

Within each group (an area, a year, a sex…) the data hold one row per standardisation band
(usually an age band): the count of events ``x``, the population ``n`` and the weight ``w``
of the band in a standard population (for example the European Standard Population 2013,
shipped as :func:`standard_population`). Missing counts count as zero.

* The rate is ``sum(w x / n) / sum(w)`` times the multiplier.
* Its variance is ``sum(w^2 x / n^2) / sum(w)^2``.
* With ``O = sum(x)``, the limits are ``rate + sqrt(var / O) (B(O) - O)`` times the multiplier,
  where ``B`` is Byar's lower or upper limit of ``O`` (Dobson et al. 1991).
* A group whose total count is below 10 gets no rate and no limits, as officially.

**Non-independent events** (one person may have several events): each row then counts the
people in a band who had exactly ``f`` events (the ``eventfreq`` column). The events are
``sum(f x)`` and give the rate as above; the variance becomes ``sum(f^2 w^2 x / n^2) /
sum(w)^2``, which widens the interval; the method is labelled
``Dobson, with confidence adjusted for non-independent events``.

Reference: PHEindicatormethods (R, v2.1.0) ``calculate_dsr``; Dobson AJ, Kuulasmaa K,
Eberle E, Scherer J, *Confidence intervals for weighted sums of Poisson parameters*, Stat Med
1991;10:457-462; Breslow & Day (1987) for Byar's method.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt
import pandas as pd

from spiral.exceptions import InputError
from spiral.stats.confidence import normalise_confidences
from spiral.stats.poisson import byars_lower, byars_upper
from spiral.stats.tables import (
    FloatArray,
    Groups,
    IntArray,
    StatisticsInputError,
    attach,
    coded_labels,
    confidence_text,
    constant_labels,
    group_rows,
    limit_columns,
    multiplier_text,
    numbers,
    reject,
    require_columns,
)

STANDARD_POPULATIONS = ("esp2013", "esp1976")
MINIMUM_COUNT = 10
INDEPENDENT = "Dobson"
NON_INDEPENDENT = "Dobson, with confidence adjusted for non-independent events"


@lru_cache(maxsize=4)
def _standard_table(name: str) -> pd.DataFrame:
    if name not in STANDARD_POPULATIONS:
        known = ", ".join(STANDARD_POPULATIONS)
        raise InputError(f"unknown standard population {name!r} (known: {known})")
    with resources.files("spiral.stats.data").joinpath(f"{name}.csv").open("rb") as handle:
        return pd.read_csv(handle, dtype={"ageband": str, "population": np.float64})


def standard_population(name: str = "esp2013") -> pd.DataFrame:
    """A shipped standard population: ``ageband`` and ``population`` per five-year band.

    Parameters
    ----------
    name : {"esp2013", "esp1976"}
        European Standard Population 2013 (19 bands to 90+) or 1976 (18 bands to 85+).

    Examples
    --------
    >>> esp = standard_population("esp2013")
    >>> len(esp), int(esp["population"].sum()), esp["ageband"].iloc[-1]
    (19, 100000, '90+')
    """
    return _standard_table(name).copy()


def _band_positions(groups: Groups, bands: IntArray) -> tuple[IntArray, npt.NDArray[np.int64]]:
    """Each row's band number within its group (0, 1, ... in order of appearance).

    ``bands`` numbers the (group, band) pairs of the rows in order of first appearance.
    Returns the band number of every row and the number of bands in each group.
    """
    count = int(bands.max()) + 1 if len(bands) else 0
    band_group = np.zeros(count, dtype=np.intp)
    band_group[bands] = groups.codes
    per_group = np.bincount(band_group, minlength=groups.count)
    order = np.argsort(band_group, kind="stable")
    starts = np.concatenate(([0], np.cumsum(per_group)[:-1]))
    position = np.empty(count, dtype=np.intp)
    position[order] = np.arange(count) - starts[band_group[order]]
    return position[bands], per_group


def _weights(
    data: pd.DataFrame,
    standard: str | Sequence[float] | npt.ArrayLike,
    groups: Groups,
    bands: IntArray,
) -> FloatArray:
    """Standard-population weight of every row: a column, or a vector matched by position."""
    if isinstance(standard, str) and standard in data.columns:
        weights = numbers(data, standard)
        reject(np.isnan(weights), standard, "standard population weights must be given")
        return weights
    if isinstance(standard, str):
        if standard not in STANDARD_POPULATIONS:
            known = " or ".join(STANDARD_POPULATIONS)
            raise StatisticsInputError(
                f"standard population {standard!r} is neither a column of the table nor {known}"
            )
        vector = _standard_table(standard)["population"].to_numpy(dtype=np.float64)
    else:
        vector = np.asarray(standard, dtype=np.float64)
    position, per_group = _band_positions(groups, bands)
    wrong = per_group != len(vector)
    if wrong.any():
        raise StatisticsInputError(
            f"each group must have {len(vector)} bands, one per band of the standard "
            f"population, in its order (a group has {int(per_group[wrong][0])})"
        )
    matched: FloatArray = vector[position]
    return matched


def dsr(
    data: pd.DataFrame,
    count: str,
    population: str,
    *,
    standard: str | Sequence[float] | npt.ArrayLike = "esp2013",
    group_by: Sequence[str] = (),
    multiplier: float = 100_000,
    confidence: float | Iterable[float] = 0.95,
    eventfreq: str | None = None,
    ageband: str | None = None,
) -> pd.DataFrame:
    """Directly standardised rates (Dobson method), one row per group.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per group and standardisation band (and event frequency, for
        non-independent events).
    count : str
        Column of events (or, with ``eventfreq``, of people having that many events).
        Missing counts count as zero.
    population : str
        Column of band populations; every one must be above zero.
    standard : str or array-like, default "esp2013"
        A column of ``data`` holding each row's standard-population weight; or ``"esp2013"``
        / ``"esp1976"`` (shipped) or a sequence of weights, matched by position to the bands
        of each group in order of appearance (every group then needs exactly one row per
        band, or with ``eventfreq`` one band value per band of the standard).
    group_by : sequence of str, optional
        Columns identifying each rate (e.g. area); without them the table is one group.
    multiplier : float, default 100000
        Rate per this many people.
    confidence : float or iterable of float, default 0.95
        One level or several, e.g. ``[95, 99.8]``.
    eventfreq : str, optional
        For non-independent events: column giving how many events each counted person had.
    ageband : str, optional
        With ``eventfreq``, the column naming the band, so that each band's population and
        weight are counted once although the band has a row per event frequency.

    Returns
    -------
    pandas.DataFrame
        Group columns, ``total_count``, ``total_pop``, ``value``, ``lower_ci_<level>``,
        ``upper_ci_<level>``, ``statistic`` (``dsr per 100000``, or
        ``dsr NA for total count < 10``), ``confidence`` and ``method``.

    Raises
    ------
    spiral.stats.tables.StatisticsInputError
        For text in a number column, a negative count, a population missing or not above
        zero, or groups that do not match a standard population given by position.

    References
    ----------
    PHEindicatormethods (R) v2.1.0, ``calculate_dsr``; Dobson et al. (1991).

    Examples
    --------
    Two age bands and a made-up standard population of 60 and 40:

    >>> table = pd.DataFrame({"area": ["A", "A"], "deaths": [30, 50], "pop": [1000, 500]})
    >>> result = dsr(table, "deaths", "pop", standard=[60, 40], group_by=["area"])
    >>> result[["area", "total_count", "value", "lower_ci_95", "upper_ci_95"]].round(2)
      area  total_count   value  lower_ci_95  upper_ci_95
    0    A         80.0  5800.0      4588.22      7231.29
    """
    levels = normalise_confidences(confidence)
    x, n, frequency = checked_rows(data, count, population, eventfreq=eventfreq)
    groups = group_rows(data, group_by)
    x = np.where(np.isnan(x), 0.0, x)
    if frequency is None:
        events = x
        spread = x
        bands: IntArray = np.arange(len(x), dtype=np.intp)
        band_rows: npt.NDArray[np.bool_] = np.ones(len(x), dtype=bool)
    else:
        events = x * frequency
        spread = events * frequency
        if ageband is None:
            raise StatisticsInputError("non-independent events need the age band column")
        bands = group_rows(data, [*group_by, ageband]).codes
        band_rows = ~data.duplicated(subset=[*group_by, ageband]).to_numpy()
    w = _weights(data, standard, groups, bands)
    share = w / n
    sums = {
        "total_count": groups.sum(events),
        "total_pop": groups.sum(np.where(band_rows, n, 0.0)),
        "total_weight": groups.sum(np.where(band_rows, w, 0.0)),
        "weighted_rate": groups.sum(events * share),
        "weighted_variance": groups.sum(spread * share * share),
    }
    return _dobson(
        groups.keys, sums, multiplier=multiplier, levels=levels, independent=eventfreq is None
    )


def checked_rows(
    data: pd.DataFrame, count: str, population: str, *, eventfreq: str | None = None
) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """The counts, populations and event frequencies of a DSR table, every row checked.

    The checks :func:`dsr` makes of each row on its own (text in a number column, a
    negative count, a population missing or not above zero, an event frequency missing or
    below 1), in the same order and with the same messages; used on its own to name a bad
    row of a file worked in batches (:mod:`spiral.stats.standardised_batches`).

    Examples
    --------
    >>> table = pd.DataFrame({"deaths": [3, -1], "pop": [100, 100]})
    >>> checked_rows(table, "deaths", "pop")
    Traceback (most recent call last):
    ...
    spiral.stats.tables.StatisticsInputError: column 'deaths', row 2: counts must be greater \
than or equal to zero
    """
    x = numbers(data, count)
    n = numbers(data, population)
    reject(x < 0, count, "counts must be greater than or equal to zero")
    reject(np.isnan(n), population, "populations must be given")
    reject(n <= 0, population, "populations must be greater than zero")
    if eventfreq is None:
        return x, n, None
    require_columns(data, [eventfreq])
    frequency = numbers(data, eventfreq)
    reject(np.isnan(frequency), eventfreq, "event frequencies must be given")
    reject(frequency < 1, eventfreq, "event frequencies must be 1 or more")
    return x, n, frequency


DOBSON_SUMS = ("total_count", "total_pop", "total_weight", "weighted_rate", "weighted_variance")
"""The sums per group a DSR is worked from (see :func:`dsr_from_sums`)."""


def dsr_from_sums(
    sums: pd.DataFrame,
    *,
    group_by: Sequence[str] = (),
    multiplier: float = 100_000,
    confidence: float | Iterable[float] = 0.95,
    independent: bool = True,
) -> pd.DataFrame:
    """Directly standardised rates (Dobson method) from the sums of each group.

    The last step of :func:`dsr`, for sums worked elsewhere (for example by DuckDB over a
    file larger than memory): with events ``e`` (``f x`` for non-independent events),
    band populations ``n`` and standard weights ``w``, each group's row holds
    ``total_count`` ``Σe``, ``total_pop`` ``Σn`` and ``total_weight`` ``Σw`` (each band
    once), ``weighted_rate`` ``Σ e w / n`` and ``weighted_variance`` ``Σ f e w² / n²``
    (``f`` = 1 for independent events).

    Parameters
    ----------
    sums : pandas.DataFrame
        The ``group_by`` columns and the :data:`DOBSON_SUMS`, one row per group.
    group_by, multiplier, confidence
        As for :func:`dsr`.
    independent : bool, default True
        False for non-independent events (the method's label says so).

    References
    ----------
    PHEindicatormethods (R) v2.1.0, ``calculate_dsr``; Dobson et al. (1991).

    Examples
    --------
    The two bands of the example of :func:`dsr`, summed:

    >>> sums = pd.DataFrame({
    ...     "area": ["A"], "total_count": [80.0], "total_pop": [1500.0],
    ...     "total_weight": [100.0], "weighted_rate": [60 * 30 / 1000 + 40 * 50 / 500],
    ...     "weighted_variance": [60**2 * 30 / 1000**2 + 40**2 * 50 / 500**2],
    ... })
    >>> result = dsr_from_sums(sums, group_by=["area"])
    >>> result[["area", "value", "lower_ci_95", "upper_ci_95"]].round(2)
      area   value  lower_ci_95  upper_ci_95
    0    A  5800.0      4588.22      7231.29
    """
    levels = normalise_confidences(confidence)
    require_columns(sums, [*group_by, *DOBSON_SUMS])
    columns = {name: numbers(sums, name) for name in DOBSON_SUMS}
    keys = sums[list(group_by)].reset_index(drop=True)
    if not group_by:
        keys = pd.DataFrame(index=range(len(sums)))
    return _dobson(keys, columns, multiplier=multiplier, levels=levels, independent=independent)


def _dobson(
    keys: pd.DataFrame,
    sums: dict[str, FloatArray],
    *,
    multiplier: float,
    levels: Sequence[float],
    independent: bool,
) -> pd.DataFrame:
    """The rates, limits and labels of each group from its sums (Dobson et al. 1991)."""
    total_count, total_weight = sums["total_count"], sums["total_weight"]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = sums["weighted_rate"] / total_weight
        variance = sums["weighted_variance"] / (total_weight * total_weight)
        spread_per_event = np.sqrt(variance / total_count)
    too_few = total_count < MINIMUM_COUNT
    rate[too_few] = np.nan
    results: dict[str, object] = {
        "total_count": total_count,
        "total_pop": sums["total_pop"],
        "value": rate * multiplier,
    }
    for level in levels:
        lower_name, upper_name = limit_columns(level)
        lower = rate + spread_per_event * (byars_lower(total_count, level) - total_count)
        upper = rate + spread_per_event * (byars_upper(total_count, level) - total_count)
        results[lower_name] = lower * multiplier
        results[upper_name] = upper * multiplier
    statistic = coded_labels(
        too_few.astype(np.int8),
        [f"dsr per {multiplier_text(multiplier)}", "dsr NA for total count < 10"],
    )
    results["statistic"] = statistic
    count = len(keys)
    results["confidence"] = constant_labels(confidence_text(levels), count)
    results["method"] = constant_labels(INDEPENDENT if independent else NON_INDEPENDENT, count)
    return attach(keys, results)
