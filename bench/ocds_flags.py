"""Benchmark Spiral's OCDS red flags on generated compiled releases.

Generates compiled releases (JSON Lines) with the OCDS generator script (``--generator
PATH``, run with ``--mode compiled --lean``) unless ``--data`` names an existing file, then
times:

1. the parse-only floor: every line through ``orjson.loads`` in the same number of processes,
   doing nothing else;
2. ``spiral.ocds.flags.flag_file`` with every indicator enabled.

Prints releases per second, seconds and peak resident memory (the main process and its
workers together, sampled every 50 ms).

    python bench/ocds_flags.py --generator gen_ocds.py --rows 100000 --processes 2
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from spiral.ocds.flags import flag_file, parse_settings
from spiral.ocds.flags.runner import PIECE_BYTES, _boundaries, _decode

ALL = "\n".join(
    f"[{code}]"
    for code in (
        "R003",
        "R018",
        "R024",
        "R025",
        "R028",
        "R030",
        "R035",
        "R036",
        "R038",
        "R048",
        "R058",
    )
)


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii")
    except OSError:
        return []
    return [int(child) for child in text.split()]


class PeakMemory:
    """Sample the resident memory of this process and its children (Linux /proc)."""

    def __init__(self) -> None:
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            total = _rss_kib(me) + sum(_rss_kib(child) for child in _children(me))
            self.peak_kib = max(self.peak_kib, total)
            time.sleep(0.05)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _parse_piece(task: tuple[str, int, int, str]) -> int:
    path, start, end, how = task
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    parse = orjson.loads if how == "orjson" else _decode
    count = 0
    for line in data.split(b"\n"):
        if line:
            parse(line)
            count += 1
    return count


def parse_only(path: str, processes: int, how: str) -> int:
    """Parse every line and do nothing else: ``orjson`` (whole release) or ``selective``."""
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        spans = _boundaries(handle, size, PIECE_BYTES)
    tasks = [(path, start, end, how) for start, end in spans]
    pool = multiprocessing.get_context().Pool(processes)
    try:
        return sum(pool.imap(_parse_piece, tasks))
    finally:
        pool.close()
        pool.join()


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(label: str, call: Callable[[], Any], count: Callable[[Any], int]) -> Any:
    """Run ``call``; print releases/s, wall seconds, CPU seconds (all processes), peak RSS."""
    with PeakMemory() as memory:
        cpu = _cpu_seconds()
        started = time.perf_counter()
        result = call()
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu
    rows = count(result)
    print(
        f"{label:<24} {rows:>10,} releases  {seconds:8.2f} s wall  {cpu:8.2f} s CPU"
        f"  {rows / seconds:>10,.0f} rows/s  peak RSS {memory.peak_kib / 1024:6.0f} MiB"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generator", help="path of the OCDS generator script (gen_ocds.py)")
    parser.add_argument("--data", help="an existing compiled-release JSON Lines file to use")
    parser.add_argument("--rows", type=int, default=100_000, help="contracting processes")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    args = parser.parse_args()

    if args.data:
        path = args.data
    elif args.generator:
        handle, path = tempfile.mkstemp(suffix=".jsonl", prefix="ocds-compiled-")
        os.close(handle)
        subprocess.run(
            [
                sys.executable,
                args.generator,
                "--mode",
                "compiled",
                "--n",
                str(args.rows),
                "--out",
                path,
                "--lean",
                "--seed",
                str(args.seed),
            ],
            check=True,
        )
    else:
        parser.error("give --generator PATH or --data FILE")
    size = os.path.getsize(path)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
        f"file {size / 1e9:.2f} GB"
    )
    timed("orjson parse only", lambda: parse_only(path, args.processes, "orjson"), int)
    timed("selective decode only", lambda: parse_only(path, args.processes, "selective"), int)
    settings = parse_settings(ALL)
    run = timed(
        "spiral ocds flags",
        lambda: flag_file(path, settings, processes=args.processes),
        lambda result: int(result.releases),
    )
    counts = {group: len(ids) for group, ids in run.results.items() if group != "Meta"}
    print(f"results: {counts}")
    if not args.data and not args.keep:
        os.unlink(path)


if __name__ == "__main__":
    main()
