"""Benchmark: funnel-plot significance and life expectancy on large tables.

Times ``assign_funnel_significance`` on every row of a table of proportions (and of ratios
and crude rates), against the same formula written in bare numpy with no checks and no
table, and ``phe_life_expectancy`` on many 20-band life tables. The data are generated.

    python bench/stats_funnel.py --rows 1000000
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy.stats import norm

from spiral.stats.funnel import assign_funnel_significance
from spiral.stats.life_expectancy import DEFAULT_AGE_BANDS, phe_life_expectancy


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_numpy_proportion(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """The official proportion test, written directly: four limits and a choice."""
    average = numerator.sum() / denominator.sum()
    observed = numerator / denominator

    def limits(probability: float) -> tuple[np.ndarray, np.ndarray]:
        c = norm.ppf(probability) ** 2
        base = average * (denominator / c + 1)
        spread = np.sqrt(
            (8 * base) ** 2
            - 64
            * (1 / c + 1 / denominator)
            * average
            * (denominator * (average * (denominator / c + 2) - 1) + c * (average - 1))
        )
        scale = (1 / c + 1 / denominator) * denominator
        return (base - spread / 8) / scale, (base + spread / 8) / scale

    low_3, high_3 = limits(0.999)
    low_2, high_2 = limits(0.975)
    return np.select(
        [observed < low_3, observed < low_2, observed > high_3, observed > high_2],
        np.array([2, 3, 0, 1], dtype=np.int8),
        np.int8(4),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of areas")
    parser.add_argument("--repeat", type=int, default=5, help="best of this many runs")
    parser.add_argument("--seed", type=int, default=20241213)
    options = parser.parse_args()
    rng = np.random.default_rng(options.seed)
    rows = options.rows

    denominator = rng.integers(1_000, 100_000, size=rows).astype(np.float64)
    share = np.clip(rng.normal(0.8, 0.02, size=rows), 0, 1)
    numerator = np.round(denominator * share)
    proportions = pd.DataFrame({"numerator": numerator, "denominator": denominator})

    engine = assign_funnel_significance(
        proportions, "numerator", "denominator", statistic="proportion"
    )
    bare = bare_numpy_proportion(numerator, denominator)
    assert (engine["significance"].cat.codes.to_numpy() == bare).all()

    spiral_time = best_of(
        options.repeat,
        lambda: assign_funnel_significance(
            proportions, "numerator", "denominator", statistic="proportion"
        ),
    )
    numpy_time = best_of(options.repeat, lambda: bare_numpy_proportion(numerator, denominator))
    print(f"rows: {rows:,}")
    print(f"proportion significance, Spiral:     {spiral_time:.3f} s")
    print(f"proportion significance, bare numpy: {numpy_time:.3f} s")
    print(f"ratio Spiral / bare numpy:           {spiral_time / numpy_time:.2f}")

    observed = rng.poisson(rng.uniform(2, 400, size=rows)).astype(np.float64)
    expected = observed * rng.uniform(0.7, 1.3, size=rows) + 0.5
    ratios = pd.DataFrame({"obs": observed, "expected": expected})
    ratio_time = best_of(
        options.repeat,
        lambda: assign_funnel_significance(ratios, "obs", "expected", statistic="ratio"),
    )
    print(f"ratio significance, Spiral:          {ratio_time:.3f} s")

    rates = pd.DataFrame({"n": observed, "pop": expected * 1000})
    rates["rate"] = np.where(rates["n"] > 0, 1e5 * rates["n"] / rates["pop"], np.nan)
    rate_time = best_of(
        options.repeat,
        lambda: assign_funnel_significance(
            rates, "n", "pop", "rate", statistic="rate", rate_type="crude", multiplier=1e5
        ),
    )
    print(f"crude rate significance, Spiral:     {rate_time:.3f} s")

    tables = max(1, rows // 20)
    pops = rng.integers(2_000, 60_000, size=(tables, 20)).astype(np.float64)
    death_rates = np.array(
        [0.0025, 0.0003, 0.0001, 0.0002, 0.0005, 0.0004, 0.0005, 0.0006, 0.0008, 0.0013,
         0.002, 0.003, 0.0057, 0.0076, 0.014, 0.024, 0.042, 0.069, 0.16, 0.16]
    )  # fmt: skip
    deaths = rng.poisson(pops * death_rates).astype(np.float64)
    life = pd.DataFrame(
        {
            "area": np.repeat(np.arange(tables), 20),
            "startage": np.tile(DEFAULT_AGE_BANDS, tables),
            "pops": pops.ravel(),
            "deaths": deaths.ravel(),
        }
    )
    life_time = best_of(
        options.repeat, lambda: phe_life_expectancy(life, group_by="area", output="standard")
    )
    print(f"life expectancy, {tables:,} tables of 20 bands: {life_time:.3f} s")


if __name__ == "__main__":
    main()
