"""Records: the releases of one contracting process, grouped by ``ocid``, and what they make.

Each group of releases is merged by the OCDS merge rules of its version
(:mod:`spiral.ocds.merge`): OCDS 1.1 data by the 1.1.5 release schema, data without a ``version``
(OCDS 1.0) by the 1.0.3 schema. :func:`compile_records` holds every release until every group is
complete and gives the records in ``ocid`` order; :func:`stream_records` compiles the releases
of JSON Lines files, each process as soon as its last line is read (found by the first pass,
:mod:`spiral.ocds.first_pass`), and ``_write_in_order`` writes what it gives in ``ocid`` order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from spiral.ocds.first_pass import _last_offsets
from spiral.ocds.merge import compile_release, versioned_release
from spiral.ocds.problems import MERGE_FAILED, ProblemReport
from spiral.ocds.reader import Entry, OCDSReader
from spiral.ocds.schema import tag_for_version

#: Called as ``progress(stage, done, total)``; ``total`` is 0 while it is not known.
Progress = Callable[[str, int, int], None]


@dataclass
class Record:
    """The releases of one contracting process and what they compile to."""

    ocid: str
    releases: list[dict[str, Any]]
    compiled_release: dict[str, Any] | None = None
    versioned_release: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The record as OCDS writes it (``ocid``, ``releases``, ``compiledRelease``...)."""
        out: dict[str, Any] = {"ocid": self.ocid, "releases": self.releases}
        if self.compiled_release is not None:
            out["compiledRelease"] = self.compiled_release
        if self.versioned_release is not None:
            out["versionedRelease"] = self.versioned_release
        return out


@dataclass
class CompileResult:
    """What a compile run read and wrote, and the problems it met."""

    report: ProblemReport
    releases: int = 0
    records: int = 0
    kinds: dict[str, int] = field(default_factory=dict)


def group_by_ocid(entries: Iterable[Entry]) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """Group releases by ``ocid``, keeping their input order and the version of the first.

    Examples
    --------
    >>> from spiral.ocds.reader import Entry
    >>> entries = [Entry({"ocid": "b", "id": "1"}, "1.1", "", ""),
    ...            Entry({"ocid": "a", "id": "2"}, "1.1", "", ""),
    ...            Entry({"ocid": "b", "id": "3"}, "1.1", "", "")]
    >>> {ocid: [r["id"] for r in rs] for ocid, (_, rs) in group_by_ocid(entries).items()}
    {'b': ['1', '3'], 'a': ['2']}
    """
    groups: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    for release, version, _uri, _where in entries:
        group = groups.get(release["ocid"])
        if group is None:
            groups[release["ocid"]] = (version, [release])
        else:
            group[1].append(release)
    return groups


def compile_records(
    entries: Iterable[Entry],
    *,
    compiled: bool = True,
    versioned: bool = False,
    report: ProblemReport | None = None,
    progress: Progress | None = None,
) -> Iterator[Record]:
    """Compile releases into records, one per ``ocid``, in ``ocid`` order.

    Parameters
    ----------
    entries : iterable of Entry
        Releases as :meth:`spiral.ocds.reader.OCDSReader.releases` yields them.
    compiled, versioned : bool
        Which merged releases to make for each record.
    report : ProblemReport, optional
        Where a process whose releases cannot be merged at all is reported (it is left out).
    progress : callable, optional
        Told ``("compile", done, total)`` as records are made.

    Examples
    --------
    >>> from spiral.ocds.reader import Entry
    >>> releases = [{"ocid": "ocds-1", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"],
    ...              "parties": [{"id": "GB-1", "name": "A Council", "roles": ["buyer"]}]},
    ...             {"ocid": "ocds-1", "id": "2", "date": "2024-02-01T00:00:00Z", "tag": ["award"],
    ...              "parties": [{"id": "GB-2", "name": "A Supplier", "roles": ["supplier"]}]}]
    >>> [record] = compile_records(Entry(r, "1.1", "", "") for r in releases)
    >>> [party["name"] for party in record.compiled_release["parties"]]
    ['A Council', 'A Supplier']
    """
    groups = group_by_ocid(entries)
    total = len(groups)
    for done, ocid in enumerate(sorted(groups), 1):
        version, releases = groups.pop(ocid)
        record = _record(
            ocid, version, releases, compiled=compiled, versioned=versioned, report=report
        )
        if progress is not None and (done % 1000 == 0 or done == total):
            progress("compile", done, total)
        if record is not None:
            yield record


def _record(
    ocid: str,
    version: str,
    releases: list[dict[str, Any]],
    *,
    compiled: bool,
    versioned: bool,
    report: ProblemReport | None,
) -> Record | None:
    record = Record(ocid, releases)
    tag = tag_for_version(version)
    try:
        if compiled:
            record.compiled_release = compile_release(releases, tag)
        if versioned:
            record.versioned_release = versioned_release(releases, tag)
    except Exception as error:  # any merge failure is reported, not raised
        if report is None:
            raise
        report.add(MERGE_FAILED, ocid, f"the releases of {ocid} could not be merged: {error}")
        return None
    return record


def stream_records(
    reader: OCDSReader,
    paths: list[str | os.PathLike[str]],
    *,
    compiled: bool = True,
    versioned: bool = False,
    progress: Progress | None = None,
    counter: CompileResult | None = None,
    last: dict[str, tuple[int, int]] | None = None,
    spans: list[tuple[int, str | os.PathLike[str], int, int]] | None = None,
) -> Iterator[Record]:
    """Compile the releases of JSON Lines files, each process as soon as its last line is read.

    Records come in the order their processes end, not in ``ocid`` order. Only the releases of
    processes still open are held, so memory follows the spread of a process in the input, not
    the size of the input. The input must not write an ``ocid`` with escaped characters
    (``\\u0061``), which the first pass cannot read: :func:`spiral.ocds.compile.write_compiled`
    checks this and otherwise holds every release. ``last`` gives, for each ``ocid``, the (file,
    byte offset) where it is written for the last time (found by a first pass when not given).
    With ``spans`` (see :meth:`~spiral.ocds.reader.OCDSReader.releases_between`), only those
    parts of the files are read, and ``last`` must be given.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> source = pathlib.Path(tempfile.mkdtemp()) / "r.jsonl"
    >>> _ = source.write_text(
    ...     '{"ocid": "b", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"]}\\n'
    ...     '{"ocid": "a", "id": "2", "date": "2024-01-01T00:00:00Z", "tag": ["tender"]}\\n'
    ...     '{"ocid": "b", "id": "3", "date": "2024-02-01T00:00:00Z", "tag": ["award"]}\\n')
    >>> [(r.ocid, len(r.releases)) for r in stream_records(OCDSReader(), [source])]
    [('a', 1), ('b', 2)]
    """
    if last is None:
        last = _last_offsets(paths)[0]
    report = reader.report
    # The processes that end at each line, in the order of the lines.
    ends: dict[tuple[int, int], list[str]] = {}
    for ocid, where in last.items():
        ends.setdefault(where, []).append(ocid)
    endings = sorted(ends, reverse=True)
    groups: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    position = (-1, -1)

    def finish(ocids: Iterable[str]) -> Iterator[Record]:
        for ocid in ocids:
            if ocid not in groups:
                continue  # none of its releases could be read
            done_version, releases = groups.pop(ocid)
            record = _record(
                ocid, done_version, releases, compiled=compiled, versioned=versioned, report=report
            )
            if record is not None:
                yield record

    entries: Iterator[Entry] = (
        reader.releases(paths) if spans is None else reader.releases_between(spans)
    )
    if counter is not None:
        entries = _counted(entries, counter, progress)
    for release, version, _uri, _where in entries:
        if reader.offset != position:
            position = reader.offset
            # Every line before this one is read: the processes ending there are complete.
            while endings and endings[-1] < position:
                yield from finish(ends.pop(endings.pop()))
        ocid = release["ocid"]
        group = groups.get(ocid)
        if group is None:
            groups[ocid] = (version, [release])
        else:
            group[1].append(release)
    for ending in reversed(endings):
        yield from finish(ends.pop(ending))
    yield from finish(sorted(groups))  # processes the first pass could not see (escaped ocids)


def _counted(
    entries: Iterator[Entry], result: CompileResult, progress: Progress | None
) -> Iterator[Entry]:
    for count, entry in enumerate(entries, 1):
        result.releases = count
        if progress is not None and count % 10000 == 0:
            progress("read", count, 0)
        yield entry


def _write_in_order(
    chunks: Iterator[tuple[str, bytes]],
    out: IO[bytes],
    last: dict[str, tuple[int, int]],
    written_ocids: list[str] | None = None,
) -> int:
    """Write compiled processes in ``ocid`` order as soon as every smaller ``ocid`` is done.

    Records come in the order of the last lines of their processes (see
    :func:`stream_records`). Input sorted by ``ocid`` is written as it is read; otherwise the
    processes that finish early wait here. The ocids written are added to ``written_ocids``.
    """
    order = iter(sorted(last))
    waiting: dict[str, bytes] = {}
    following = next(order, None)
    written = 0
    for ocid, chunk in chunks:
        waiting[ocid] = chunk
        # Records come in the order their last lines are read: every ocid whose last line comes
        # before this one's is done (written, waiting, or without a record).
        bound = last.get(ocid)
        if bound is None:  # cannot happen when the first pass saw every ocid, which it checks
            raise RuntimeError(f"the first pass missed the ocid {ocid!r}")
        while following is not None and last[following] < bound:
            ready = waiting.pop(following, None)
            if ready is not None:
                out.write(ready)
                out.write(b"\n")
                written += 1
                if written_ocids is not None:
                    written_ocids.append(following)
            following = next(order, None)
    while following is not None:
        ready = waiting.pop(following, None)
        if ready is not None:
            out.write(ready)
            out.write(b"\n")
            written += 1
            if written_ocids is not None:
                written_ocids.append(following)
        following = next(order, None)
    if waiting:  # cannot happen when the first pass saw every ocid, which it checks
        raise RuntimeError(f"compiled processes left unwritten: {sorted(waiting)[:3]}")
    return written
