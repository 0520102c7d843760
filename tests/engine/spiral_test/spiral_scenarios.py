"""Constructed programme histories for the Spiral test's tests.

Two cycles, each two financial years long:

- cycle A runs 2020-04-01 to 2022-03-31: baseline 2019/20, follow-up 2021/22;
- cycle B runs 2022-04-01 to 2024-03-31: baseline 2021/22, follow-up 2023/24.

Every indicator value has a standard error of 0.5, so with one comparator each change has a
standard error of √(0.5² + 0.5²) and the difference in differences one of
√(4 × 0.25) = 1.0: its 95% interval is D ± 1.959964. Costs are given per head (population
10,000, so spend is cost × 10,000 a year) and the arrangement before cycle A cost
``previous_cost`` a head.
"""

from __future__ import annotations

import copy
from typing import Any

PERIODS = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
Z95 = 1.959963984540054


def _series(start: float, gains: tuple[float, float]) -> list[float]:
    first, second = gains
    return [
        start,
        start + first / 2,
        start + first,
        start + first + second / 2,
        start + first + second,
    ]


def scenario(
    *,
    area: list[tuple[float, float]] | None = None,
    comparator: list[tuple[float, float]] | None = None,
    polarity: str = "higher_is_better",
    se: float | None = 0.5,
    costs: tuple[float | None, float | None] = (100.0, 100.0),
    previous_cost: float | None = 100.0,
    recommendations: int | None = 4,
    addressed: int = 0,
    as_of: str = "2024-06-30",
    minimum_important_difference: float = 0.0,
    reprocured: bool = True,
) -> dict[str, Any]:
    """A two-cycle history; ``area`` and ``comparator`` give each indicator's gains per cycle.

    ``recommendations`` is the number cycle A's review made (None: no review recorded) and
    ``addressed`` how many of them cycle B's plan took up.
    """
    area = area if area is not None else [(0.0, 0.0)]
    comparator = comparator if comparator is not None else [(0.0, 0.0)] * len(area)
    indicators = []
    for number, (own, theirs) in enumerate(zip(area, comparator, strict=True), start=1):
        values = []
        for code, gains in (("E06000001", own), ("E06000002", theirs)):
            for period, value in zip(PERIODS, _series(50.0, gains), strict=True):
                entry: dict[str, Any] = {"area": code, "period": period, "value": value}
                if se is not None:
                    entry["se"] = se
                values.append(entry)
        indicators.append(
            {
                "id": f"indicator-{number}",
                "name": f"Indicator {number}",
                "polarity": polarity,
                "unit": "%",
                "minimum_important_difference": minimum_important_difference,
                "values": values,
            }
        )
    review: dict[str, Any] | None = None
    if recommendations is not None:
        review = {
            "date": "2022-01-31",
            "recommendations": [{"id": f"R{i}", "text": f"do {i}"} for i in range(recommendations)],
        }

    def spend(cost: float | None, years: list[str]) -> dict[str, float]:
        return {} if cost is None else dict.fromkeys(years, cost * 10000)

    cycle_a: dict[str, Any] = {
        "id": "A",
        "start": "2020-04-01",
        "end": "2022-03-31",
        "delivery_model": "external contract",
        "reprocured_same_model": reprocured,
        "spend": spend(costs[0], ["2020/21", "2021/22"]),
        "population": 10_000,
        "service_users": 500,
    }
    if review is not None:
        cycle_a["review"] = review
    cycle_b: dict[str, Any] = {
        "id": "B",
        "start": "2022-04-01",
        "end": "2024-03-31",
        "delivery_model": "external contract",
        "spend": spend(costs[1], ["2022/23", "2023/24"]),
        "population": 10_000,
        "service_users": 500,
        "addresses": [f"R{i}" for i in range(addressed)],
    }
    history: dict[str, Any] = {
        "schema_version": 1,
        "programme": {"id": "test", "name": "Test", "area": {"code": "E06000001"}},
        "as_of": as_of,
        "comparators": [{"code": "E06000002", "name": "Comparator"}],
        "indicators": indicators,
        "cycles": [cycle_a, cycle_b],
    }
    if previous_cost is not None:
        history["previous_arrangement"] = {
            "spend": {"2019/20": previous_cost * 10_000},
            "population": 10_000,
            "service_users": 500,
        }
    return history


def with_changes(history: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of a history with top-level keys replaced."""
    copied = copy.deepcopy(history)
    copied.update(changes)
    return copied
