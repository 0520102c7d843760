"""Real and nominal prices: rebasing cash flows with a deflator series.

HM Treasury Green Book (2022), section 5 and Annex A6: appraisal is in real terms, in the
prices of a stated base year; nominal (cash) figures are turned into real ones with a general
price index, usually the GDP deflator:
``real = nominal × index[base year] / index[year]`` and back again.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from spiral.exceptions import InputError

FloatArray = npt.NDArray[np.float64]


def _index_ratio(years: npt.ArrayLike, deflator: Mapping[int, float], base_year: int) -> FloatArray:
    """Return index[base] / index[year] for each year, failing on any missing year."""
    ys = np.asarray(years, dtype=np.int64)
    if base_year not in deflator:
        raise InputError(f"deflator: no index value for the price base year {base_year}")
    bad = [year for year, value in deflator.items() if not np.isfinite(value) or value <= 0]
    if bad:
        raise InputError(f"deflator: index values must be positive (year {sorted(bad)[0]})")
    known = np.fromiter(deflator.keys(), dtype=np.int64)
    values = np.fromiter(deflator.values(), dtype=np.float64)
    order = np.argsort(known)
    known, values = known[order], values[order]
    position = np.clip(np.searchsorted(known, ys), 0, len(known) - 1)
    missing = np.unique(ys[known[position] != ys])
    if missing.size:
        shown = ", ".join(str(y) for y in missing[:5])
        raise InputError(f"deflator: no index value for year(s) {shown}")
    return np.asarray(deflator[base_year] / values[position], dtype=np.float64)


def to_real(
    amounts: npt.ArrayLike,
    years: npt.ArrayLike,
    deflator: Mapping[int, float],
    base_year: int,
) -> FloatArray:
    """Convert nominal amounts to real terms in the prices of ``base_year``.

    Parameters
    ----------
    amounts : array_like
        Nominal (cash) amounts; broadcast against ``years``.
    years : array_like of int
        Calendar (or financial) year of each amount, as keyed in ``deflator``.
    deflator : mapping of year to index
        A price index such as the GDP deflator (any reference year).
    base_year : int
        The price base year of the appraisal.

    Examples
    --------
    >>> gdp = {2024: 100.0, 2025: 102.0, 2026: 104.04}
    >>> to_real([102.0, 104.04], [2025, 2026], gdp, 2024).round(10).tolist()
    [100.0, 100.0]
    >>> to_real([1.0], [2030], gdp, 2024)
    Traceback (most recent call last):
    ...
    spiral.exceptions.InputError: deflator: no index value for year(s) 2030
    """
    ratio = _index_ratio(years, deflator, base_year)
    return np.asarray(amounts, dtype=np.float64) * ratio


def to_nominal(
    amounts: npt.ArrayLike,
    years: npt.ArrayLike,
    deflator: Mapping[int, float],
    base_year: int,
) -> FloatArray:
    """Convert real amounts in ``base_year`` prices to nominal (cash) amounts.

    The inverse of :func:`to_real`.

    Examples
    --------
    >>> gdp = {2024: 100.0, 2025: 102.0}
    >>> to_nominal([100.0, 100.0], [2024, 2025], gdp, 2024).tolist()
    [100.0, 102.0]
    """
    ratio = _index_ratio(years, deflator, base_year)
    return np.asarray(amounts, dtype=np.float64) / ratio
