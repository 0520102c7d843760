"""A table larger than the memory the command may use: ``spiral stats --engine`` under a cap.

Generates an indicator CSV file of ``--rows`` rows (about 50 bytes a row: 50 million rows
make 2.5 GB), written a million rows at a time so that generating it needs little memory,
then runs the command line on it with the process's address space capped at ``--cap``
bytes (``RLIMIT_AS``, as ``prlimit --as`` sets it), and reports, for each run, the wall
clock, the CPU time, rows per second and the peak resident memory (from ``wait4``):

1. ``spiral stats proportion`` with 95% and 99.8% limits, each row, ``--engine auto`` (which
   must choose DuckDB, the file being larger than the cap), to Parquet;
2. ``spiral stats rate --group-by area_code`` (sums by group in DuckDB), to CSV;
3. ``spiral stats funnel --statistic proportion`` (the average in DuckDB, then each row);
4. ``spiral stats dsr --engine duckdb`` with the European Standard Population 2013 on a
   second file of the same number of rows, deaths and populations in 19 age bands per area,
   indicator and period (the Dobson sums of each group in DuckDB, the band matched by
   position), then the same with ``--engine memory`` (refused when it cannot fit);
5. ``spiral stats isr --engine duckdb`` on the same file (observed, expected and England's
   sums of each group in DuckDB);
6. the same proportions with ``--engine memory``, which must be refused with a one-line
   message, not a crash, when the table cannot fit under the cap (a small table just runs).

The children run with ``MALLOC_ARENA_MAX=2``: under an address-space cap, every glibc
malloc arena reserves 64 MB of address space per thread, used or not, which counts against
the cap though it takes no memory. (The command itself has Arrow use the system allocator
and DuckDB's jemalloc give address space back, for the same reason.)

Usage::

    python bench/stats_large.py                       # 50 million rows (2.5 GB), 1 GB cap
    python bench/stats_large.py --rows 2000000 --cap 1000000000
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
from pathlib import Path

import numpy as np
import pyarrow as pa
from pyarrow import csv

AREAS = 450
CHUNK = 1_000_000


def generate(path: Path, rows: int, seed: int = 2024) -> None:
    """Write an indicator table (area, indicator, period, numerator, denominator) as CSV."""
    rng = np.random.default_rng(seed)
    codes = np.array([f"E{6000000 + area:08d}" for area in range(AREAS)])
    with csv.CSVWriter(path, _schema()) as writer:
        for start in range(0, rows, CHUNK):
            index = np.arange(start, min(start + CHUNK, rows))
            denominators = np.rint(10 ** rng.uniform(0.5, 5.5, len(index))).astype(np.int64) + 1
            numerators = rng.binomial(denominators, rng.uniform(0.0, 0.3, len(index)))
            table = pa.table(
                {
                    "area_code": codes[index % AREAS],
                    "indicator_id": (index // AREAS % 2000).astype(np.int32),
                    "period": (2000 + index // (AREAS * 2000)).astype(np.int32),
                    "numerator": numerators,
                    "denominator": denominators,
                },
                schema=_schema(),
            )
            writer.write_table(table)


BANDS = 19
"""Age bands of the European Standard Population 2013 (0-4 to 90+)."""


def generate_bands(path: Path, rows: int, seed: int = 2025) -> None:
    """Write deaths and populations by age band (19 rows per area, indicator and period)."""
    rng = np.random.default_rng(seed)
    codes = np.array([f"E{6000000 + area:08d}" for area in range(AREAS)])
    rows -= rows % BANDS
    schema = pa.schema(
        [
            ("area_code", pa.string()),
            ("indicator_id", pa.int32()),
            ("period", pa.int32()),
            ("ageband", pa.int32()),
            ("deaths", pa.int64()),
            ("pop", pa.int64()),
            ("ref_deaths", pa.int64()),
            ("ref_pop", pa.int64()),
        ]
    )
    chunk = CHUNK - CHUNK % BANDS
    with csv.CSVWriter(path, schema) as writer:
        for start in range(0, rows, chunk):
            index = np.arange(start, min(start + chunk, rows))
            group = index // BANDS
            band = index % BANDS
            populations = rng.integers(500, 20_000, len(index))
            # death rates rising with age, from about 0.05% to 15%
            death_rates = 0.0005 * np.exp(band * 0.3)
            deaths = rng.binomial(populations, death_rates)
            # England's deaths and populations of the same band
            reference = rng.integers(2_000_000, 4_000_000, len(index))
            table = pa.table(
                {
                    "area_code": codes[group % AREAS],
                    "indicator_id": (group // AREAS % 2000).astype(np.int32),
                    "period": (2000 + group // (AREAS * 2000)).astype(np.int32),
                    "ageband": band.astype(np.int32),
                    "deaths": deaths,
                    "pop": populations,
                    "ref_deaths": np.rint(reference * death_rates).astype(np.int64),
                    "ref_pop": reference,
                },
                schema=schema,
            )
            writer.write_table(table)


def _schema() -> pa.Schema:
    return pa.schema(
        [
            ("area_code", pa.string()),
            ("indicator_id", pa.int32()),
            ("period", pa.int32()),
            ("numerator", pa.int64()),
            ("denominator", pa.int64()),
        ]
    )


def run_capped(command: list[str], cap: int) -> dict[str, float | int | str]:
    """Run a command with its address space capped; wall, CPU, peak RSS, status, stderr."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    environment = {**os.environ, "MALLOC_ARENA_MAX": "2"}
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        # the cap is set in the child between fork and exec; this script starts no threads
        child = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            preexec_fn=limit,  # noqa: PLW1509
            env=environment,
        )
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        errors.seek(0)
        message = errors.read().decode(errors="replace").strip()
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "status": os.waitstatus_to_exitcode(status),
        "stderr": message,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000_000, help="rows of the CSV file")
    parser.add_argument("--cap", type=int, default=1_000_000_000, help="address-space cap")
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    parser.add_argument("--skip-memory", action="store_true", help="skip the memory engine run")
    parser.add_argument("--only", help="run only the runs whose name contains this text")
    arguments = parser.parse_args()

    folder = arguments.keep or Path(tempfile.mkdtemp(prefix="spiral-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"indicators_{arguments.rows}.csv"
    if not source.exists():
        started = time.perf_counter()
        generate(source, arguments.rows)
        print(f"generated {arguments.rows:,} rows in {time.perf_counter() - started:.1f} s")
    bands = folder / f"deaths_by_age_{arguments.rows}.csv"
    if not bands.exists():
        started = time.perf_counter()
        generate_bands(bands, arguments.rows)
        print(
            f"generated {arguments.rows:,} age-band rows in {time.perf_counter() - started:.1f} s"
        )
    size = source.stat().st_size
    spiral = str(Path(sys.executable).with_name("spiral"))
    print(f"input: {source.name}, {size / 1e9:.2f} GB; cap: {arguments.cap / 1e9:.2f} GB")
    print(f"age bands: {bands.name}, {bands.stat().st_size / 1e9:.2f} GB")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(f"load before: {os.getloadavg()[0]:.2f}")
    runs = {
        "proportion, each row, auto -> Parquet": [
            spiral, "stats", "proportion", str(source), "--numerator", "numerator",
            "--denominator", "denominator", "--confidence", "95", "99.8",
            "-o", str(folder / "proportions.parquet"),
        ],
        "rate --group-by area_code -> CSV": [
            spiral, "stats", "rate", str(source), "--count", "numerator",
            "--population", "denominator", "--group-by", "area_code",
            "--confidence", "95", "99.8", "-o", str(folder / "rates.csv"),
        ],
        "funnel significance, proportion -> Parquet": [
            spiral, "stats", "funnel", str(source), "--statistic", "proportion",
            "--numerator", "numerator", "--denominator", "denominator",
            "-o", str(folder / "funnel.parquet"),
        ],
        "dsr esp2013 --group-by area_code,indicator_id,period, duckdb -> Parquet": [
            spiral, "stats", "dsr", str(bands), "--count", "deaths", "--population", "pop",
            "--group-by", "area_code,indicator_id,period", "--confidence", "95", "99.8",
            "--engine", "duckdb", "-o", str(folder / "dsr.parquet"),
        ],
    }  # fmt: skip
    runs["isr ratio --group-by area_code,indicator_id,period, duckdb -> Parquet"] = [
        spiral, "stats", "isr", str(bands), "--count", "deaths", "--population", "pop",
        "--ref-count", "ref_deaths", "--ref-population", "ref_pop", "--refvalue", "100",
        "--group-by", "area_code,indicator_id,period", "--confidence", "95", "99.8",
        "--engine", "duckdb", "-o", str(folder / "isr.parquet"),
    ]  # fmt: skip
    if not arguments.skip_memory:
        runs["dsr, --engine memory (refused if it cannot fit)"] = [
            *runs["dsr esp2013 --group-by area_code,indicator_id,period, duckdb -> Parquet"][:-4],
            "--engine", "memory", "-o", str(folder / "dsr_memory.parquet"),
        ]  # fmt: skip
    if not arguments.skip_memory:
        runs["proportion, --engine memory (refused if it cannot fit)"] = [
            *runs["proportion, each row, auto -> Parquet"][:-2],
            "--engine", "memory", "-o", str(folder / "memory.parquet"),
        ]  # fmt: skip
    if arguments.only:
        runs = {name: command for name, command in runs.items() if arguments.only in name}
    print()
    print("| run | status | wall s | CPU s | rows/s (wall) | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, command in runs.items():
        figures = run_capped(command, arguments.cap)
        rate = arguments.rows / float(figures["wall"])
        print(
            f"| {name} | {figures['status']} | {figures['wall']:.1f} | {figures['cpu']:.1f} | "
            f"{rate / 1e6:.2f} million | {figures['peak_mb']:.0f} |"
        )
        if figures["stderr"]:
            print(f"|   stderr: {str(figures['stderr']).splitlines()[-1][:150]} | | | | | |")
    print(f"\nload after: {os.getloadavg()[0]:.2f}")
    if arguments.keep is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
