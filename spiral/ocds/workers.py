"""Compiling JSON Lines shared among worker processes, with the output of one process.

With JSON Lines in and out, the work can be shared among processes in two ways. By position
(:func:`_write_jsonl_in_parallel`): each process takes its own consecutive part of the input,
cut between processes when the input is grouped by ``ocid``, and makes its own first pass over
it. By hash (:func:`_write_jsonl_by_hash`), when a process turns out to be spread over two parts
or an escaped ``ocid`` could hide from a first pass: each process reads every line but parses
only the lines of the ocids that hash to it, from a table of line owners made by one first pass
(:mod:`spiral.ocds.first_pass`) before the workers are forked. Either way each process writes
its compiled releases, in ``ocid`` order, to a file of its own, and the files are merged in
``ocid`` order. :func:`spiral.ocds.compile.write_compiled` decides how many processes to use
(:func:`_workers`).
"""

from __future__ import annotations

import gc
import itertools
import os
from collections.abc import Iterator
from typing import IO

import orjson

from spiral.ocds.first_pass import _is_json_lines, _scan, _Scanned
from spiral.ocds.lines import last_ocids, line_ocids
from spiral.ocds.problems import ProblemReport
from spiral.ocds.reader import OCDSReader
from spiral.ocds.records import (
    CompileResult,
    Record,
    _counted,
    _write_in_order,
    compile_records,
    stream_records,
)

#: With ``workers=0``, inputs smaller than this are compiled in one process: starting the
#: others costs more than they save (measured: break-even near 8 MB on 2 CPUs). Read here by
#: :func:`_workers`; :mod:`spiral.ocds.compile` exports the same value.
SHARE_FROM_BYTES = 16 * 1024 * 1024


def _workers(paths: list[str | os.PathLike[str]], *, jsonl: bool, workers: int) -> int:
    """How many processes to compile with (1: in this process)."""
    if not jsonl or workers == 1 or len(paths) == 0:
        return 1
    if workers == 0:
        if sum(os.path.getsize(path) for path in paths) < SHARE_FROM_BYTES:
            return 1
        workers = os.cpu_count() or 1
    if workers < 2 or not all(_is_json_lines(path) for path in paths):
        return 1
    return workers


# What every worker needs from the first pass, set before the workers are forked (and so shared
# with them without copying): the owner of each line, and where each ocid is last written.
_SCANNED: _Scanned | None = None


def _compile_partition(
    paths: list[str | os.PathLike[str]], index: int, count: int, versioned: bool, target: str
) -> tuple[list[str], ProblemReport, int, dict[str, int]]:
    """In a worker: compile the processes of one partition into a file, in ocid order."""
    gc.disable()
    scanned = _SCANNED if _SCANNED is not None else _scan(paths, count)
    reader = OCDSReader(check_fields=False, partition=(index, count), owners=scanned.owners)
    result = CompileResult(reader.report)
    dumps = orjson.dumps
    streamed: Iterator[Record]
    if scanned.exact:
        streamed = stream_records(
            reader,
            paths,
            compiled=not versioned,
            versioned=versioned,
            counter=result,
            last=scanned.last,
        )
    else:  # an escaped ocid could hide from the first pass: hold the partition whole
        entries = _counted(reader.releases(paths), result, None)
        streamed = compile_records(
            entries, compiled=not versioned, versioned=versioned, report=reader.report
        )
    chunks = sorted(
        (record.ocid, dumps(record.versioned_release if versioned else record.compiled_release))
        for record in streamed
    )
    with open(target, "wb") as out:
        for _ocid, chunk in chunks:
            out.write(chunk)
            out.write(b"\n")
    return [ocid for ocid, _ in chunks], reader.report, result.releases, reader.kinds


def _write_jsonl_by_hash(
    paths: list[str | os.PathLike[str]], out: IO[bytes], *, versioned: bool, workers: int
) -> CompileResult:
    """Compile in ``workers`` processes, each owning the processes whose ocid hashes to it.

    Each worker reads every line but parses only its own (see
    :func:`spiral.ocds.lines.line_owner`), compiles them and writes them in ``ocid`` order to a
    file of its own; the files are then merged in ``ocid`` order, so the output is exactly what
    one process writes.
    """
    import heapq
    import multiprocessing
    import tempfile

    with tempfile.TemporaryDirectory(prefix="spiral-compile-") as folder:
        targets = [os.path.join(folder, f"part-{index}.jsonl") for index in range(workers)]
        global _SCANNED  # noqa: PLW0603 - handed to the forked workers, then cleared
        _SCANNED = _scan(paths, workers)
        context = multiprocessing.get_context("fork")
        try:
            pool = context.Pool(workers)
        finally:
            _SCANNED = None
        with pool:
            parts = pool.starmap(
                _compile_partition,
                [(paths, index, workers, versioned, targets[index]) for index in range(workers)],
            )
        result = CompileResult(ProblemReport())
        handles = [open(target, "rb") for target in targets]  # noqa: SIM115 - closed below
        try:
            streams = []
            for (ocids, report, releases, kinds), handle in zip(parts, handles, strict=True):
                result.report.merge(report)
                result.releases += releases
                for kind, number in kinds.items():
                    result.kinds[kind] = result.kinds.get(kind, 0) + number
                streams.append(zip(ocids, handle, strict=False))
            for _ocid, line in heapq.merge(*streams, key=lambda pair: pair[0]):
                out.write(line)
                result.records += 1
        finally:
            for handle in handles:
                handle.close()
    return result


Span = tuple[int, str | os.PathLike[str], int, int]  # (file number, path, start, end)

#: How far past a cut (in lines) a process may go on before the cut is left where it is.
_BOUNDARY_LINES = 1000


def _line_ending_at(handle: IO[bytes], end: int) -> bytes:
    """The whole line that ends at byte offset ``end`` (its newline included)."""
    window = 1 << 16
    while True:
        start = max(0, end - window)
        handle.seek(start)
        data = handle.read(end - start)
        cut = data.rfind(b"\n", 0, len(data) - 1)
        if cut >= 0 or start == 0:
            return data[cut + 1 :]
        window *= 4


def _boundary(path: str | os.PathLike[str], target: int) -> int:
    """A line start at or after ``target`` that, when possible, no process straddles: lines
    are skipped while they share an ocid with the line before."""
    if target <= 0:
        return 0
    with open(path, "rb") as handle:
        handle.seek(target - 1)
        handle.readline()  # to the end of the line holding the byte before the target
        cut = handle.tell()
        ocids = line_ocids(_line_ending_at(handle, cut)) if cut > 0 else set()
        handle.seek(cut)
        for _ in range(_BOUNDARY_LINES):
            line = handle.readline()
            found = line_ocids(line)
            if not line or not found & ocids:
                break
            cut += len(line)
            ocids = found
        return cut


def _spans(paths: list[str | os.PathLike[str]], count: int) -> list[list[Span]]:
    """Share JSON Lines files among ``count`` workers: consecutive parts of about equal size,
    cut between lines and, when the input is grouped by ocid, between processes."""
    sizes = [os.path.getsize(path) for path in paths]
    total = sum(sizes)
    cuts = [(0, 0)]
    for part in range(1, count):
        target = total * part // count
        index = 0
        while index < len(paths) - 1 and target >= sizes[index]:
            target -= sizes[index]
            index += 1
        cut = (index, _boundary(paths[index], target))
        cuts.append(max(cut, cuts[-1]))
    cuts.append((len(paths) - 1, sizes[-1]))
    shares: list[list[Span]] = []
    for (first, start), (final, end) in itertools.pairwise(cuts):
        share: list[Span] = []
        for index in range(first, final + 1):
            begin = start if index == first else 0
            stop = end if index == final else sizes[index]
            if stop > begin:
                share.append((index, paths[index], begin, stop))
        shares.append(share)
    return shares


def _compile_spans(
    spans: list[Span], versioned: bool, target: str
) -> tuple[list[str], ProblemReport, int, dict[str, int], bool]:
    """In a worker: compile the processes of some parts of the input into a file, in ocid order.

    Returns the ocids written, the problems, the releases read, the kinds of data read, and
    whether the first pass over the parts was exact (if not, nothing was compiled).
    """
    gc.disable()
    reader = OCDSReader(check_fields=False)
    result = CompileResult(reader.report)
    last: dict[str, tuple[int, int]] = {}
    for index, path, start, end in spans:
        found, exact = last_ocids(path, start, end)
        if not exact:
            return [], reader.report, 0, {}, False
        last.update((ocid, (index, offset)) for ocid, offset in found.items())
    streamed = stream_records(
        reader,
        [],
        compiled=not versioned,
        versioned=versioned,
        counter=result,
        last=last,
        spans=spans,
    )
    dumps = orjson.dumps
    ocids: list[str] = []
    with open(target, "wb") as out:
        _write_in_order(
            (
                (
                    record.ocid,
                    dumps(record.versioned_release if versioned else record.compiled_release),
                )
                for record in streamed
            ),
            out,
            last,
            ocids,
        )
    return ocids, reader.report, result.releases, reader.kinds, True


def _with_line_numbers(report: ProblemReport, spans: list[Span]) -> ProblemReport:
    """Number the lines of a part that starts inside a file from the start of the file."""
    import dataclasses
    from pathlib import Path

    if not spans or spans[0][2] == 0:
        return report
    _index, path, start, _end = spans[0]
    name = Path(path).name
    prefix = f"{name}@{start}, line "
    before: int | None = None
    for kind, shown in report.examples.items():
        for position, problem in enumerate(shown):
            if not problem.where.startswith(prefix):
                continue
            if before is None:
                before = _count_lines(path, start)
            number, comma, rest = problem.where[len(prefix) :].partition(",")
            where = f"{name}, line {int(number) + before}{comma}{rest}"
            shown[position] = dataclasses.replace(problem, where=where)
        report.examples[kind] = shown
    return report


def _count_lines(path: str | os.PathLike[str], end: int) -> int:
    """The number of lines that end before byte offset ``end``."""
    lines = 0
    with open(path, "rb") as handle:
        left = end
        while left > 0:
            block = handle.read(min(left, 1 << 22))
            if not block:
                break
            lines += block.count(b"\n")
            left -= len(block)
    return lines


def _write_jsonl_in_parallel(
    paths: list[str | os.PathLike[str]], out: IO[bytes], *, versioned: bool, workers: int
) -> CompileResult:
    """Compile in ``workers`` processes, each reading its own consecutive part of the input.

    Each worker finds where its processes end (a first pass over its part only), compiles them
    as it reads and writes them, in ``ocid`` order, to a file of its own; the files are then
    merged in ``ocid`` order, so the output is exactly what one process writes. Only ocids and
    counts travel between processes. If a process turns out to be spread over two parts (the
    input is not grouped by ocid), or an escaped ocid could hide from a first pass, the work is
    done again shared by hash of the ocid (:func:`_write_jsonl_by_hash`).
    """
    import heapq
    import multiprocessing
    import shutil
    import tempfile

    shares = _spans(paths, workers)
    with tempfile.TemporaryDirectory(prefix="spiral-compile-") as folder:
        targets = [os.path.join(folder, f"part-{index}.jsonl") for index in range(workers)]
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            parts = pool.starmap(
                _compile_spans,
                [(shares[index], versioned, targets[index]) for index in range(workers)],
            )
        written = sum(len(part[0]) for part in parts)
        distinct = len(set().union(*(part[0] for part in parts)))
        if not all(part[4] for part in parts) or distinct != written:
            return _write_jsonl_by_hash(paths, out, versioned=versioned, workers=workers)
        result = CompileResult(ProblemReport())
        for (_ocids, report, releases, kinds, _exact), share in zip(parts, shares, strict=True):
            result.report.merge(_with_line_numbers(report, share))
            result.releases += releases
            for kind, number in kinds.items():
                result.kinds[kind] = result.kinds.get(kind, 0) + number
        result.records = written
        firsts_and_lasts = [(part[0][0], part[0][-1]) for part in parts if part[0]]
        if all(earlier[1] < later[0] for earlier, later in itertools.pairwise(firsts_and_lasts)):
            # Input sorted by ocid: the parts follow one another.
            for target in targets:
                with open(target, "rb") as handle:
                    shutil.copyfileobj(handle, out, 1 << 22)
            return result
        handles = [open(target, "rb") for target in targets]  # noqa: SIM115 - closed below
        try:
            streams = [
                zip(part[0], handle, strict=False)
                for part, handle in zip(parts, handles, strict=True)
            ]
            for _ocid, line in heapq.merge(*streams, key=lambda pair: pair[0]):
                out.write(line)
        finally:
            for handle in handles:
                handle.close()
    return result
