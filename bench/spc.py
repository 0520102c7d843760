"""Benchmark: control charts over long series (XmR, p and u charts with every run rule).

Generates a random series of ``--rows`` points with a shift part-way, times each chart and
prints the figures. Run small with ``--rows 10000``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from spiral.spc import p_chart, u_chart, xmr_chart


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="points in the series")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    n = args.rows
    values = rng.normal(50, 5, n)
    values[n // 2 :] += 3
    denominators = rng.integers(200, 2000, n)
    numerators = rng.binomial(denominators, 0.3)
    counts = rng.poisson(denominators * 0.01)
    change = [n // 2]
    xmr_chart(values[:100])  # warm up: first imports
    for name, run in [
        ("xmr_chart", lambda: xmr_chart(values, change_points=change, baseline=20)),
        ("p_chart", lambda: p_chart(numerators, denominators, change_points=change)),
        ("u_chart", lambda: u_chart(counts, denominators, change_points=change)),
    ]:
        start = time.perf_counter()
        table = run()
        seconds = time.perf_counter() - start
        signals = int(table["special_cause"].sum())
        rate = n / seconds
        print(
            f"{name}: {n:,} points in {seconds:.2f} s ({rate:,.0f} points/s), {signals:,} signals"
        )


if __name__ == "__main__":
    main()
