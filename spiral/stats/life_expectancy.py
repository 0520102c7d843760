"""Life expectancy from an abridged life table (Chiang II) with Silcocks et al. limits.

The method is the one in the Public Health England Life Expectancy Calculator and in
PHEindicatormethods ``phe_life_expectancy`` (R, v2.1.0): twenty age bands (0, 1-4, 5-9, ...,
85-89, 90+), Chiang's abridged life table, and the variance of Silcocks, Jenner and Reza (2001),
which adds a term for the open-ended final band.

References
----------
Chiang CL. *The Life Table and its Construction*. In: Introduction to Stochastic Processes in
Biostatistics. New York: Wiley, 1968: 189-214.

Silcocks PBS, Jenner DA, Reza R. Life expectancy as a summary of mortality in a population:
statistical considerations and suitability for use by health authorities. *J Epidemiol
Community Health* 2001; 55: 38-43.

Eayres DP, Williams ES. Evaluation of methodologies for small area life expectancy estimation.
*J Epidemiol Community Health* 2004; 58: 243-249.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from spiral.exceptions import InputError
from spiral.stats.confidence import normalise_confidences, z_value
from spiral.stats.tables import FloatArray, limit_columns

__all__ = ["DEFAULT_AGE_BANDS", "LIFE_EXPECTANCY_METHOD", "phe_life_expectancy"]


#: Start ages of the twenty bands the method needs: 0, 1-4, 5-9, ..., 85-89 and 90+.
DEFAULT_AGE_BANDS: tuple[int, ...] = (0, 1, *range(5, 95, 5))

#: Label written in the ``method`` column.
LIFE_EXPECTANCY_METHOD = "Chiang, using Silcocks et al for confidence limits"

_NUMBER_OF_BANDS = 20
_RADIX = 1e5
_MINIMUM_TOTAL_POPULATION = 5000
_WIDE_INTERVAL_HALF_WIDTH = 10.0  # years: a 95% interval wider than 20 years is suppressed
_LEADING_NUMBER = re.compile(r"\D*(\d+)")


def phe_life_expectancy(
    data: pd.DataFrame,
    deaths: str = "deaths",
    population: str = "pops",
    startage: str = "startage",
    *,
    group_by: str | Sequence[str] | None = None,
    confidence: float | Iterable[float] = 0.95,
    age_contents: Sequence[int | str] = DEFAULT_AGE_BANDS,
    output: str = "full",
) -> pd.DataFrame:
    """Life expectancy at the start of every age band, with confidence limits.

    Builds Chiang's abridged life table for each group (an area, a sex, a period...) from
    its deaths and populations in twenty age bands, and gives the life expectancy at the
    start age of every band with Silcocks et al. confidence limits.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per group and age band.
    deaths, population, startage : str
        Columns holding the deaths, the population (person-years) and the age band. The age
        band may be a number (``0``, ``1``, ``5``, ...) or a label whose first number is the
        start age (``"1-4"``, ``"90 +"``).
    group_by : str or sequence of str, optional
        Columns identifying each life table; without them the whole table is one group.
    confidence : float or iterable of float, default 0.95
        Confidence level(s), as ``95`` or ``0.95``.
    age_contents : sequence, default :data:`DEFAULT_AGE_BANDS`
        The age bands every group must contain, in ascending order, starting at 0.
    output : {"full", "standard"}, default "full"
        ``"full"`` adds ``pops_used`` and ``dths_used`` (population and deaths at and above
        the start age) and the ``confidence``, ``statistic`` and ``method`` columns.

    Returns
    -------
    pandas.DataFrame
        The input rows, in their order and with their columns, plus ``value`` (life
        expectancy in years) and ``lower_ci_<level>`` / ``upper_ci_<level>`` for each
        level (``lower_ci_95``, ``upper_ci_99_8``, ...), as every indicator method names them.

    Raises
    ------
    ValueError
        When a column is missing or not numeric, an age band is not one of
        ``age_contents``, ``age_contents`` does not start at 0 or is not ascending,
        ``output`` is unknown, or the table already has a column the result adds.

    Warns
    -----
    UserWarning
        When results are not computed, with the reason, as in the official method.

    Notes
    -----
    For band *i* with start age *xᵢ*, width *nᵢ*, deaths *Dᵢ* and population *Pᵢ*:
    *Mᵢ = Dᵢ/Pᵢ*; *aᵢ* = 0.1 for the first band, else 0.5; the final band's width is
    *2/M*. The probability of dying in the band is *qᵢ = nᵢMᵢ / (1 + nᵢMᵢ(1 - aᵢ))*
    (1 when *Dᵢ > Pᵢ/(nᵢaᵢ)*); survivors *l* start at 100,000; person-years lived are
    *Lᵢ = nᵢ(lᵢ₊₁ + aᵢdᵢ)*, and *l/M* in the final band; life expectancy is
    *eᵢ = Σⱼ≥ᵢ Lⱼ / lᵢ*. The variance sums *qᵢ²(1 - qᵢ)/Dᵢ · lᵢ² ((1 - aᵢ)nᵢ + eᵢ₊₁)²*
    over the bands from *i* up, plus *(l/2)² · 4/(D M²)* for the final band (Silcocks),
    divided by *lᵢ²*. Limits are *eᵢ ± z·SEᵢ*.

    As the official method: a group gets no results (all missing) when any band has
    negative deaths, a population of zero or less, more deaths than population, or a
    missing count, when the total population is 5,000 or less, or when its bands are not
    exactly the twenty ``age_contents``. A life expectancy whose 95% interval is wider
    than 20 years (1.959964 x SE > 10) is suppressed; its limits are still given.

    Unlike the R function, which appends groups with no results at the end, rows keep
    their input order. Each group must hold each band once (R counts only the rows).

    References
    ----------
    PHEindicatormethods v2.1.0, ``phe_life_expectancy`` (R/LifeExpectancy.R); Chiang (1968);
    Silcocks, Jenner and Reza (2001). Reproduces the package's test values
    (tests/testthat/testLifeExpectancy.R).

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "startage": DEFAULT_AGE_BANDS,
    ...     "pops": [7060, 35059, 46974, 48489, 43219, 38561, 46009, 57208, 61435, 55601,
    ...              50209, 56416, 46411, 39820, 37978, 37039, 33288, 23306, 11936, 11936],
    ...     "deaths": [17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872,
    ...                1390, 1605, 1936, 1937],
    ... })
    >>> result = phe_life_expectancy(table, output="standard")
    >>> result.loc[0, ["value", "lower_ci_95", "upper_ci_95"]].round(4).tolist()
    [80.1696, 79.8827, 80.4565]
    """
    if output not in {"full", "standard"}:
        raise InputError(f"output must be 'full' or 'standard', not {output!r}")
    levels = normalise_confidences(confidence)
    groups = [group_by] if isinstance(group_by, str) else list(group_by or [])
    for column in (deaths, population, startage, *groups):
        if column not in data.columns:
            raise InputError(f"column {column!r} is not in the table")
    band_starts = _band_starts(age_contents)

    _check_no_clash(data, levels, output)

    contents_labels = [str(label) for label in age_contents]
    band_index = _band_index(data[startage], age_contents)
    if (band_index < 0).any():
        position = int(np.flatnonzero(band_index < 0)[0])
        raise InputError(
            f"row {position + 1}, column {startage!r}: age band "
            f"{data[startage].iloc[position]!r} is not one of the age bands {contents_labels}"
        )
    dths = _numeric(data, deaths)
    pops = _numeric(data, population)
    group_code = _group_codes(data, groups)
    complete, valid = _usable_groups(group_code, band_index, dths, pops, len(band_starts))

    # Sort by group and band: each usable group is then 20 consecutive rows, one life table.
    order = np.lexsort((band_index, group_code)).astype(np.int64)
    in_table = valid[group_code[order]]
    targets = order[in_table]
    flat_e, flat_se = np.empty(0), np.empty(0)
    if len(targets):
        expectancy, standard_error = _chiang_silcocks(
            dths[targets].reshape(-1, _NUMBER_OF_BANDS),
            pops[targets].reshape(-1, _NUMBER_OF_BANDS),
            np.asarray(band_starts, dtype=np.float64),
        )
        flat_e, flat_se = expectancy.ravel(), standard_error.ravel()

    result = data.copy()
    value = np.full(len(data), np.nan)
    with np.errstate(invalid="ignore"):
        wide = z_value(0.95) * flat_se > _WIDE_INTERVAL_HALF_WIDTH
    if wide.any():
        warnings.warn(
            "some life expectancy values have a 95% confidence interval wider than "
            "20 years; these values have been suppressed",
            UserWarning,
            stacklevel=2,
        )
    value[targets] = np.where(np.isinf(flat_e) | wide, np.nan, flat_e)
    result["value"] = value
    for level in levels:
        z = z_value(level)
        for name, sign in zip(limit_columns(level), (-1.0, 1.0), strict=True):
            limit = np.full(len(data), np.nan)
            limit[targets] = flat_e + sign * z * flat_se
            result[name] = limit
    if output == "full":
        rows = order[complete[group_code[order]]]
        for name, counts in (("pops_used", pops), ("dths_used", dths)):
            result[name] = _at_and_above(counts, rows)
        result["confidence"] = ", ".join(f"{level * 100:g}%" for level in levels)
        labels = np.asarray(contents_labels, dtype=object)[band_index]
        result["statistic"] = [f"life expectancy at {label}" for label in labels]
        result["method"] = LIFE_EXPECTANCY_METHOD
    return result


def _check_no_clash(data: pd.DataFrame, levels: tuple[float, ...], output: str) -> None:
    added = ["value"]
    for level in levels:
        added += limit_columns(level)
    if output == "full":
        added += ["pops_used", "dths_used", "confidence", "statistic", "method"]
    clash = [column for column in added if column in data.columns]
    if clash:
        raise InputError(f"the table already has a column {clash[0]!r}; rename it first")


def _at_and_above(counts: FloatArray, rows: npt.NDArray[np.int64]) -> FloatArray:
    """Sum of the counts at and above each band, within its group (``rows`` in table order)."""
    used = np.full(len(counts), np.nan)
    used[rows] = _reverse_cumsum(counts[rows].reshape(-1, _NUMBER_OF_BANDS)).ravel()
    return used


def _usable_groups(
    group_code: npt.NDArray[np.int64],
    band_index: npt.NDArray[np.int64],
    dths: FloatArray,
    pops: FloatArray,
    number_of_bands: int,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Which groups hold each band once (complete), and which can have a life table."""
    groups = int(group_code.max()) + 1 if len(group_code) else 0
    rows_in_group = np.bincount(group_code, minlength=groups)
    band_counts = np.zeros((groups, number_of_bands), dtype=np.int64)
    np.add.at(band_counts, (group_code, band_index), 1)
    complete = (number_of_bands == _NUMBER_OF_BANDS) & (band_counts == 1).all(axis=1)
    complete &= rows_in_group == _NUMBER_OF_BANDS

    def any_in_group(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        return np.bincount(group_code[mask], minlength=groups) > 0

    missing = any_in_group(np.isnan(dths) | np.isnan(pops))
    with np.errstate(invalid="ignore"):
        negative_deaths = any_in_group(dths < 0)
        no_population = any_in_group(pops <= 0)
        too_many_deaths = any_in_group(dths > pops)
    total = np.bincount(group_code, weights=np.nan_to_num(pops), minlength=groups)
    small = total <= _MINIMUM_TOTAL_POPULATION
    _warn_for(negative_deaths, "some age bands have negative deaths")
    _warn_for(no_population, "some age bands have a zero or less population")
    _warn_for(~complete, f"some groups do not hold each of the {_NUMBER_OF_BANDS} age bands once")
    _warn_for(too_many_deaths, "some age bands have more deaths than population")
    _warn_for(small & complete, "some groups have a total population of 5,000 or less")
    _warn_for(missing, "some age bands have a missing count of deaths or population")
    valid = complete & ~(missing | negative_deaths | no_population | too_many_deaths | small)
    return complete, valid


def _chiang_silcocks(
    deaths: FloatArray, pops: FloatArray, starts: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Life expectancy and its standard error at each band, one life table per row."""
    width = np.empty_like(deaths)
    width[:, :-1] = np.diff(starts)
    fraction = np.where(starts == 0, 0.1, 0.5)[np.newaxis, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = deaths / pops
        width[:, -1] = 2.0 / rate[:, -1]
        dying = np.where(
            deaths <= pops / width / fraction,
            rate * width / (1.0 + rate * width * (1.0 - fraction)),
            1.0,
        )
        survivors = np.empty_like(deaths)
        survivors[:, 0] = _RADIX
        survivors[:, 1:] = _RADIX * np.cumprod(1.0 - dying[:, :-1], axis=1)
        next_survivors = np.zeros_like(survivors)
        next_survivors[:, :-1] = survivors[:, 1:]
        died = survivors - next_survivors
        years_lived = width * (next_survivors + fraction * died)
        years_lived[:, -1] = survivors[:, -1] / rate[:, -1]
        years_to_come = _reverse_cumsum(years_lived)
        expectancy = np.where(survivors == 0, 0.0, years_to_come / survivors)
        variance_q = np.where(died == 0, 0.0, dying**2 * (1.0 - dying) / deaths)
        variance_q[:, -1] = 4.0 / (deaths[:, -1] * rate[:, -1] ** 2)
        next_expectancy = np.zeros_like(expectancy)
        next_expectancy[:, :-1] = expectancy[:, 1:]
        weighted = variance_q * survivors**2 * ((1.0 - fraction) * width + next_expectancy) ** 2
        weighted[:, -1] = (survivors[:, -1] / 2.0) ** 2 * variance_q[:, -1]
        standard_error = np.sqrt(_reverse_cumsum(weighted) / survivors**2)
    return expectancy, standard_error


def _reverse_cumsum(values: FloatArray) -> FloatArray:
    return np.cumsum(values[:, ::-1], axis=1)[:, ::-1]


def _band_starts(age_contents: Sequence[int | str]) -> list[int]:
    starts = []
    for label in age_contents:
        match = _LEADING_NUMBER.match(str(label))
        if match is None:
            raise InputError(f"age band {label!r} does not start with its start age")
        starts.append(int(match.group(1)))
    if not starts or starts[0] != 0:
        raise InputError("the first age band in age_contents must start at 0")
    if starts != sorted(starts) or len(set(starts)) != len(starts):
        raise InputError("age_contents must be in ascending order of start age")
    return starts


def _band_index(bands: pd.Series, age_contents: Sequence[int | str]) -> npt.NDArray[np.int64]:
    """Position of each row's age band in ``age_contents`` (-1 when it is not there)."""
    numeric_contents = all(not isinstance(label, str) for label in age_contents)
    if numeric_contents and pd.api.types.is_numeric_dtype(bands):
        known = pd.Index([float(label) for label in age_contents])
        return known.get_indexer(pd.Index(bands.astype(np.float64))).astype(np.int64)
    known = pd.Index([str(label) for label in age_contents])
    return known.get_indexer(pd.Index(bands.astype(str))).astype(np.int64)


def _numeric(data: pd.DataFrame, column: str) -> FloatArray:
    values = pd.to_numeric(data[column], errors="coerce").to_numpy(dtype=np.float64)
    given = data[column].notna().to_numpy()
    bad = given & np.isnan(values)
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"row {position + 1}, column {column!r}: {data[column].iloc[position]!r} "
            "is not a number"
        )
    return values


def _group_codes(data: pd.DataFrame, groups: list[str]) -> npt.NDArray[np.int64]:
    if not groups:
        return np.zeros(len(data), dtype=np.int64)
    codes = data.groupby(groups, sort=False, dropna=False).ngroup().to_numpy()
    return codes.astype(np.int64)


def _warn_for(flags: npt.NDArray[np.bool_], reason: str) -> None:
    if flags.any():
        warnings.warn(
            f"{reason}; life expectancy is not computed for {int(flags.sum())} group(s)",
            UserWarning,
            stacklevel=4,
        )
