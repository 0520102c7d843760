"""Demand forecasts: projected population × prevalence, with the prevalence's uncertainty.

A forecast of how many people will need a service is the sum, over strata (age band × sex),
of the projected population of each stratum times the prevalence of the need in it:

    D = Σ_s P_s p_s

Population projections (ONS subnational projections) are taken as fixed: ONS publishes them
without intervals. The prevalence comes either from a survey (``cases`` out of ``sample``,
whose interval is the Wilson score interval — the official method for proportions) or with a
published confidence interval (``lower``, ``upper``). Prevalence strata are assumed
independent of one another.

Two ways of carrying the prevalence's uncertainty into the forecast:

``method="delta"`` (default)
    The delta method (first-order Taylor expansion; Oehlert, *Am. Stat.* 1992). Each
    stratum's standard error is read from its interval, ``se_s = (upper_s − lower_s) / (2z)``;
    ``Var(D) = Σ_s P_s² se_s²`` and the interval is ``D ± z √Var(D)``, floored at 0.

``method="monte-carlo"``
    Simulation with a seeded generator (:func:`numpy.random.default_rng`). Each stratum's
    prevalence is drawn on the logit scale, ``logit p ~ Normal(logit p̂, σ)`` with
    ``σ = (logit upper − logit lower) / (2z)`` (a logit-normal fitted to the interval, so that
    draws stay between 0 and 1 and follow an asymmetric interval); one draw of every stratum
    is shared by all areas and periods, as they use the same prevalence. The interval is the
    percentiles of the simulated totals. The same ``seed`` gives the same answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from spiral.exceptions import InputError
from spiral.stats.confidence import normalise_confidence, z_value
from spiral.stats.proportions import wilson_limits
from spiral.stats.tables import limit_columns

__all__ = ["forecast_demand", "survey_prevalence"]

Method = Literal["delta", "monte-carlo"]
DRAW_BLOCK = 1000


def survey_prevalence(
    data: pd.DataFrame,
    *,
    cases: str = "cases",
    sample: str = "sample",
    confidence: float = 95,
) -> pd.DataFrame:
    """Prevalence from a survey sample, with its Wilson score interval.

    Method: Wilson score interval (Wilson, *JASA* 1927), the official method for proportions
    in PHEindicatormethods ``phe_proportion``.

    Returns
    -------
    DataFrame
        A copy of ``data`` with ``prevalence``, ``lower`` and ``upper`` (fractions).

    Examples
    --------
    >>> import pandas as pd
    >>> result = survey_prevalence(pd.DataFrame({"cases": [65], "sample": [100]}))
    >>> [round(float(result[c].iloc[0]), 6) for c in ("prevalence", "lower", "upper")]
    [0.65, 0.552544, 0.736358]
    """
    x = _column(data, cases)
    n = _column(data, sample)
    bad = (n <= 0) | (x < 0) | (x > n)
    if np.any(bad):
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"row {row + 1}: a prevalence needs 0 <= {cases} <= {sample}, {sample} > 0"
        )
    lower, upper = wilson_limits(x, n, confidence)
    result = data.copy()
    result["prevalence"] = x / n
    result["lower"] = lower
    result["upper"] = upper
    return result


def _column(data: pd.DataFrame, name: str) -> np.ndarray:
    if name not in data.columns:
        raise InputError(f"{name!r} is not a column of the table")
    values = pd.to_numeric(data[name], errors="coerce")
    if values.isna().any():
        row = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise InputError(f"row {row + 1}, {name}: {data[name].iloc[row]!r} is not a number")
    return values.to_numpy(dtype=float)


def _prevalence_table(prevalence: pd.DataFrame, on: list[str], confidence: float) -> pd.DataFrame:
    if {"cases", "sample"} <= set(prevalence.columns) and "prevalence" not in prevalence:
        prevalence = survey_prevalence(prevalence, confidence=confidence)
    for name in ("prevalence", "lower", "upper"):
        _column(prevalence, name)
    p = prevalence["prevalence"].to_numpy(dtype=float)
    lo = prevalence["lower"].to_numpy(dtype=float)
    hi = prevalence["upper"].to_numpy(dtype=float)
    bad = (lo < 0) | (hi > 1) | (lo > p) | (p > hi)
    if np.any(bad):
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"row {row + 1}: prevalence needs 0 <= lower <= prevalence <= upper <= 1 "
            "(write prevalences as fractions)"
        )
    # Without strata there is one prevalence for everybody, so a second row is a repeat.
    repeated = prevalence.duplicated(on).to_numpy() if on else np.arange(len(prevalence)) > 0
    if repeated.any():
        row = int(np.flatnonzero(repeated)[0])
        raise InputError(f"row {row + 1}: the prevalence table repeats a stratum {on}")
    return prevalence[[*on, "prevalence", "lower", "upper"]].reset_index(drop=True)


def forecast_demand(
    projections: pd.DataFrame,
    prevalence: pd.DataFrame,
    *,
    on: Sequence[str] = ("age", "sex"),
    by: Sequence[str] = ("area_code", "period"),
    population: str = "population",
    method: Method = "delta",
    confidence: float = 95,
    draws: int = 10_000,
    seed: int | None = None,
) -> pd.DataFrame:
    """Forecast how many people will need a service, with a confidence interval.

    Parameters
    ----------
    projections : DataFrame
        Projected population: the ``by`` columns, the stratum columns ``on`` and
        ``population``.
    prevalence : DataFrame
        One row per stratum (``on`` columns) with ``prevalence``, ``lower``, ``upper``
        (fractions), or with ``cases`` and ``sample`` from a survey (Wilson interval).
    on : sequence of str
        Stratum columns shared by both tables (for example age band and sex); may be empty
        for one prevalence for everybody.
    by : sequence of str
        Columns identifying one forecast (area and projection year).
    population : str
        Population column of ``projections``.
    method : {"delta", "monte-carlo"}
        How the prevalence's uncertainty is carried (see the module notes).
    confidence : float
        Level of the interval reported.
    draws : int
        Number of simulations (Monte Carlo only).
    seed : int, optional
        Seed of the generator (Monte Carlo only); give one for a reproducible answer.

    Returns
    -------
    DataFrame
        One row per ``by`` group: ``population``, ``demand``, ``lower_ci_<level>``,
        ``upper_ci_<level>``, ``method``.

    Raises
    ------
    InputError
        When a stratum of the projections has no prevalence, a population is negative or not
        a number, or an interval is not around its prevalence.

    Examples
    --------
    >>> import pandas as pd
    >>> projections = pd.DataFrame({"area_code": ["E08000009"] * 2, "period": ["2030"] * 2,
    ...                             "age": ["65-74", "75+"], "population": [25000, 22000]})
    >>> prevalence = pd.DataFrame({"age": ["65-74", "75+"], "cases": [40, 90],
    ...                            "sample": [1000, 1000]})
    >>> result = forecast_demand(projections, prevalence, on=["age"])
    >>> round(float(result["demand"].iloc[0]))
    2980
    >>> float(result["lower_ci_95"].iloc[0]) < 2980 < float(result["upper_ci_95"].iloc[0])
    True
    """
    strata = list(on)
    groups = list(by)
    _check_columns(
        projections, prevalence, strata=strata, groups=groups, population=population, method=method
    )
    level = normalise_confidence(confidence)
    z = z_value(level)
    rates = _prevalence_table(prevalence, strata, level)
    frame, weight = _population_by_stratum(projections, rates, strata, groups, population)
    p = rates["prevalence"].to_numpy(dtype=float)
    lo = rates["lower"].to_numpy(dtype=float)
    hi = rates["upper"].to_numpy(dtype=float)

    demand = weight @ p
    if method == "delta":
        se = (hi - lo) / (2 * z)
        half = z * np.sqrt((weight**2) @ (se**2))
        lower = np.maximum(demand - half, 0.0)
        upper = demand + half
    else:
        lower, upper = _simulate(weight, p, lo, hi, z=z, level=level, draws=draws, seed=seed)

    lower_name, upper_name = limit_columns(level)
    if groups:
        result = frame.groupby(groups, sort=True, dropna=False)[groups].first()
        result = result.reset_index(drop=True)
    else:
        result = pd.DataFrame(index=[0])
    result[population] = weight.sum(axis=1)
    result["demand"] = demand
    result[lower_name] = lower
    result[upper_name] = upper
    result["method"] = method
    return result


def _check_columns(
    projections: pd.DataFrame,
    prevalence: pd.DataFrame,
    *,
    strata: list[str],
    groups: list[str],
    population: str,
    method: str,
) -> None:
    missing = [c for c in [*groups, *strata, population] if c not in projections.columns]
    if missing:
        raise InputError(f"projections lack the columns {missing!r}")
    missing = [c for c in strata if c not in prevalence.columns]
    if missing:
        raise InputError(f"prevalence lacks the columns {missing!r}")
    if method not in ("delta", "monte-carlo"):
        raise InputError(f"method must be 'delta' or 'monte-carlo', not {method!r}")


def _population_by_stratum(
    projections: pd.DataFrame,
    rates: pd.DataFrame,
    strata: list[str],
    groups: list[str],
    population: str,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The projection rows, and a (forecast group × prevalence stratum) population matrix."""
    people = _column(projections, population)
    if np.any(people < 0):
        row = int(np.flatnonzero(people < 0)[0])
        raise InputError(f"row {row + 1}, {population}: a population cannot be negative")
    frame = projections[[*groups, *strata]].reset_index(drop=True).copy()
    if strata:
        numbered = rates[strata].assign(_s=np.arange(len(rates)))
        frame["_stratum"] = frame[strata].merge(numbered, how="left", on=strata)["_s"]
    else:
        frame["_stratum"] = 0
    if frame["_stratum"].isna().any():
        row = int(np.flatnonzero(frame["_stratum"].isna().to_numpy())[0])
        shown = {c: frame[c].iloc[row] for c in strata}
        raise InputError(f"row {row + 1} of the projections: no prevalence for {shown}")
    stratum = frame["_stratum"].to_numpy(dtype=np.int64)
    if groups:
        key = frame.groupby(groups, sort=True, dropna=False).ngroup().to_numpy()
    else:
        key = np.zeros(len(frame), dtype=np.int64)
    count = int(key.max()) + 1 if len(key) else 0
    weight = np.zeros((count, len(rates)))
    np.add.at(weight, (key, stratum), people)
    return frame, weight


def _logit(values: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        result: np.ndarray = np.log(values) - np.log1p(-values)
        return result


def _simulate(
    weight: np.ndarray,
    p: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    z: float,
    level: float,
    draws: int,
    seed: int | None,
) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 100:
        raise InputError(f"draws must be a whole number of at least 100, not {draws!r}")
    generator = np.random.default_rng(seed)
    centre = _logit(p)
    spread = (_logit(hi) - _logit(lo)) / (2 * z)
    spread = np.where(np.isfinite(spread), spread, 0.0)
    fixed = ~np.isfinite(centre)  # a prevalence of 0 or 1 stays where it is
    totals = np.empty((weight.shape[0], draws))
    for start in range(0, draws, DRAW_BLOCK):
        stop = min(start + DRAW_BLOCK, draws)
        normal = generator.standard_normal((len(p), stop - start))
        logits = np.where(fixed[:, None], 0.0, centre[:, None]) + spread[:, None] * normal
        sampled = np.where(fixed[:, None], p[:, None], 1 / (1 + np.exp(-logits)))
        totals[:, start:stop] = weight @ sampled
    tail = (1 - level) / 2 * 100
    lower, upper = np.percentile(totals, [tail, 100 - tail], axis=1)
    return lower, upper
