"""Speed of the indicator methods: the engine against bare numpy, and the command line.

Generates an indicator table like a national extract (450 areas x 2,000 indicators x as
many periods as ``--rows`` needs), then times, best of ``--repeat`` runs:

* ``spiral.stats.proportion`` with 95% and 99.8% limits, and the same Wilson formulas in
  bare numpy on float arrays (no validation, no table in or out);
* ``spiral.stats.rate`` with 95% and 99.8% limits, and bare numpy doing what a direct
  translation of ``phe_rate`` does: Byar's limits and scipy's chi-square limits for every
  row, then choosing by count (also shown: Byar's limits alone);
* optionally (``--phstatsmethods``) ``ph_proportion`` and ``ph_rate`` of the Python port
  phstatsmethods, run in a throwaway environment through ``uv run --with phstatsmethods``;
* the command line end to end on ``--cli-rows`` rows of Parquet:
  ``spiral stats proportion IN.parquet ... --confidence 95 99.8 -o OUT.parquet``, start-up
  included, as rows per second.

Usage::

    python bench/stats_methods.py                    # 6 million rows, 10 million for the CLI
    python bench/stats_methods.py --rows 100000 --cli-rows 100000 --repeat 1
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import chi2

from spiral.stats.confidence import z_value
from spiral.stats.proportions import proportion
from spiral.stats.rates import rate

AREAS = 450
INDICATORS = 2000
LEVELS = (0.95, 0.998)


def indicator_table(rows: int, seed: int = 2024) -> pd.DataFrame:
    """A synthetic indicator table: area, indicator, period, numerator, denominator."""
    rng = np.random.default_rng(seed)
    index = np.arange(rows)
    codes = np.array([f"E{6000000 + a:08d}" for a in range(AREAS)])
    denominators = np.rint(10 ** rng.uniform(0.5, 5.5, rows)).astype(np.int64) + 1
    numerators = rng.binomial(denominators, rng.uniform(0.0, 0.3, rows))
    return pd.DataFrame(
        {
            "area_code": pd.Categorical.from_codes(index % AREAS, categories=codes),
            "indicator_id": (index // AREAS % INDICATORS).astype(np.int32),
            "period": (2000 + index // (AREAS * INDICATORS)).astype(np.int16),
            "numerator": numerators,
            "denominator": denominators,
        }
    )


def best_of(repeat: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def bare_wilson(x: np.ndarray, n: np.ndarray) -> list[np.ndarray]:
    """The Wilson formulas at two levels, written plainly in numpy."""
    out = [x / n]
    for level in LEVELS:
        z = z_value(level)
        centre = 2 * x + z * z
        half = z * np.sqrt(z * z + 4 * x * (1 - x / n))
        denominator = 2 * (n + z * z)
        out += [(centre - half) / denominator, (centre + half) / denominator]
    return out


def bare_byars(x: np.ndarray, n: np.ndarray) -> list[np.ndarray]:
    """Byar's limits at two levels for every row, written plainly in numpy."""
    out = [x / n * 1e5]
    with np.errstate(divide="ignore", invalid="ignore"):
        for level in LEVELS:
            z = z_value(level)
            lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
            upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
            out += [lower / n * 1e5, upper / n * 1e5]
    return out


def bare_rate(x: np.ndarray, n: np.ndarray) -> list[np.ndarray]:
    """A direct translation of ``phe_rate``: Byar's and exact limits for all rows, then choose."""
    out = [x / n * 1e5]
    small = x < 10
    with np.errstate(divide="ignore", invalid="ignore"):
        for level in LEVELS:
            z = z_value(level)
            alpha = 1 - level
            byars_lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
            byars_upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
            exact_lower = chi2.ppf(alpha / 2, 2 * x) / 2
            exact_upper = chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
            lower = np.where(small, exact_lower, byars_lower)
            upper = np.where(small, exact_upper, byars_upper)
            out += [lower / n * 1e5, upper / n * 1e5]
    return out


PHSTATS = """
import sys, time
import pandas as pd
import PHStatsMethods as ph
data = pd.read_parquet(sys.argv[1])
for name, call in (
    ("ph_proportion", lambda: ph.ph_proportion(data, "numerator", "denominator",
                                               confidence=[0.95, 0.998])),
    ("ph_rate", lambda: ph.ph_rate(data, "numerator", "denominator", confidence=[0.95, 0.998])),
):
    start = time.perf_counter()
    try:
        call()
    except Exception as error:
        print("failed:", name, repr(error), file=sys.stderr)
        continue
    print(name, time.perf_counter() - start)
"""


def phstatsmethods(table: pd.DataFrame, folder: Path) -> dict[str, float]:
    """Time phstatsmethods in a throwaway environment; empty when it cannot run."""
    uv = shutil.which("uv")
    if uv is None:
        print("  phstatsmethods: skipped (uv not found)")
        return {}
    source = folder / "phstats.parquet"
    table.to_parquet(source)
    command = [uv, "run", "--no-project", "--python", sys.executable,
               "--with", "phstatsmethods", "python", "-c", PHSTATS, str(source)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in done.stderr.splitlines():
        if line.startswith("failed:") or done.returncode != 0:
            print("  phstatsmethods:", line)
    return {
        name: float(value) for name, value in (line.split() for line in done.stdout.splitlines())
    }


def spiral_command() -> list[str]:
    beside = Path(sys.executable).with_name("spiral")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("spiral")
    if found is None:
        raise SystemExit("the spiral command is not installed in this environment")
    return [found]


def command_line(rows: int, folder: Path, repeat: int) -> tuple[float, float, int]:
    """Best wall-clock time and its CPU time (user + system) of the CLI run, rows written."""
    source = folder / "indicators.parquet"
    target = folder / "results.parquet"
    indicator_table(rows, seed=7).to_parquet(source, row_group_size=1_000_000)
    command = [*spiral_command(), "stats", "proportion", str(source),
               "--numerator", "numerator", "--denominator", "denominator",
               "--confidence", "95", "99.8", "-o", str(target)]  # fmt: skip
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        best = min(best, (wall, cpu))
    written = pd.read_parquet(target, columns=["value"]).shape[0]
    return best[0], best[1], written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=6_000_000, help="rows for the methods")
    parser.add_argument("--cli-rows", type=int, default=10_000_000, help="rows for the CLI run")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--skip-cli", action="store_true", help="skip the command-line run")
    parser.add_argument(
        "--phstatsmethods", action="store_true", help="also time phstatsmethods (via uv)"
    )
    parser.add_argument(
        "--phstats-rows", type=int, default=100_000, help="rows for phstatsmethods (it is slow)"
    )
    options = parser.parse_args()

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(f"generating {options.rows:,} rows ...")
    table = indicator_table(options.rows)
    x = table["numerator"].to_numpy(dtype=np.float64)
    n = table["denominator"].to_numpy(dtype=np.float64)
    print(f"counts below 10: {np.mean(x < 10):.1%} of rows")

    rows = options.rows
    timings: dict[str, tuple[float, int]] = {
        "proportion, 2 levels (engine)": (
            best_of(
                options.repeat,
                lambda: proportion(table, "numerator", "denominator", confidence=LEVELS),
            ),
            rows,
        ),
        "proportion, 2 levels (bare numpy)": (
            best_of(options.repeat, lambda: bare_wilson(x, n)),
            rows,
        ),
        "rate, 2 levels (engine)": (
            best_of(
                options.repeat, lambda: rate(table, "numerator", "denominator", confidence=LEVELS)
            ),
            rows,
        ),
        "rate, 2 levels (bare numpy + scipy, as phe_rate)": (
            best_of(options.repeat, lambda: bare_rate(x, n)),
            rows,
        ),
        "rate, 2 levels (bare numpy, Byar's only)": (
            best_of(options.repeat, lambda: bare_byars(x, n)),
            rows,
        ),
    }
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        if options.phstatsmethods:
            # phstatsmethods refuses zero counts in Byar's limits, so they are left out
            sample = table[table["numerator"] > 0].iloc[: options.phstats_rows].copy()
            sample["area_code"] = sample["area_code"].astype(str)
            for name, seconds in phstatsmethods(sample, folder).items():
                timings[f"{name}, 2 levels (phstatsmethods)"] = (seconds, len(sample))
        print(f"\n{'':50} {'rows':>11} {'seconds':>9} {'s per 1e6 rows':>15}")
        for name, (seconds, count) in timings.items():
            print(f"{name:50} {count:11,} {seconds:9.3f} {seconds * 1e6 / count:15.4f}")
        ratio_p = (
            timings["proportion, 2 levels (engine)"][0]
            / timings["proportion, 2 levels (bare numpy)"][0]
        )
        ratio_r = (
            timings["rate, 2 levels (engine)"][0]
            / timings["rate, 2 levels (bare numpy + scipy, as phe_rate)"][0]
        )
        print(f"\nengine / bare numpy: proportions {ratio_p:.2f}x, rates {ratio_r:.2f}x")

        if not options.skip_cli:
            print(f"\ncommand line on {options.cli_rows:,} rows of Parquet ...")
            seconds, cpu, written = command_line(options.cli_rows, folder, options.repeat)
            print(
                f"spiral stats proportion (2 levels, Parquet in and out): {seconds:.2f} s wall "
                f"({cpu:.2f} s CPU), {options.cli_rows / seconds / 1e6:.2f} million rows/s "
                f"({written:,} rows written)"
            )
            load = os.getloadavg()[0]
            print(f"load average during the run: {load:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
