"""Stepped social time preference rate (STPR) schedules and discount factors.

HM Treasury Green Book, Annex A6 (2022) and the 2003 Annex 6 Table 6.1: the standard
schedule discounts at 3.5% a year for years 0–30, then 3.0% (31–75), 2.5% (76–125), 2.0%
(126–200), 1.5% (201–300) and 1.0% beyond; health effects use 1.5% in the first band, and a
reduced schedule removes pure time preference. Rates are compounded year by year: the factor
for year *t* is the product over *y* = 1..*t* of 1/(1 + *r_y*), with *r_y* the rate of the
band holding year *y*. Year 0 is the present and is not discounted.

The schedules are read from ``data/discount_rate_schedule.csv`` shipped with the package.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from spiral.exceptions import InputError

FloatArray = npt.NDArray[np.float64]

#: The shipped schedules and their columns in ``discount_rate_schedule.csv``.
SCHEDULE_COLUMNS = {
    "standard": "standard_stpr",
    "reduced": "reduced_excl_pure_time_pref",
    "health": "health",
    "health_reduced": "health_reduced",
}


#: The furthest year :func:`discount_factors` computes (the work grows with the year).
MAX_YEAR = 100_000


class Convention(StrEnum):
    """When in each year the cash flows are taken to fall.

    ``end_of_year`` (the default): year *t* is discounted by the full *t* years, year 0 not
    at all. ``mid_year``: the flows of year *t* ≥ 1 fall half-way through it, so they are
    discounted by *t* − 1 whole years and half of year *t*; year 0 is still the present.
    """

    END_OF_YEAR = "end_of_year"
    MID_YEAR = "mid_year"


@dataclass(frozen=True)
class RateSchedule:
    """A stepped schedule of annual discount rates.

    Attributes
    ----------
    name : str
        What the schedule is called (``standard``, ``health``, ...).
    starts : tuple of int
        First year of each band, strictly increasing and starting at 0.
    rates : tuple of float
        Annual rate of each band as a fraction (0.035 for 3.5%).
    last_year : int or None
        The last year the schedule covers, or None when the final band is open-ended.

    Examples
    --------
    >>> s = RateSchedule("flat", (0,), (0.05,))
    >>> s.rate_for_years([0, 1, 100]).tolist()
    [0.05, 0.05, 0.05]
    >>> try:
    ...     RateSchedule("bad", (0, 10), (0.03, -0.01))
    ... except InputError as error:
    ...     print(error)
    schedule 'bad': the rate of the band from year 10 is negative (-0.01)
    """

    name: str
    starts: tuple[int, ...]
    rates: tuple[float, ...]
    last_year: int | None = None

    def __post_init__(self) -> None:
        if len(self.starts) != len(self.rates) or not self.starts:
            raise InputError(f"schedule {self.name!r}: give one rate for each band start")
        if self.starts[0] != 0:
            raise InputError(f"schedule {self.name!r}: the first band must start at year 0")
        for before, after in zip(self.starts, self.starts[1:], strict=False):
            if after <= before:
                raise InputError(
                    f"schedule {self.name!r}: band starts are out of order "
                    f"(year {after} follows year {before})"
                )
        for start, rate in zip(self.starts, self.rates, strict=True):
            if not np.isfinite(rate):
                raise InputError(
                    f"schedule {self.name!r}: the rate of the band from year {start} is missing"
                )
            if rate < 0:
                raise InputError(
                    f"schedule {self.name!r}: the rate of the band from year {start} "
                    f"is negative ({rate})"
                )

    def rate_for_years(self, years: npt.ArrayLike) -> FloatArray:
        """Return the annual rate that applies in each year (vectorised).

        Examples
        --------
        >>> schedule("standard").rate_for_years([0, 30, 31, 75, 76, 301]).tolist()
        [0.035, 0.035, 0.03, 0.03, 0.025, 0.01]
        """
        ys = _check_years(years)
        if self.last_year is not None and ys.size and int(ys.max()) > self.last_year:
            raise InputError(
                f"schedule {self.name!r} is not published beyond year {self.last_year}"
            )
        band = np.searchsorted(np.asarray(self.starts), ys, side="right") - 1
        return np.asarray(self.rates, dtype=np.float64)[band]

    def shifted(self, delta: float) -> RateSchedule:
        """Return the schedule with every band's rate moved by ``delta`` (for sensitivity).

        Examples
        --------
        >>> schedule("standard").shifted(0.01).rates[:2]
        (0.045, 0.04)
        """
        return RateSchedule(
            f"{self.name}{delta:+g}",
            self.starts,
            tuple(round(r + delta, 12) for r in self.rates),
            self.last_year,
        )


def _check_years(years: npt.ArrayLike) -> npt.NDArray[np.int64]:
    arr = np.asarray(years)
    if arr.size and not np.all(np.equal(np.mod(arr, 1), 0)):
        raise InputError("years must be whole numbers")
    ys = arr.astype(np.int64)
    if ys.size and int(ys.min()) < 0:
        raise InputError(f"years must not be negative (got {int(ys.min())})")
    return ys


@cache
def _schedule_rows() -> tuple[dict[str, str], ...]:
    text = (
        resources.files("spiral.appraisal")
        .joinpath("data/discount_rate_schedule.csv")
        .read_text(encoding="utf-8")
    )
    return tuple(csv.DictReader(text.splitlines()))


def schedule(name: str = "standard") -> RateSchedule:
    """Return one of the published Green Book schedules.

    Parameters
    ----------
    name : {"standard", "health", "reduced", "health_reduced"}
        ``standard`` is the STPR of Green Book Annex A6; ``health`` is for health effects
        (1.5% in years 0–30); ``reduced`` removes pure time preference (3.0% in years 0–30);
        ``health_reduced`` is published only to year 125.

    Returns
    -------
    RateSchedule

    Examples
    --------
    >>> schedule("health").rates
    (0.015, 0.0129, 0.0107, 0.0086, 0.0064, 0.0043)
    >>> schedule("health_reduced").last_year
    125
    """
    try:
        column = SCHEDULE_COLUMNS[name]
    except KeyError:
        known = ", ".join(SCHEDULE_COLUMNS)
        raise InputError(f"unknown discount schedule {name!r}: use one of {known}") from None
    starts: list[int] = []
    rates: list[float] = []
    last_year: int | None = None
    for row in _schedule_rows():
        if not row[column]:
            break
        starts.append(int(row["year_from"]))
        rates.append(float(row[column]))
        last_year = int(row["year_to"]) if row["year_to"] else None
    return RateSchedule(name, tuple(starts), tuple(rates), last_year)


def discount_factors(
    years: npt.ArrayLike,
    rates: str | RateSchedule = "standard",
    convention: Convention | str = Convention.END_OF_YEAR,
) -> FloatArray:
    """Discount factors for the given years under a stepped schedule, compounded yearly.

    Green Book Annex A6: factor(*t*) = ∏\\ :sub:`y=1..t` 1/(1 + *r_y*), year 0 undiscounted.
    Under the mid-year convention the flows of year *t* ≥ 1 are discounted by
    factor(*t* − 1) × (1 + *r_t*)\\ :sup:`−1/2`.

    Parameters
    ----------
    years : array_like of int
        Years counted from year 0 (the present); any order, repeats allowed.
    rates : str or RateSchedule
        A schedule name (see :func:`schedule`) or a schedule of your own.
    convention : {"end_of_year", "mid_year"}

    Returns
    -------
    numpy.ndarray
        One factor per year, in the order given.

    Examples
    --------
    >>> f = discount_factors([0, 1, 30, 31])
    >>> f.round(6).tolist()
    [1.0, 0.966184, 0.356278, 0.345901]
    >>> round(float(discount_factors([1], convention="mid_year")[0]), 6)
    0.982946
    >>> discount_factors([-1])
    Traceback (most recent call last):
    ...
    spiral.exceptions.InputError: years must not be negative (got -1)
    """
    rs = schedule(rates) if isinstance(rates, str) else rates
    conv = Convention(convention)
    ys = _check_years(years)
    if ys.size == 0:
        return np.zeros(0, dtype=np.float64)
    horizon = int(ys.max())
    if horizon > MAX_YEAR:
        raise InputError(f"years beyond {MAX_YEAR:,} are not supported (got {horizon:,})")
    every_year = factors_from_rates(rs.rate_for_years(np.arange(horizon + 1)), conv)
    return np.asarray(every_year[ys], dtype=np.float64)


def factors_from_rates(
    rates: npt.ArrayLike, convention: Convention | str = Convention.END_OF_YEAR
) -> FloatArray:
    """Discount factors for years 0, 1, 2, ... from each year's rate (last axis = years).

    The compounding of :func:`discount_factors`, for any stack of yearly rates at once
    (used to move every rate together for the discount-rate switching value). The rate
    given for year 0 is not used: year 0 is the present.

    Examples
    --------
    >>> factors_from_rates([[0.05, 0.05, 0.05], [0.0, 0.10, 0.0]]).round(6).tolist()
    [[1.0, 0.952381, 0.907029], [1.0, 0.909091, 0.909091]]
    """
    log_growth = np.log1p(np.asarray(rates, dtype=np.float64))
    log_growth[..., 0] = 0.0  # year 0 is the present
    cumulative = np.cumsum(log_growth, axis=-1)
    if Convention(convention) is Convention.MID_YEAR:
        cumulative = cumulative - 0.5 * log_growth  # half of the current year only
    return np.asarray(np.exp(-cumulative), dtype=np.float64)
