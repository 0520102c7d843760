"""Real and nominal prices with a deflator series.

Reference: HM Treasury Green Book (2022), section 5 (real prices, the GDP deflator):
real = nominal × index[base year] / index[year].
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spiral.appraisal.prices import to_nominal, to_real

GDP = {2023: 95.0, 2024: 100.0, 2025: 103.0, 2026: 105.06}


def test_nominal_amounts_are_deflated_to_the_base_year() -> None:
    assert to_real([95.0, 103.0, 105.06], [2023, 2025, 2026], GDP, 2024).tolist() == pytest.approx(
        [100.0, 100.0, 100.0], rel=1e-14
    )


def test_real_amounts_are_inflated_to_cash() -> None:
    assert to_nominal([100.0, 100.0], [2023, 2026], GDP, 2024).tolist() == pytest.approx(
        [95.0, 105.06], rel=1e-14
    )


@given(st.lists(st.floats(0, 1e9), min_size=1, max_size=8), st.sampled_from(sorted(GDP)))
def test_converting_there_and_back_changes_nothing(amounts: list[float], base: int) -> None:
    years = [sorted(GDP)[i % len(GDP)] for i in range(len(amounts))]
    back = to_nominal(to_real(amounts, years, GDP, base), years, GDP, base)
    assert back.tolist() == pytest.approx(amounts, rel=1e-12)


def test_it_names_the_missing_years() -> None:
    with pytest.raises(ValueError, match=r"no index value for year\(s\) 2027, 2030"):
        to_real([1.0, 1.0, 1.0], [2024, 2027, 2030], GDP, 2024)


def test_it_names_a_missing_base_year() -> None:
    with pytest.raises(ValueError, match="price base year 2019"):
        to_real([1.0], [2024], GDP, 2019)


def test_it_rejects_a_non_positive_index() -> None:
    with pytest.raises(ValueError, match="must be positive"):
        to_real([1.0], [2024], {2024: 100.0, 2025: 0.0}, 2024)
