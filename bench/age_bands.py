"""Benchmark: checking an age-banded upload and computing DSRs and life expectancy from it.

Generates AREAS areas x PERIODS periods with the nineteen ESP2013 bands (a DSR) or the
twenty life-table bands (life expectancy), as text cells as a file would hold them, then
times the all-or-nothing check (:func:`spiral.indicators.age_bands.age_band_table`) and the
values (:func:`spiral.indicators.age_bands.standardised_values`). Prints the figures.

    python bench/age_bands.py [--areas N] [--periods N]
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import pandas as pd

from spiral.indicators.age_bands import (
    LIFE_EXPECTANCY_BANDS,
    age_band_table,
    allowed_bands,
    standardised_values,
)


def make_table(areas: int, periods: int, bands: tuple[str, ...], seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    size = areas * periods * len(bands)
    population = rng.integers(2_000, 20_000, size)
    rate = np.tile(np.geomspace(0.0002, 0.15, len(bands)), areas * periods)
    return pd.DataFrame(
        {
            "area_code": np.repeat([f"E06{n:06d}" for n in range(areas)], periods * len(bands)),
            "period": np.tile(
                np.repeat([str(2000 + p) for p in range(periods)], len(bands)), areas
            ),
            "age_band": np.tile(bands, areas * periods),
            "count": rng.poisson(population * rate).astype(str),
            "population": population.astype(str),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=2_000)
    parser.add_argument("--periods", type=int, default=10)
    options = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    for statistic, bands in (
        ("dsr", allowed_bands("dsr")),
        ("life_expectancy", LIFE_EXPECTANCY_BANDS),
    ):
        raw = make_table(options.areas, options.periods, bands)
        start = time.perf_counter()
        table = age_band_table(raw, statistic=statistic)
        checked = time.perf_counter() - start
        start = time.perf_counter()
        values = standardised_values(table, statistic=statistic)
        computed = time.perf_counter() - start
        print(
            f"{statistic}: {len(raw):,} band rows -> {len(values):,} values; "
            f"check {checked:.2f} s, values {computed:.2f} s"
        )


if __name__ == "__main__":
    main()
