"""Benchmark: KPI ratings and the inline SVG charts of the performance page.

Rates ROWS periods (random values around a target, with concern flags) with
``spiral.spc.ratings.rate_periods``, and draws CHARTS SPC charts of POINTS points each with
``spiral.charts.spc.spc_svg``. Prints the figures. Defaults: 1,000,000 rows; 200 charts of
36 points (about a year's KPI pages for a large council).

    python bench/contracts_ratings.py [--rows N] [--charts N] [--points N]
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from spiral.charts.spc import spc_svg
from spiral.spc import xmr_chart
from spiral.spc.ratings import rate_periods


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--charts", type=int, default=200)
    parser.add_argument("--points", type=int, default=36)
    args = parser.parse_args()
    rng = np.random.default_rng(1)

    values = rng.normal(90, 8, args.rows)
    concern = rng.random(args.rows) < 0.05
    start = time.perf_counter()
    ratings = rate_periods(values, 90.0, "higher_is_better", concern=concern)
    rated = time.perf_counter() - start
    good = sum(1 for r in ratings if r == "good")
    print(f"rate_periods: {args.rows:,} periods in {rated:.3f} s ({good:,} good)")

    series = rng.normal(50, 5, (args.charts, args.points))
    start = time.perf_counter()
    size = 0
    for i, row in enumerate(series):
        chart = xmr_chart(row, periods=[f"P{j}" for j in range(args.points)], baseline=12)
        size += len(spc_svg(chart, title=f"KPI {i}", target=52.0, ident=f"k{i}"))
    drawn = time.perf_counter() - start
    print(
        f"xmr_chart + spc_svg: {args.charts} charts of {args.points} points in {drawn:.3f} s "
        f"({drawn / args.charts * 1000:.1f} ms a chart, {size / args.charts / 1024:.1f} KiB each)"
    )
    print(f"python {platform.python_version()}, numpy {np.__version__}")


if __name__ == "__main__":
    main()
