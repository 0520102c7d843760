"""Benchmark: the Spiral test of a large programme history.

Generates a history with ``--cycles`` cycles, ``--indicators`` key indicators, ``--comparators``
comparator areas and yearly values from 2000, then times parsing and the test. Run small with
``--cycles 3 --indicators 3 --comparators 4``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from spiral.spiral_test import parse_history, run_spiral_test


def history(cycles: int, indicators: int, comparators: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    first, years_per_cycle = 2000, 3
    last = first + 2 + cycles * years_per_cycle
    years = [f"{y}/{(y + 1) % 100:02d}" for y in range(first, last)]
    areas = ["E06000001", *[f"E06{n:06d}" for n in range(2, comparators + 2)]]
    data: dict[str, Any] = {
        "schema_version": 1,
        "programme": {"id": "bench", "name": "Benchmark", "area": {"code": areas[0]}},
        "as_of": f"{last}-06-30",
        "comparators": [{"code": a} for a in areas[1:]],
        "deflator": {
            "name": "index",
            "base": years[-1],
            "index": {y: 80.0 + i for i, y in enumerate(years)},
        },
        "previous_arrangement": {"spend": {years[0]: 1e6}, "population": 10_000},
        "indicators": [
            {
                "id": f"i{k}",
                "polarity": "higher_is_better",
                "values": [
                    {"area": a, "period": y, "value": float(50 + rng.normal(0, 2)), "se": 1.0}
                    for a in areas
                    for y in years
                ],
            }
            for k in range(indicators)
        ],
        "cycles": [],
    }
    for c in range(cycles):
        start = first + 2 + c * years_per_cycle
        data["cycles"].append(
            {
                "id": f"c{c}",
                "start": f"{start}-04-01",
                "end": f"{start + years_per_cycle}-03-31",
                "spend": {
                    f"{y}/{(y + 1) % 100:02d}": 1e6 for y in range(start, start + years_per_cycle)
                },
                "population": 10_000,
                "review": {"recommendations": [{"id": "R1"}, {"id": "R2"}]},
                "addresses": ["R1"] if c else [],
            }
        )
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--comparators", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    run_spiral_test(parse_history(history(2, 1, 1, args.seed)))  # warm up: first imports
    data = history(args.cycles, args.indicators, args.comparators, args.seed)
    values = sum(len(i["values"]) for i in data["indicators"])
    start = time.perf_counter()
    parsed = parse_history(data)
    parsed_at = time.perf_counter()
    report = run_spiral_test(parsed)
    done = time.perf_counter()
    print(
        f"history: {args.cycles} cycles, {args.indicators} indicators, "
        f"{args.comparators} comparators, {values:,} values"
    )
    print(f"parse: {parsed_at - start:.2f} s; Spiral test: {done - parsed_at:.2f} s")
    print("verdicts:", {c.cycle_id: c.verdict.verdict for c in report.cycles})


if __name__ == "__main__":
    main()
