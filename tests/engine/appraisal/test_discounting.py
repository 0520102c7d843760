"""Discount factors under the stepped STPR schedules.

Reference: ``tests/reference/greenbook/discount_rate_schedule.csv`` — HM Treasury Green Book
(2003) Annex 6 Table 6.1 and Green Book (2022) Annex A6 (standard, reduced, health and
health-reduced schedules), with the year-by-year compounding rule stated in its README.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from spiral.appraisal.discounting import (
    SCHEDULE_COLUMNS,
    RateSchedule,
    discount_factors,
    schedule,
)

from .reference import rows

SCHEDULE_ROWS = rows("discount_rate_schedule.csv")


def _band_rate(column: str, year: int) -> float:
    for row in SCHEDULE_ROWS:
        top = int(row["year_to"]) if row["year_to"] else math.inf
        if int(row["year_from"]) <= year <= top:
            return float(row[column])
    raise AssertionError(year)


def _compounded(column: str, year: int) -> float:
    """The factor by the README's rule, one year at a time in plain Python."""
    factor = 1.0
    for y in range(1, year + 1):
        factor /= 1 + _band_rate(column, y)
    return factor


@pytest.mark.parametrize("name", ["standard", "reduced", "health", "health_reduced"])
@pytest.mark.parametrize("row", SCHEDULE_ROWS, ids=lambda r: f"{r['year_from']}-{r['year_to']}")
def test_every_band_of_every_schedule_has_the_published_rate(
    name: str, row: dict[str, str]
) -> None:
    """Green Book Annex A6 (2022) / Annex 6 Table 6.1 (2003): the rate of each band."""
    published = row[SCHEDULE_COLUMNS[name]]
    first = int(row["year_from"])
    last = int(row["year_to"]) if row["year_to"] else first + 50
    chosen = schedule(name)
    if not published:
        with pytest.raises(ValueError, match="not published beyond year 125"):
            chosen.rate_for_years([first])
        return
    assert chosen.rate_for_years([first, last]).tolist() == [float(published)] * 2


@pytest.mark.parametrize("name", ["standard", "reduced", "health"])
@pytest.mark.parametrize("row", SCHEDULE_ROWS, ids=lambda r: f"{r['year_from']}-{r['year_to']}")
def test_factors_compound_year_by_year_at_each_band_edge(name: str, row: dict[str, str]) -> None:
    """Green Book Annex A6: factor(t) = product over y = 1..t of 1 / (1 + r_y)."""
    column = SCHEDULE_COLUMNS[name]
    first = int(row["year_from"])
    years = [first, first + 1, int(row["year_to"]) if row["year_to"] else first + 99]
    expected = [_compounded(column, y) for y in years]
    assert discount_factors(years, name) == pytest.approx(expected, rel=1e-12)


def test_the_standard_factors_are_the_hand_checkable_powers() -> None:
    """Green Book Annex A6: 3.5% to year 30, then 3.0%; year 31 = year 30 / 1.03."""
    f = discount_factors([0, 1, 10, 30, 31, 75, 76])
    assert f[0] == 1.0
    assert f[1] == pytest.approx(1 / 1.035, rel=1e-14)
    assert f[2] == pytest.approx(1.035**-10, rel=1e-13)
    assert f[3] == pytest.approx(1.035**-30, rel=1e-13)
    assert f[4] == pytest.approx(1.035**-30 / 1.03, rel=1e-13)
    assert f[5] == pytest.approx(1.035**-30 * 1.03**-45, rel=1e-13)
    assert f[6] == pytest.approx(1.035**-30 * 1.03**-45 / 1.025, rel=1e-13)


def test_the_health_schedule_starts_at_one_and_a_half_per_cent() -> None:
    """Green Book Annex A6: health effects are discounted at 1.5% in years 0–30."""
    assert discount_factors([1, 30], "health") == pytest.approx([1 / 1.015, 1.015**-30])


def test_the_mid_year_convention_discounts_half_of_the_current_year() -> None:
    """Green Book Annex A6: flows mid-way through year t carry t − 1/2 years of discount."""
    f = discount_factors([0, 1, 2, 31], convention="mid_year")
    assert f[0] == 1.0
    assert f[1] == pytest.approx(1.035**-0.5, rel=1e-14)
    assert f[2] == pytest.approx(1.035**-1.5, rel=1e-14)
    assert f[3] == pytest.approx(1.035**-30 * 1.03**-0.5, rel=1e-13)


def test_years_may_come_in_any_order_and_repeat() -> None:
    f = discount_factors([31, 0, 31, 1])
    assert f.tolist() == [f[0], 1.0, f[0], f[3]]


def test_it_rejects_a_negative_year() -> None:
    with pytest.raises(ValueError, match="years must not be negative"):
        discount_factors([0, -3])


def test_it_rejects_a_fractional_year() -> None:
    with pytest.raises(ValueError, match="whole numbers"):
        discount_factors([1.5])


def test_it_rejects_a_negative_rate() -> None:
    with pytest.raises(ValueError, match="band from year 31 is negative"):
        RateSchedule("own", (0, 31), (0.035, -0.01))


def test_it_rejects_band_starts_out_of_order() -> None:
    with pytest.raises(ValueError, match="out of order"):
        RateSchedule("own", (0, 76, 31), (0.035, 0.025, 0.03))


def test_it_rejects_a_schedule_not_starting_at_year_zero() -> None:
    with pytest.raises(ValueError, match="start at year 0"):
        RateSchedule("own", (1,), (0.035,))


def test_it_rejects_an_unknown_schedule_name() -> None:
    with pytest.raises(ValueError, match="unknown discount schedule 'fancy'"):
        discount_factors([1], "fancy")


def test_it_rejects_an_unknown_convention() -> None:
    with pytest.raises(ValueError, match="'sometimes'"):
        discount_factors([1], convention="sometimes")


def test_factors_never_rise_with_time() -> None:
    f = discount_factors(np.arange(0, 400))
    assert np.all(np.diff(f) < 0)


def test_it_refuses_years_beyond_a_hundred_thousand() -> None:
    with pytest.raises(ValueError, match="years beyond 100,000 are not supported"):
        discount_factors([100_001])
