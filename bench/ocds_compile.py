"""Benchmark: compiling OCDS releases into compiled releases, Spiral against ocdskit.

Generates realistic OCDS 1.1 release packages (one package of six releases per contracting
process) with the generator script ``gen_ocds.py`` (it replicates and perturbs the Open
Contracting Partnership's fictional example), then measures in the same run, best of
``--repeat``:

1. parse only: reading every line with ``orjson`` (the floor: no compile can be faster);
2. Spiral: ``spiral.ocds.compile.write_compiled(..., jsonl=True)`` in one process
   (``workers=1``), the same with the merge's inner loop run from its Python source instead of
   its compiled build (as where Spiral was installed without a C compiler), shared among the
   CPUs, and the ``spiral ocds compile --jsonl`` command with its default ``--workers 0``
   (start-up included);
3. ocdskit: the ``ocdskit compile`` command of the development dependency, given the shipped
   1.1.5 release schema (so nothing is fetched).

Each is timed by the wall clock and by the CPU time it used (user + system, child processes
included): on a busy machine the CPU time is the steadier figure. It checks that every output
is byte for byte ocdskit's, and prints the figures.

Usage::

    python bench/ocds_compile.py --generator PATH/TO/gen_ocds.py --processes 5000

The generator is found, in this order, from ``--generator``, the ``SPIRAL_OCDS_GENERATOR``
environment variable, or ``shared/tools/gen_ocds.py`` beside the repository's folder.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from spiral.ocds import merge
from spiral.ocds.compile import write_compiled
from spiral.ocds.merge import merge_core_from_source

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "spiral" / "ocds" / "schema" / "1__1__5" / "release-schema.json"
BIN = Path(sys.executable).parent


def find_generator(given: str | None) -> Path:
    for candidate in (given, os.environ.get("SPIRAL_OCDS_GENERATOR")):
        if candidate:
            return Path(candidate)
    for parent in ROOT.parents:
        path = parent / "shared" / "tools" / "gen_ocds.py"
        if path.exists():
            return path
    sys.exit("gen_ocds.py not found: give --generator PATH or set SPIRAL_OCDS_GENERATOR")


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def best(repeat: int, run: Callable[[], object]) -> tuple[float, float]:
    """Best wall-clock seconds and best CPU seconds over ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), _cpu()
        run()
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - start_cpu)
    return min(walls), min(cpus)


def measure(data: Path, folder: Path, repeat: int) -> tuple[dict[str, tuple[float, float]], bool]:
    """Time each way of compiling ``data``; also whether every output is ocdskit's."""

    def parse_only() -> None:
        with data.open("rb") as handle:
            for line in handle:
                orjson.loads(line)

    spiral_out = folder / "spiral.jsonl"

    def spiral_engine() -> None:
        with spiral_out.open("wb") as out:
            write_compiled([data], out, jsonl=True, workers=1)

    source_out = folder / "spiral-source.jsonl"

    def spiral_source() -> None:
        compiled_core = merge.merge_core
        merge.merge_core = merge_core_from_source()
        try:
            with source_out.open("wb") as out:
                write_compiled([data], out, jsonl=True, workers=1)
        finally:
            merge.merge_core = compiled_core

    shared_out = folder / "spiral-shared.jsonl"

    def spiral_shared() -> None:
        with shared_out.open("wb") as out:
            write_compiled([data], out, jsonl=True, workers=os.cpu_count())

    cli_out = folder / "spiral-cli.jsonl"

    def spiral_cli() -> None:
        subprocess.run(
            [str(BIN / "spiral"), "ocds", "compile", "--jsonl", str(data), "-o", str(cli_out)],
            check=True,
            capture_output=True,
        )

    kit_out = folder / "ocdskit.jsonl"

    def ocdskit() -> None:
        with data.open("rb") as source, kit_out.open("wb") as out:
            subprocess.run(
                [str(BIN / "ocdskit"), "compile", "--schema", str(SCHEMA)],
                stdin=source,
                stdout=out,
                check=True,
            )

    figures = {
        "parse only (orjson)": best(repeat, parse_only),
        "Spiral, one process": best(repeat, spiral_engine),
        "Spiral, one process, merge as Python": best(repeat, spiral_source),
        f"Spiral, {os.cpu_count()} processes": best(repeat, spiral_shared),
        "spiral ocds compile --jsonl": best(repeat, spiral_cli),
        "ocdskit compile": best(max(1, repeat - 1), ocdskit),
    }
    expected = kit_out.read_bytes()
    outputs = (spiral_out, source_out, shared_out, cli_out)
    return figures, all(path.read_bytes() == expected for path in outputs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generator", help="path of gen_ocds.py")
    parser.add_argument("--processes", type=int, default=5000, help="contracting processes")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is kept")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    generator = find_generator(args.generator)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "packages.jsonl"
        subprocess.run(
            [
                sys.executable,
                str(generator),
                "--mode",
                "packages",
                "--n",
                str(args.processes),
                "--seed",
                str(args.seed),
                "--out",
                str(data),
            ],
            check=True,
            capture_output=True,
        )
        size = data.stat().st_size
        releases = 6 * args.processes
        figures, identical = measure(data, folder, args.repeat)

    python = platform.python_version()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU(s), Python {python}")
    built = "compiled to C (mypyc)" if merge.is_compiled() else "run as Python (no build found)"
    print(f"the merge's inner loop: {built}")
    print(f"input: {args.processes} processes, {releases} releases, {size / 1e6:.1f} MB")
    kit_wall, kit_cpu = figures["ocdskit compile"]
    heads = ("wall s", "releases/s", "× ocdskit", "CPU s", "× ocdskit")
    print(f"{'':38s} {heads[0]:>8s} {heads[1]:>11s} {heads[2]:>9s} {heads[3]:>8s} {heads[4]:>9s}")
    for name, (wall, cpu) in figures.items():
        print(
            f"{name:38s} {wall:8.3f} {releases / wall:11,.0f} {kit_wall / wall:9.1f}"
            f" {cpu:8.3f} {kit_cpu / cpu:9.1f}"
        )
    print(f"load average (1, 5, 15 min): {os.getloadavg()}")
    print(f"outputs identical to ocdskit's: {identical}")
    if not identical:
        sys.exit(1)


if __name__ == "__main__":
    main()
