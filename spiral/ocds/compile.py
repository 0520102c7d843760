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

The parts live in their own modules: :mod:`spiral.ocds.records` (grouping and compiling
releases into records), :mod:`spiral.ocds.first_pass` (the first pass over JSON Lines) and
:mod:`spiral.ocds.workers` (sharing the work among processes). This module reads the files
and writes the output, and the public names of all four are imported from here (``__all__``).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

import orjson

from spiral.ocds.first_pass import _is_json_lines, _last_offsets, last_lines
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
from spiral.ocds.workers import SHARE_FROM_BYTES, _workers, _write_jsonl_in_parallel

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
