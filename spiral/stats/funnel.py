"""Funnel plots: control limits at 95% and 99.8%, and where each area falls.

A funnel plot shows each area's value against its size (population, expected or observed
events) with control limits around the average of all areas: the 95% limits (about two
standard deviations, probability 0.025 each side) and the 99.8% limits (about three,
0.001 each side). The methods are those of the Fingertips technical guidance and
PHEindicatormethods v2.1.0 (``calculate_funnel_limits`` and ``assign_funnel_significance``
in R/Funnels.R, with helpers in R/utils.R):

* proportions: the Wilson score interval turned round, to give the range of observed
  proportions an area of population *N* could show if its true value were the average;
* ratios (observed / expected) and rates (crude or directly standardised): the exact
  Poisson distribution; an area's significance uses exact chi-squared limits below ten
  events and Byar's approximation from ten up.

References
----------
Spiegelhalter DJ. Funnel plots for comparing institutional performance. *Statistics in
Medicine* 2005; 24: 1185-1202.

Public Health England. Fingertips technical guidance: funnel plots; confidence intervals
(Wilson score; Byar's method).
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import norm, poisson

from spiral.exceptions import InputError
from spiral.stats.poisson import count_limits
from spiral.stats.tables import FloatArray

__all__ = [
    "SIGNIFICANCE_LEVELS",
    "FunnelInputError",
    "assign_funnel_significance",
    "calculate_funnel_limits",
]

HIGH_001: Final = "High (0.001)"
HIGH_025: Final = "High (0.025)"
LOW_001: Final = "Low (0.001)"
LOW_025: Final = "Low (0.025)"
NOT_SIGNIFICANT: Final = "Not significant"
NOT_APPLICABLE_DSR: Final = "Not applicable for events less than 10 for dsrs"

#: The labels ``assign_funnel_significance`` gives, in the official order.
SIGNIFICANCE_LEVELS: tuple[str, ...] = (
    HIGH_001,
    HIGH_025,
    LOW_001,
    LOW_025,
    NOT_SIGNIFICANT,
    NOT_APPLICABLE_DSR,
)

_STATISTICS = ("proportion", "ratio", "rate")
_POINTS = 100
_BISECTION_TOLERANCE = 1e-7
_SERIES_TOLERANCE = 1e-10
_DSR_MINIMUM_EVENTS = 10
# (name prefix, one-sided probability, which Poisson tail) for the four limits.
_POISSON_LIMITS = (
    ("lower_2s", 0.025, "high"),
    ("upper_2s", 0.025, "low"),
    ("lower_3s", 0.001, "high"),
    ("upper_3s", 0.001, "low"),
)


class FunnelInputError(InputError):
    """A bad value in one row, named by its (1-based) row and column.

    Examples
    --------
    >>> error = FunnelInputError(row=3, column="n", problem="must be greater than zero")
    >>> str(error), error.row
    ("row 3, column 'n': must be greater than zero", 3)
    """

    def __init__(self, *, row: int, column: str, problem: str) -> None:
        self.row = row
        self.column = column
        self.problem = problem
        super().__init__(f"row {row}, column {column!r}: {problem}")


# ---------------------------------------------------------------------------------------
# Control limits for the chart
# ---------------------------------------------------------------------------------------


def calculate_funnel_limits(
    data: pd.DataFrame,
    numerator: str,
    denominator: str | None = None,
    rate: str | None = None,
    *,
    statistic: str,
    multiplier: float,
    ratio_type: str | None = None,
    rate_type: str | None = None,
    years_of_data: float | None = None,
    output: str = "full",
) -> pd.DataFrame:
    """One hundred points of the 95% and 99.8% control limits for a funnel plot.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per area.
    numerator : str
        Column of observed counts (events, or people with the condition).
    denominator : str, optional
        Column of populations (proportions; rates, where it is needed for areas with no
        events) or expected counts (ratios).
    rate : str, optional
        Column of rates, for ``statistic="rate"``.
    statistic : {"proportion", "ratio", "rate"}
        What the funnel plot shows.
    multiplier : float
        Scale of the values: 100 for a percentage, 100000 for a rate per 100,000.
    ratio_type : {"count", "isr"}, optional
        For ratios: limits as observed/expected - 1 (``"count"``) or as observed/expected x
        100 (``"isr"``, an indirectly standardised ratio).
    rate_type : {"dsr", "crude"}, optional
        For rates: a directly standardised rate or a crude rate.
    years_of_data : float, optional
        For rates: the number of years the counts cover (populations are given per year).
    output : {"full", "standard"}, default "full"
        ``"full"`` adds the ``statistic`` and ``method`` columns.

    Returns
    -------
    pandas.DataFrame
        One hundred rows. The first column is the x axis: ``Population`` (proportions),
        ``Observed_events`` (ratios) or ``Events`` (rates). Then ``lower_2s_limit``,
        ``upper_2s_limit``, ``lower_3s_limit`` and ``upper_3s_limit`` (the 95% and 99.8%
        limits); ratios add the expected events at each limit (``*_exp_events``), rates the
        population per year (``*_population_1_year``); proportions and rates end with the
        ``baseline`` (the average).

    Raises
    ------
    ValueError
        When an argument is missing or unknown, or a value is missing or out of range
        (the message names the row, counted from 1, and the column).

    Notes
    -----
    The average is the sum of the numerators over the sum of the denominators (for rates,
    of the populations implied by count and rate: ``multiplier x count / rate``; for a DSR
    with no events the area is left out of the denominator). The x axis runs from 1 (or
    from 95% of the smallest denominator rounded down to one significant figure, when the
    largest is at most twice the smallest) to 105% of the largest rounded up to two
    significant figures, in 100 steps closer together at the small end.

    Proportions: the limit at population *N* is the proportion *p* whose Wilson score
    interval at level *z* has the average at its edge; limits are clipped to [0, 100] as in
    the official method. Ratios and rates: for an axis count *O*, the expected count *E*
    at which *O* is at the edge of the exact Poisson tail of probability 0.025 or 0.001 is
    found by bisection, exactly as the official code (23 halvings of *v*, with
    *E = (1 + O)v/(1 - v)*, and Poisson tail sums truncated where the official series
    stops); the ratio limit is *O/E*, the rate limit *O/E x average x multiplier* at the
    population *E / average / years_of_data*.

    References
    ----------
    PHEindicatormethods v2.1.0 ``calculate_funnel_limits``; reproduces its test files
    testdata_funnel_prop_outputs*.csv, testdata_funnel_ratio_outputs.csv and
    testdata_funnel_rate_outputs*.csv.

    Examples
    --------
    >>> import pandas as pd
    >>> areas = pd.DataFrame({"num": [120, 340, 95, 410], "den": [1000, 2500, 900, 3100]})
    >>> limits = calculate_funnel_limits(
    ...     areas, "num", "den", statistic="proportion", multiplier=100
    ... )
    >>> len(limits), list(limits.columns[:3])
    (100, ['Population', 'lower_2s_limit', 'upper_2s_limit'])
    >>> round(float(limits["baseline"].iloc[0]), 4)
    12.8667
    """
    _check_choice("statistic", statistic, _STATISTICS)
    _check_choice("output", output, ("full", "standard"))
    if statistic == "rate":
        if rate is None or rate_type is None or years_of_data is None:
            raise InputError("rates need numerator, rate, rate_type, multiplier and years_of_data")
        _check_choice("rate_type", rate_type, ("dsr", "crude"))
        if not years_of_data > 0:
            raise InputError("years_of_data must be greater than zero")
        counts, derived = _rate_denominators(
            data,
            numerator=numerator,
            denominator=denominator,
            rate=rate,
            rate_type=rate_type,
            multiplier=multiplier,
        )
    else:
        if statistic == "ratio" and ratio_type is None:
            raise InputError("ratios need ratio_type: 'count' or 'isr'")
        if statistic == "ratio":
            _check_choice("ratio_type", ratio_type or "", ("count", "isr"))
        counts, derived = _counts_and_sizes(data, numerator, denominator, statistic)
    if not len(counts):
        raise InputError("the table has no rows")
    if statistic != "ratio" and not counts.sum() > 0:
        raise InputError("the numerators are all zero: there is no average to draw a funnel around")
    average = float(counts.sum() / np.nansum(derived))
    per_year = float(years_of_data) if statistic == "rate" and years_of_data else 1.0
    axis = _axis_for(statistic, derived, average, per_year)

    if statistic == "proportion":
        table = _proportion_limits(axis, average, multiplier)
        label, method = "proportion", "Wilson"
    elif statistic == "ratio":
        table = _ratio_limits(axis, ratio_type or "count")
        label, method = f"ratio ({ratio_type})", "Poisson"
    else:
        table = _rate_limits(axis, average, multiplier, per_year)
        label, method = f"rate ({rate_type} per {_format_multiplier(multiplier)})", "Poisson"
    # The axis points are whole numbers (the official table prints them so).
    table[table.columns[0]] = axis.astype(np.int64)
    if output == "full":
        table["statistic"] = label
        table["method"] = method
    return table


def _axis_for(statistic: str, derived: FloatArray, average: float, per_year: float) -> FloatArray:
    """The x axis: populations, observed events or (for rates) events."""
    smallest = float(np.nanmin(derived))
    largest = float(np.nanmax(derived))
    if largest > 2 * smallest:
        axis_minimum = 0.0
    else:
        axis_minimum = _round_down_one_figure(smallest / per_year) * per_year
    axis_maximum = _round_up_two_figures(largest / per_year) * per_year
    if statistic == "rate":
        axis_minimum = math.floor(axis_minimum * average)
        axis_maximum = math.ceil(axis_maximum * average)
    return _axis(axis_minimum, axis_maximum, ratio=statistic == "ratio")


def _proportion_limits(population: FloatArray, average: float, multiplier: float) -> pd.DataFrame:
    columns: dict[str, FloatArray | float] = {"Population": population}
    for name, probability in (("2s", 0.975), ("3s", 0.999)):
        low, high = _proportion_limit_pair(population, average, probability)
        # The official method clips the limits to 0 and 100, whatever the multiplier.
        columns[f"lower_{name}_limit"] = np.maximum(0.0, low * multiplier)
        columns[f"upper_{name}_limit"] = np.minimum(100.0, high * multiplier)
    ordered = ["Population", "lower_2s_limit", "upper_2s_limit", "lower_3s_limit", "upper_3s_limit"]
    table = pd.DataFrame({name: columns[name] for name in ordered})
    table["baseline"] = average * multiplier
    return table


def _ratio_limits(observed: FloatArray, ratio_type: str) -> pd.DataFrame:
    table = pd.DataFrame({"Observed_events": observed})
    for name, probability, tail in _POISSON_LIMITS:
        expected = _poisson_funnel(observed, probability, tail)
        ratio = observed / expected
        table[f"{name}_exp_events"] = expected
        table[f"{name}_limit"] = ratio - 1.0 if ratio_type == "count" else ratio * 100.0
    return table


def _rate_limits(
    events: FloatArray, average: float, multiplier: float, years: float
) -> pd.DataFrame:
    table = pd.DataFrame({"Events": events})
    for name, probability, tail in _POISSON_LIMITS:
        population = _poisson_funnel(events, probability, tail) / average
        table[f"{name}_population_1_year"] = population / years
        table[f"{name}_limit"] = events / population * multiplier
    table["baseline"] = average * multiplier
    return table


def _axis(minimum: float, maximum: float, *, ratio: bool) -> FloatArray:
    """The 100 x-axis points, spread geometrically and at least one apart."""
    points = [max(1.0, float(minimum))]
    for j in range(2, _POINTS + 1):
        offset = j - 1 if ratio else j
        previous = points[-1]
        step = round((maximum / previous) ** (1 / (101 - offset)) * previous)
        points.append(float(max(step, previous + 1)))
    return np.asarray(points)


def _round_down_one_figure(value: float) -> float:
    """95% of a value, rounded down to (about) one significant figure, as the official code."""
    if value == 0:
        return 0.0
    power = _r_character_width(math.floor(value * 0.95)) - 1
    return float(math.floor(value * 0.95 / 10**power) * 10**power)


def _round_up_two_figures(value: float) -> float:
    """105% of a value, rounded up to (about) two significant figures, as the official code."""
    if value == 0:
        return 0.0
    power = _r_character_width(math.ceil(value * 1.05)) - 2
    return float(math.ceil(value * 1.05 / 10**power) * 10**power)


def _r_character_width(number: int) -> int:
    """Characters R uses to print a whole number held as a double (``nchar(floor(x))``).

    R prints ``100000`` as ``1e+05``: it chooses scientific notation when that is shorter.
    The official axis rounding counts those characters, so this does too.
    """
    digits = str(abs(int(number)))
    significant = len(digits.rstrip("0")) or 1
    exponent = len(digits) - 1
    mantissa = 1 if significant == 1 else significant + 1
    scientific = mantissa + 2 + max(2, len(str(exponent)))
    fixed = len(digits)
    return fixed if fixed <= scientific else scientific


def _format_multiplier(multiplier: float) -> str:
    if float(multiplier).is_integer():
        return f"{int(multiplier):,}"
    return f"{multiplier:,}"


# ---------------------------------------------------------------------------------------
# Proportions: the Wilson interval, inverted
# ---------------------------------------------------------------------------------------


def _proportion_limit_pair(
    population: FloatArray, average: float | FloatArray, probability: float
) -> tuple[FloatArray, FloatArray]:
    """Lower and upper funnel limits (as fractions) for a proportion at ``population``.

    They solve the Wilson score bounds for the observed proportion whose interval just
    reaches ``average``, with ``z = Φ⁻¹(probability)``.
    """
    c = float(norm.ppf(probability)) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        base = average * (population / c + 1.0)
        spread = np.sqrt(
            (8.0 * base) ** 2
            - 64.0
            * (1.0 / c + 1.0 / population)
            * average
            * (population * (average * (population / c + 2.0) - 1.0) + c * (average - 1.0))
        )
        scale = (1.0 / c + 1.0 / population) * population
        return (base - spread / 8.0) / scale, (base + spread / 8.0) / scale


# ---------------------------------------------------------------------------------------
# Poisson limits for ratios and rates
# ---------------------------------------------------------------------------------------


def _poisson_funnel(observed: FloatArray, probability: float, tail: str) -> FloatArray:
    """Expected count at which ``observed`` sits at a Poisson tail of ``probability``.

    ``tail="low"``: P(X >= O | E) = p (E below O; the upper limit of O/E).
    ``tail="high"``: P(X <= O | E) = p (E above O; the lower limit of O/E).
    Bisection on v in (0, 1) with E = (1 + O)v/(1 - v), halving the step until it is at
    most 1e-7, as the official code, so the result matches it to the last digits.
    """
    v = np.full(observed.shape, 0.5)
    step = 0.5
    while step > _BISECTION_TOLERANCE:
        step /= 2
        expected = (1.0 + observed) * v / (1.0 - v)
        if tail == "low":
            move_down = _series_tail(expected, observed, upper=True) > probability
        else:
            move_down = _series_tail(expected, observed, upper=False) < probability
        v = np.where(move_down, v - step, v + step)
    return np.asarray((1.0 + observed) * v / (1.0 - v), dtype=np.float64)


def _series_tail(expected: FloatArray, observed: FloatArray, *, upper: bool) -> FloatArray:
    """Poisson tail probability as the official series computes it.

    The official code sums Poisson terms from k = 0 until k is past the mean and the
    next term is at most 1e-10 of the running total, then divides the tail's share by
    that total. Leaving out the rest of the series shifts a tail of 0.001 by a few parts
    in 10 million, enough to move the last bisection steps, so the sum stops at the
    same term here.
    """
    stop = _series_stop(expected)
    total = poisson.cdf(stop - 1, expected)
    if upper:
        share = poisson.sf(observed - 1, expected) - poisson.sf(stop - 1, expected)
    else:
        share = poisson.cdf(np.minimum(observed, stop - 1), expected)
    return np.asarray(share / total, dtype=np.float64)


def _series_stop(expected: FloatArray) -> FloatArray:
    """First k past the mean whose Poisson term is <= 1e-10 of the terms before it."""
    low = np.floor(expected) + 1.0
    high = low + np.ceil(40.0 * np.sqrt(expected)) + 60.0
    while np.any(high > low):
        middle = np.floor((low + high) / 2.0)
        small = poisson.pmf(middle, expected) <= _SERIES_TOLERANCE * poisson.cdf(
            middle - 1.0, expected
        )
        high = np.where(small, middle, high)
        low = np.where(small, low, middle + 1.0)
    return low


def _count_limits(observed: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Confidence limits of Poisson counts as the official funnels use them.

    Exact chi-squared limits below 10 events, Byar's approximation from 10 up
    (:func:`spiral.stats.poisson.count_limits`).
    """
    (limits,), _ = count_limits(observed, [level])
    return limits


# ---------------------------------------------------------------------------------------
# Significance of each area
# ---------------------------------------------------------------------------------------


def assign_funnel_significance(
    data: pd.DataFrame,
    numerator: str,
    denominator: str | None = None,
    rate: str | None = None,
    *,
    statistic: str,
    rate_type: str | None = None,
    multiplier: float | None = None,
    average: float | None = None,
) -> pd.DataFrame:
    """Say whether each area lies outside the 95% or 99.8% funnel-plot limits.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per area.
    numerator : str
        Column of observed counts.
    denominator : str, optional
        Column of populations (proportions; rates with areas of no events) or expected
        counts (ratios).
    rate : str, optional
        Column of rates, for ``statistic="rate"``.
    statistic : {"proportion", "ratio", "rate"}
        What is compared.
    rate_type : {"dsr", "crude"}, optional
        For rates: directly standardised or crude.
    multiplier : float, optional
        For rates: the scale the rates are given on (100000 for per 100,000).
    average : float, optional
        For proportions and rates: the average the funnel is drawn around, as a fraction
        (proportions) or a rate per person (rates). By default the table's own (see the
        notes); give it when ``data`` is one part of a larger table, worked through a part
        at a time (:mod:`spiral.stats.batches`). Ratios are always compared with 1.

    Returns
    -------
    pandas.DataFrame
        The input rows and columns plus ``significance``, a categorical with the levels
        :data:`SIGNIFICANCE_LEVELS`: ``"High (0.001)"``, ``"High (0.025)"``,
        ``"Low (0.001)"``, ``"Low (0.025)"``, ``"Not significant"`` and, for a DSR from
        fewer than 10 events, ``"Not applicable for events less than 10 for dsrs"``.

    Raises
    ------
    ValueError
        When an argument is missing or unknown, a value is missing or out of range (the
        message names the row, counted from 1, and the column), or the table already has
        a ``significance`` column.

    Notes
    -----
    Proportions: O/N is compared with the funnel limits at N around the overall
    proportion ΣO/ΣN, in the order Low (0.001), Low (0.025), High (0.001), High (0.025).
    Ratios: 1 is compared with the 99.8% and 95% confidence limits of O/E (exact below 10
    events, Byar from 10). Rates: the average rate ΣO/ΣP, with P = O / rate x multiplier
    (or the denominator where O = 0 for crude rates; DSRs with O = 0 are left out), is
    compared with the limits of O / P; ratios and rates are checked in the order
    High (0.001), High (0.025), Low (0.001), Low (0.025).

    References
    ----------
    PHEindicatormethods v2.1.0 ``assign_funnel_significance``; reproduces all rows of its
    test files testdata_funnel_prop_inputs.csv, testdata_funnel_ratio_inputs.csv and the
    eight significance columns of testdata_funnel_rate_dsr_inputs.csv.

    Examples
    --------
    >>> import pandas as pd
    >>> areas = pd.DataFrame({
    ...     "area": ["A", "B", "C", "D"],
    ...     "numerator": [10232, 12321, 15123, 13213],
    ...     "denominator": [15232, 16123, 17932, 18475],
    ... })
    >>> assign_funnel_significance(
    ...     areas, "numerator", "denominator", statistic="proportion"
    ... )["significance"].tolist()
    ['Low (0.001)', 'High (0.001)', 'High (0.001)', 'Low (0.001)']
    """
    _check_choice("statistic", statistic, _STATISTICS)
    if "significance" in data.columns:
        raise InputError("the table already has a column 'significance'; rename it first")
    if statistic == "rate":
        if rate is None or rate_type is None or multiplier is None:
            raise InputError("rates need numerator, rate, rate_type and multiplier")
        _check_choice("rate_type", rate_type, ("dsr", "crude"))
        counts, derived = _rate_denominators(
            data,
            numerator=numerator,
            denominator=denominator,
            rate=rate,
            rate_type=rate_type,
            multiplier=multiplier,
        )
        codes = _rate_significance_codes(counts, derived, rate_type, average)
    else:
        counts, sizes = _counts_and_sizes(data, numerator, denominator, statistic)
        if statistic == "proportion":
            codes = _proportion_significance_codes(counts, sizes, average)
        else:
            codes = _ratio_significance_codes(counts, sizes, 1.0)

    result = data.copy()
    result["significance"] = pd.Categorical.from_codes(codes, categories=_LEVEL_INDEX)
    return result


_LEVEL_INDEX = pd.Index(SIGNIFICANCE_LEVELS)
_LEVEL_CODES = {label: np.int8(code) for code, label in enumerate(SIGNIFICANCE_LEVELS)}


def _proportion_significance_codes(
    counts: FloatArray, sizes: FloatArray, average: float | None = None
) -> npt.NDArray[np.int8]:
    if average is None:
        average = float(counts.sum() / sizes.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = counts / sizes
    low_3s, high_3s = _proportion_limit_pair(sizes, average, 0.999)
    low_2s, high_2s = _proportion_limit_pair(sizes, average, 0.975)
    codes = np.full(counts.shape, _LEVEL_CODES[NOT_SIGNIFICANT], dtype=np.int8)
    # Fill in reverse order of precedence so the first matching rule wins.
    codes[observed > high_2s] = _LEVEL_CODES[HIGH_025]
    codes[observed > high_3s] = _LEVEL_CODES[HIGH_001]
    codes[observed < low_2s] = _LEVEL_CODES[LOW_025]
    codes[observed < low_3s] = _LEVEL_CODES[LOW_001]
    return codes


def _ratio_significance_codes(
    counts: FloatArray, sizes: FloatArray, benchmark: float
) -> npt.NDArray[np.int8]:
    """Compare ``benchmark`` with the confidence limits of counts / sizes."""
    lower_3s, upper_3s = _count_limits(counts, 0.998)
    lower_2s, upper_2s = _count_limits(counts, 0.95)
    codes = np.full(counts.shape, _LEVEL_CODES[NOT_SIGNIFICANT], dtype=np.int8)
    with np.errstate(divide="ignore", invalid="ignore"):
        codes[benchmark > upper_2s / sizes] = _LEVEL_CODES[LOW_025]
        codes[benchmark > upper_3s / sizes] = _LEVEL_CODES[LOW_001]
        codes[benchmark < lower_2s / sizes] = _LEVEL_CODES[HIGH_025]
        codes[benchmark < lower_3s / sizes] = _LEVEL_CODES[HIGH_001]
    return codes


def _rate_significance_codes(
    counts: FloatArray, derived: FloatArray, rate_type: str, average: float | None = None
) -> npt.NDArray[np.int8]:
    if average is None:
        average = float(counts.sum() / np.nansum(derived))
    codes = _ratio_significance_codes(counts, derived, average)
    if rate_type == "dsr":
        codes[counts < _DSR_MINIMUM_EVENTS] = _LEVEL_CODES[NOT_APPLICABLE_DSR]
    return codes


# ---------------------------------------------------------------------------------------
# Checking and preparing the input
# ---------------------------------------------------------------------------------------


def _counts_and_sizes(
    data: pd.DataFrame, numerator: str, denominator: str | None, statistic: str
) -> tuple[FloatArray, FloatArray]:
    """Checked counts and denominators for proportions and ratios."""
    if denominator is None:
        raise InputError(f"{statistic}s need numerator and denominator")
    counts = _column(data, numerator, f"for {statistic}s, numerators")
    sizes = _column(data, denominator, f"for {statistic}s, denominators")
    _check_counts(numerator, counts)
    _check_positive(denominator, sizes)
    if statistic == "proportion":
        _check_not_above(numerator, denominator, counts, sizes)
    return counts, sizes


def _rate_denominators(
    data: pd.DataFrame,
    *,
    numerator: str,
    denominator: str | None,
    rate: str,
    rate_type: str,
    multiplier: float,
) -> tuple[FloatArray, FloatArray]:
    """Counts and the populations they imply (multiplier x count / rate)."""
    if not multiplier > 0:
        raise InputError("multiplier must be greater than zero")
    counts = _column(data, numerator, "for rates, numerators", allow_missing=False)
    _check_counts(numerator, counts)
    rates = _column(data, rate, "rates", allow_missing=True)
    zero = counts == 0
    if zero.any() and denominator is None:
        raise FunnelInputError(
            row=_first(zero),
            column=numerator,
            problem="for rates, where there are 0 events "
            "for a record, the denominator column must be given",
        )
    missing_rate = np.isnan(rates) & ~zero
    if missing_rate.any():
        raise FunnelInputError(
            row=_first(missing_rate),
            column=rate,
            problem="for rates, rates must be provided for all records with events",
        )
    bad_rate = (rates <= 0) & ~zero
    if bad_rate.any():
        raise FunnelInputError(
            row=_first(bad_rate),
            column=rate,
            problem="a rate must be greater than zero where there are events",
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        implied = multiplier * counts / rates
    if rate_type == "dsr":
        return counts, np.where(zero, np.nan, implied)
    if denominator is None:
        return counts, implied
    sizes = _column(data, denominator, "denominators", allow_missing=True)
    missing_size = np.isnan(sizes) & zero
    if missing_size.any():
        raise FunnelInputError(
            row=_first(missing_size),
            column=denominator,
            problem="for rates, where there are "
            "0 events for a record, the denominator must be provided",
        )
    _check_positive(denominator, sizes)
    return counts, np.where(zero, sizes, implied)


def _column(
    data: pd.DataFrame, column: str, what: str, *, allow_missing: bool = False
) -> FloatArray:
    if column not in data.columns:
        raise InputError(f"column {column!r} is not in the table")
    raw = data[column]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    not_number = raw.notna().to_numpy() & np.isnan(values)
    if not_number.any():
        position = _first(not_number)
        raise FunnelInputError(
            row=position, column=column, problem=f"{raw.iloc[position - 1]!r} is not a number"
        )
    if not allow_missing and np.isnan(values).any():
        raise FunnelInputError(
            row=_first(np.isnan(values)),
            column=column,
            problem=f"{what} must be provided for all records, even when their values are zero",
        )
    return values


def _check_counts(column: str, counts: FloatArray) -> None:
    negative = counts < 0
    if negative.any():
        raise FunnelInputError(
            row=_first(negative),
            column=column,
            problem="numerators must be greater than or equal to zero",
        )


def _check_positive(column: str, sizes: FloatArray) -> None:
    bad = sizes <= 0
    if bad.any():
        raise FunnelInputError(
            row=_first(bad), column=column, problem="denominators must be greater than zero"
        )


def _check_not_above(
    numerator: str, denominator: str, counts: FloatArray, sizes: FloatArray
) -> None:
    above = counts > sizes
    if above.any():
        raise FunnelInputError(
            row=_first(above),
            column=numerator,
            problem=f"numerators must be less than or "
            f"equal to the denominator ({denominator!r}) for a proportion",
        )


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        options = ", ".join(repr(choice) for choice in choices)
        raise InputError(f"{name} must be one of {options}, not {value!r}")


def _first(mask: npt.NDArray[np.bool_]) -> int:
    """Row number (from 1) of the first flagged row."""
    return int(np.argmax(mask)) + 1
