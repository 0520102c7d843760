"""Benchmark: Monte Carlo risk analysis of an options appraisal.

Generates OPTIONS options with YEARS years of cash flows in every category and INPUTS
uncertain inputs (a mix of triangular, PERT, normal, lognormal and uniform; a block of six
correlated through the Gaussian copula), then times the central appraisal and DRAWS Monte
Carlo draws. Prints the figures. Defaults: 100,000 draws x 10 options x 30 years, 20 inputs.

    python bench/appraisal_monte_carlo.py [--draws N] [--options N] [--years N] [--inputs N]
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from spiral.appraisal.appraisal import appraise
from spiral.appraisal.options import CATEGORIES, DeliveryModel, Option
from spiral.appraisal.risk import UncertainInput, simulate

SHAPES = [
    ("triangular", {"min": 0.9, "mode": 1.0, "max": 1.3}),
    ("pert", {"min": 0.85, "mode": 1.0, "max": 1.4}),
    ("normal", {"mean": 1.0, "sd": 0.1}),
    ("lognormal", {"mean": 1.0, "sd": 0.15}),
    ("uniform", {"min": 0.9, "max": 1.2}),
]


def make_options(count: int, years: int, rng: np.random.Generator) -> list[Option]:
    models = list(DeliveryModel)
    return [
        Option(
            f"Option {i + 1}",
            models[i % len(models)],
            {c: {y: float(rng.uniform(1e5, 1e6)) for y in range(years)} for c in CATEGORIES},
            {"capital": 24.0, "operating": 10.0},
        )
        for i in range(count)
    ]


def make_inputs(count: int, option_names: list[str]) -> tuple[list[UncertainInput], dict]:
    inputs = []
    for i in range(count):
        distribution, params = SHAPES[i % len(SHAPES)]
        scope = () if i % 4 == 0 else (option_names[i % len(option_names)],)
        inputs.append(
            UncertainInput(
                f"input {i + 1}",
                CATEGORIES[i % len(CATEGORIES)],
                distribution,
                params,
                options=scope,
            )
        )
    linked = [u.name for u in inputs[:6]]
    correlations = {(a, b): 0.3 for k, a in enumerate(linked) for b in linked[k + 1 :]}
    return inputs, correlations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--options", type=int, default=10)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--inputs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    options = make_options(args.options, args.years, rng)
    inputs, correlations = make_inputs(args.inputs, [o.name for o in options])
    simulate(appraise(options), inputs, 1000, seed=0, correlations=correlations)  # warm up
    times, cpu = [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = appraise(options)
        risk = simulate(result, inputs, args.draws, seed=2026, correlations=correlations)
        risk.table()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(f"machine: {platform.machine()}, python {platform.python_version()}")
    print(
        f"{args.draws:,} draws x {args.options} options x {args.years} years, "
        f"{args.inputs} uncertain inputs ({len(correlations)} correlated pairs)"
    )
    print(
        f"appraisal + simulation + summary: best {min(times):.3f} s, "
        f"median {sorted(times)[len(times) // 2]:.3f} s over {args.repeat} runs; "
        f"processor time best {min(cpu):.3f} s"
    )
    print(f"probability best: {np.round(risk.probability_best, 3).tolist()}")


if __name__ == "__main__":
    main()
