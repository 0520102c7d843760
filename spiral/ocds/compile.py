"""Compile releases into records: a compiled release (and a versioned release) per ``ocid``.

Releases are grouped by ``ocid``; each group is merged by the OCDS merge rules of its version
(:mod:`spiral.ocds.merge`): OCDS 1.1 data by the 1.1.5 release schema, data without a ``version``
(OCDS 1.0) by the 1.0.3 schema. Records come out in ``ocid`` order, as ``ocdskit compile`` gives
them, and a record package has the fields, in the order, that ``ocdskit compile --package`` writes.

JSON Lines are streamed: a first pass, without parsing, finds the last line that names each
``ocid``, and each process is compiled as soon as that line is read, so that only its output is
kept until the records are written in ``ocid`` order (:func:`stream_records`). Other inputs are
held whole until every group is complete, since the releases of one ``ocid`` may be anywhere in
them.
"""

from __future__ import annotations

import gc
import itertools
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

import orjson

from spiral.ocds.first_pass import _is_json_lines, _last_offsets, _scan, _Scanned, last_lines
from spiral.ocds.problems import ProblemReport
from spiral.ocds.reader import COMPILED_RELEASE, RECORD, Entry, OCDSReader, is_array
from spiral.ocds.records import (
    CompileResult,
    Progress,
    Record,
    _counted,
    _write_in_order,
    compile_records,
    group_by_ocid,
    stream_records,
)

__all__ = [
    "SHARE_FROM_BYTES",
    "CompileResult",
    "Progress",
    "Record",
    "compile_records",
    "compiled_releases",
    "group_by_ocid",
    "last_lines",
    "stream_records",
    "write_compiled",
]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while millions of small, acyclic objects are made.

    Without this, each collection walks every release held so far, and reading slows down as
    the input grows. Parsed JSON holds no reference cycles, so nothing is left uncollected.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def write_compiled(
    paths: Iterable[str | os.PathLike[str]],
    out: IO[bytes],
    *,
    jsonl: bool = False,
    versioned: bool = False,
    uri: str = "",
    published_date: str = "",
    version: str | None = None,
    publisher: dict[str, Any] | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> CompileResult:
    """Read OCDS files, compile their releases and write the result.

    Parameters
    ----------
    paths : iterable of path
        Release packages, releases, records or record packages, in any shape the reader takes.
    out : binary file
        Where the output goes.
    jsonl : bool
        Write one compiled release per line (with ``versioned``, one versioned release per line)
        instead of one record package.
    versioned : bool
        Without ``jsonl``: also put a versioned release in each record.
    uri, published_date, version, publisher
        The record package's metadata. By default, like ``ocdskit compile --package``: empty
        ``uri`` and ``publishedDate``, the publisher of the last package read; the ``version``
        is that of the data (ocdskit writes ``"1.1"`` unless told otherwise).
    progress : callable, optional
        Told ``(stage, done, total)`` while reading (releases read) and compiling.
    workers : int
        Processes to share the work among when the output and every input are JSON Lines
        (``0``: one per CPU, when the inputs add up to :data:`SHARE_FROM_BYTES` or more);
        otherwise one. The output is the same either way. One by default: sharing pays only on
        CPUs left idle.

    Returns
    -------
    CompileResult
        Counts and the problem report; the valid remainder is always written.

    Examples
    --------
    >>> import io, pathlib, tempfile
    >>> source = pathlib.Path(tempfile.mkdtemp()) / "p.json"
    >>> _ = source.write_text('{"uri": "u", "version": "1.1", "publishedDate": "2024-01-01T00:00:00Z",'
    ...     ' "publisher": {"name": "A Council"}, "releases": [{"ocid": "ocds-1", "id": "1",'
    ...     ' "date": "2024-01-01T00:00:00Z", "tag": ["tender"], "tender": {"id": "t"}}]}')
    >>> buffer = io.BytesIO()
    >>> result = write_compiled([source], buffer, jsonl=True)
    >>> buffer.getvalue()
    b'{"tag":["compiled"],"id":"ocds-1-2024-01-01T00:00:00Z","date":"2024-01-01T00:00:00Z","ocid":"ocds-1","tender":{"id":"t"}}\\n'
    >>> result.records, result.releases
    (1, 1)
    """  # noqa: E501
    paths = list(paths)
    count = _workers(paths, jsonl=jsonl, workers=workers)
    with _collector_paused():
        if count > 1:
            return _write_jsonl_in_parallel(paths, out, versioned=versioned, workers=count)
        return _write_compiled(
            paths,
            out,
            jsonl=jsonl,
            versioned=versioned,
            uri=uri,
            published_date=published_date,
            version=version,
            publisher=publisher,
            progress=progress,
        )


def _write_compiled(
    paths: Iterable[str | os.PathLike[str]],
    out: IO[bytes],
    *,
    jsonl: bool,
    versioned: bool,
    uri: str,
    published_date: str,
    version: str | None,
    publisher: dict[str, Any] | None,
    progress: Progress | None,
) -> CompileResult:
    reader = OCDSReader(check_fields=False)
    result = CompileResult(reader.report)
    paths = list(paths)
    compiled = not (jsonl and versioned)
    dumps = orjson.dumps

    def serialise(record: Record) -> bytes:
        if jsonl:
            return dumps(record.versioned_release if versioned else record.compiled_release)
        return dumps(record.as_dict())

    chunks: Iterator[tuple[str, bytes]]
    last: dict[str, tuple[int, int]] = {}
    exact = False
    if paths and all(_is_json_lines(path) for path in paths):
        # Compile each process when its last line is read, keeping only its output (unless an
        # escaped ocid could hide from the first pass: then hold everything).
        last, exact = _last_offsets(paths)
    if paths and exact:
        streamed = stream_records(
            reader,
            paths,
            compiled=compiled,
            versioned=versioned,
            progress=progress,
            counter=result,
            last=last,
        )
        serialised = ((record.ocid, serialise(record)) for record in streamed)
        if jsonl:
            result.records = _write_in_order(serialised, out, last)
            result.kinds = dict(reader.kinds)
            return result
        chunks = iter(sorted(serialised))
    else:
        entries = _counted(reader.releases(paths), result, progress)
        records = compile_records(
            entries,
            compiled=compiled,
            versioned=versioned,
            report=reader.report,
            progress=progress,
        )
        chunks = ((record.ocid, serialise(record)) for record in records)
    if jsonl:
        for _ocid, chunk in chunks:
            out.write(chunk)
            out.write(b"\n")
            result.records += 1
    else:
        # Every release is read (so the metadata is complete) before the first record is made.
        first = next(chunks, None)
        out.write(dumps(_package_head(reader, uri, published_date, version, publisher))[:-1])
        out.write(b',"records":[')
        if first is not None:
            out.write(first[1])
            result.records += 1
            for _ocid, chunk in chunks:
                out.write(b",")
                out.write(chunk)
                result.records += 1
        out.write(b"]}\n")
    result.kinds = dict(reader.kinds)
    return result


def _package_head(
    reader: OCDSReader,
    uri: str,
    published_date: str,
    version: str | None,
    publisher: dict[str, Any] | None,
) -> dict[str, Any]:
    """The record package's fields before ``records``, in the order ocdskit writes them."""
    metadata = reader.metadata
    versions = sorted(metadata.versions)
    head: dict[str, Any] = {
        "uri": uri,
        "publisher": publisher or metadata.publisher or {},
        "publishedDate": published_date,
    }
    if metadata.license is not None:
        head["license"] = metadata.license
    if metadata.publication_policy is not None:
        head["publicationPolicy"] = metadata.publication_policy
    head["version"] = version or (versions[-1] if versions else "1.1")
    if metadata.extensions:
        head["extensions"] = list(metadata.extensions)
    if metadata.uris:
        head["packages"] = metadata.uris
    return head


def compiled_releases(
    paths: Iterable[str | os.PathLike[str]], reader: OCDSReader | None = None
) -> Iterator[dict[str, Any]]:
    """Yield one compiled release per contracting process, whatever the input holds.

    Compiled releases (one per line, say) pass through as they are; records give their
    ``compiledRelease`` (or have their releases compiled when they have none); releases and
    release packages are grouped by ``ocid`` and compiled. This is the input the indicators and
    red flags take.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> source = pathlib.Path(tempfile.mkdtemp()) / "c.jsonl"
    >>> _ = source.write_text(
    ...     '{"ocid": "ocds-1", "id": "x", "date": "2024-01-01T00:00:00Z", "tag": ["compiled"]}\\n'
    ...     '{"ocid": "ocds-2", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"]}\\n')
    >>> [(c["ocid"], c["tag"]) for c in compiled_releases([source])]
    [('ocds-1', ['compiled']), ('ocds-2', ['compiled'])]
    """
    reader = reader if reader is not None else OCDSReader()
    pending: list[Entry] = []
    for path in paths:
        for item, where in reader.items(path):
            if isinstance(item, dict) and item.get("tag") == ["compiled"]:
                reader.kinds[COMPILED_RELEASE] = reader.kinds.get(COMPILED_RELEASE, 0) + 1
                yield item
            elif isinstance(item, dict) and "compiledRelease" in item and "ocid" in item:
                reader.kinds[RECORD] = reader.kinds.get(RECORD, 0) + 1
                yield item["compiledRelease"]
            elif isinstance(item, dict) and is_array(item.get("records")):
                for record in item["records"]:
                    if isinstance(record, dict) and isinstance(record.get("compiledRelease"), dict):
                        yield record["compiledRelease"]
                    else:
                        pending.extend(reader.releases_in(record, where))
                reader.finish(item, where)
            else:
                pending.extend(reader.releases_in(item, where))
    for record in compile_records(pending, report=reader.report):
        if record.compiled_release is not None:
            yield record.compiled_release


#: With ``workers=0``, inputs smaller than this are compiled in one process: starting the
#: others costs more than they save (measured: break-even near 8 MB on 2 CPUs).
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
    from spiral.ocds.lines import line_ocids

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
    from spiral.ocds.lines import last_ocids

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
