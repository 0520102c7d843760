"""Cost of a cycle in real terms, per head and per service user.

Cash spent in period :math:`y` is put into the prices of the base period :math:`b` with a
price index :math:`D` (for example HM Treasury's GDP deflator):

.. math:: \\text{real}_y = \\text{cash}_y \\times D_b / D_y

A cycle's cost is its mean real spend per year of spend recorded; divided by the
population served it gives the real cost per head, and by the number of service users the
real cost per service user. Without a deflator the figures stay in cash terms (and say so).

Reference: HM Treasury, *The Green Book* (2022), on real and nominal prices and the GDP
deflator.
"""

from __future__ import annotations

from dataclasses import dataclass

from spiral.spiral_test.history import Deflator


@dataclass(frozen=True)
class CycleCost:
    """Spend of a cycle in cash and in real terms, per year, per head and per user."""

    price_base: str | None
    years: tuple[str, ...]
    cash_spend: float
    real_spend: float
    annual_real_spend: float | None
    population: float | None
    service_users: float | None
    per_head: float | None
    per_service_user: float | None


def real_terms(amount: float, year: str, deflator: Deflator | None) -> float:
    """An amount of cash spent in ``year`` in the deflator's base-year prices.

    Examples
    --------
    >>> from spiral.spiral_test.history import Deflator
    >>> d = Deflator("GDP deflator", "2023/24", {"2019/20": 80.0, "2023/24": 100.0})
    >>> real_terms(800.0, "2019/20", d)
    1000.0
    >>> real_terms(800.0, "2019/20", None)
    800.0
    """
    if deflator is None:
        return float(amount)
    return float(amount) * deflator.index[deflator.base] / deflator.index[year]


def cycle_cost(
    spend: dict[str, float],
    population: float | None,
    service_users: float | None,
    deflator: Deflator | None,
) -> CycleCost:
    """Real cost of a cycle (see the module notes).

    Examples
    --------
    Two years of £1m cash, the first at index 80 and the second at the base (100), for a
    population of 10,000: real spend £1.25m + £1m, £1.125m a year, £112.50 a head.

    >>> from spiral.spiral_test.history import Deflator
    >>> d = Deflator("GDP deflator", "2021/22", {"2020/21": 80.0, "2021/22": 100.0})
    >>> cost = cycle_cost({"2020/21": 1e6, "2021/22": 1e6}, 10_000, 500, d)
    >>> cost.annual_real_spend, cost.per_head, cost.per_service_user
    (1125000.0, 112.5, 2250.0)
    """
    real = {year: real_terms(amount, year, deflator) for year, amount in spend.items()}
    total = sum(real.values())
    annual = total / len(real) if real else None
    return CycleCost(
        price_base=deflator.base if deflator else None,
        years=tuple(spend),
        cash_spend=float(sum(spend.values())),
        real_spend=total,
        annual_real_spend=annual,
        population=population,
        service_users=service_users,
        per_head=annual / population if annual is not None and population else None,
        per_service_user=annual / service_users if annual is not None and service_users else None,
    )


def relative_change(now: float | None, before: float | None) -> float | None:
    """``now / before − 1``, or None when either is unknown or ``before`` is 0.

    Examples
    --------
    >>> relative_change(102.0, 100.0)
    0.02
    """
    if now is None or before is None or before == 0:
        return None
    return round(now / before - 1, 12)
