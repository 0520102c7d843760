"""Benchmark quantiles, comparisons, trends, comparators and forecasts on generated data.

Prints seconds per step. ``--rows`` sets the size of the indicator table (areas × indicators),
``--areas`` the number of areas for the comparator search; run small with ``--rows 10000``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from spiral.comparators import nearest_neighbours
from spiral.forecast import forecast_demand
from spiral.stats.comparison import compare_to_benchmark
from spiral.stats.quantiles import phe_quantile
from spiral.stats.trend import trend_proportion, trend_slope


def timed(label: str, step: Callable[[], object]) -> None:
    start = time.perf_counter()
    step()
    print(f"{label:<58} {time.perf_counter() - start:8.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--areas", type=int, default=33_755)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    rng = np.random.default_rng(options.seed)
    rows = options.rows

    groups = max(rows // 300, 1)
    table = pd.DataFrame(
        {
            "indicator_id": rng.integers(0, groups, rows),
            "value": rng.normal(100, 15, rows),
            "polarity": rng.choice(["RAG - Low is good", "RAG - High is good"], rows),
        }
    )
    table["polarity"] = table.groupby("indicator_id")["polarity"].transform("first")
    table["lower_ci_95"] = table["value"] - rng.uniform(1, 10, rows)
    table["upper_ci_95"] = table["value"] + rng.uniform(1, 10, rows)
    table["benchmark_value"] = 100.0
    print(f"indicator table: {rows:,} rows in {groups:,} groups")
    timed(
        "phe_quantile deciles within groups, polarity column",
        lambda: phe_quantile(table, nquantiles=10, invert="polarity", by="indicator_id"),
    )
    timed("compare_to_benchmark at 95%", lambda: compare_to_benchmark(table))

    series = max(rows // 5, 1)
    periods = pd.DataFrame(
        {
            "series": np.repeat(np.arange(series), 5),
            "period": np.tile(np.arange(2019, 2024), series),
            "denominator": rng.integers(500, 5000, series * 5),
        }
    )
    periods["numerator"] = rng.binomial(periods["denominator"], 0.2)
    periods["value"] = 100 * periods["numerator"] / periods["denominator"]
    periods["lower_ci_95"] = periods["value"] - 1.5
    periods["upper_ci_95"] = periods["value"] + 1.5
    print(f"trend table: {series:,} series × 5 periods")
    timed("trend_proportion (chi-square for trend)", lambda: trend_proportion(periods, by="series"))
    timed("trend_slope (weighted regression)", lambda: trend_slope(periods, by="series"))

    context = pd.DataFrame(
        {
            "area_code": [f"E01{i:06d}" for i in range(options.areas)],
            "population": rng.lognormal(7.4, 0.2, options.areas),
            "deprivation": rng.uniform(0, 80, options.areas),
            "rurality": rng.uniform(0, 1, options.areas),
            "over_65": rng.uniform(0.05, 0.4, options.areas),
        }
    )
    print(f"comparator search: {options.areas:,} areas × 4 variables, k = 15")
    timed(
        "nearest_neighbours",
        lambda: nearest_neighbours(
            context, {"population": 1, "deprivation": 2, "rurality": 1, "over_65": 1}, k=15
        ),
    )

    areas = max(rows // 400, 1)
    strata = pd.DataFrame(
        {
            "age": np.repeat([f"{a}-{a + 4}" for a in range(0, 90, 5)], 2),
            "sex": ["Female", "Male"] * 18,
        }
    )
    strata["prevalence"] = rng.uniform(0.01, 0.2, len(strata))
    strata["lower"] = strata["prevalence"] * 0.9
    strata["upper"] = strata["prevalence"] * 1.1
    projections = (
        pd.DataFrame({"area_code": [f"E06{i:06d}" for i in range(areas)]})
        .merge(pd.DataFrame({"period": [str(y) for y in range(2025, 2036)]}), how="cross")
        .merge(strata[["age", "sex"]], how="cross")
    )
    projections["population"] = rng.integers(500, 5000, len(projections))
    print(f"forecast: {len(projections):,} projection rows ({areas:,} areas × 11 years × 36)")
    timed("forecast_demand, delta method", lambda: forecast_demand(projections, strata))
    timed(
        "forecast_demand, Monte Carlo 2,000 draws",
        lambda: forecast_demand(projections, strata, method="monte-carlo", draws=2000, seed=1),
    )


if __name__ == "__main__":
    main()
