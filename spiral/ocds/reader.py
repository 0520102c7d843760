"""Stream OCDS data from files, whatever their shape, reporting bad input as it goes.

Accepted shapes (detected from the content, not the file name):

- one JSON document: a release package, a record package, a release, a record, or an array of
  any of these;
- JSON Lines: one release, compiled release, record, release package or record package per line.

Nothing is loaded whole unless it is small: JSON Lines are read in big blocks
(:mod:`spiral.ocds.lines`) and parsed line by line with ``orjson``; one JSON document larger
than ``whole_file_limit`` bytes (or one that is broken) is streamed item by item with
``ijson``, so that the complete releases before a fault are still read.

Problems (invalid JSON with its line and column, a truncated file, releases without ``ocid`` or
``date``, duplicate release ids, dates in a wrong format, amounts written as text, unknown
currency codes) go to a :class:`~spiral.ocds.problems.ProblemReport`; the valid remainder is
yielded.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

import orjson

from spiral.ocds.lines import (
    OCID_FIELD,
    SHARED_LINE,
    block_lines,
    last_ocids,
    line_chunks,
    line_ocids,
    line_owner,
    line_pieces,
)
from spiral.ocds.problems import (
    AMOUNT_AS_TEXT,
    BAD_DATE,
    DUPLICATE_ID,
    INVALID_JSON,
    MIXED_VERSIONS,
    NO_DATE,
    NO_OCID,
    NOT_OCDS,
    TRUNCATED,
    UNKNOWN_CURRENCY,
    ProblemReport,
)
from spiral.ocds.schema import codelist

# The block reading of JSON Lines and the ocid search live in spiral.ocds.lines; their names are
# kept importable from here.
__all__ = [
    "COMPILED_RELEASE",
    "DATE_TIME",
    "OCID_FIELD",
    "RECORD",
    "RECORD_PACKAGE",
    "RELEASE",
    "RELEASE_PACKAGE",
    "SHARED_LINE",
    "Entry",
    "OCDSReader",
    "PackageMetadata",
    "block_lines",
    "is_array",
    "kind_of",
    "last_ocids",
    "line_chunks",
    "line_ocids",
    "line_owner",
    "line_pieces",
    "shape_of",
]

#: Shapes of data a file can hold.
RELEASE_PACKAGE = "release package"
RECORD_PACKAGE = "record package"
RELEASE = "release"
COMPILED_RELEASE = "compiled release"
RECORD = "record"

#: RFC 3339 date-time, as OCDS asks for every date.
DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)\Z")

_WHOLE_FILE_LIMIT = 256 * 1024 * 1024

# Where the amounts and dates the analyses rely on live in a release (arrays marked with []).
_VALUE_PATHS: tuple[tuple[str, ...], ...] = (
    ("planning", "budget", "amount"),
    ("tender", "value"),
    ("tender", "minValue"),
    ("awards", "[]", "value"),
    ("contracts", "[]", "value"),
    ("bids", "details", "[]", "value"),
)
_DATE_PATHS: tuple[tuple[str, ...], ...] = (
    ("tender", "tenderPeriod", "startDate"),
    ("tender", "tenderPeriod", "endDate"),
    ("tender", "awardPeriod", "startDate"),
    ("tender", "awardPeriod", "endDate"),
    ("awards", "[]", "date"),
    ("contracts", "[]", "dateSigned"),
    ("bids", "details", "[]", "date"),
)


def kind_of(item: Any) -> str | None:
    """Say which kind of OCDS object a parsed JSON value is, or ``None``.

    Examples
    --------
    >>> kind_of({"uri": "u", "releases": []})
    'release package'
    >>> kind_of({"ocid": "ocds-1", "id": "1", "date": "2024-01-01T00:00:00Z"})
    'release'
    >>> kind_of({"ocid": "ocds-1", "tag": ["compiled"], "date": "2024-01-01T00:00:00Z"})
    'compiled release'
    >>> kind_of({"ocid": "ocds-1", "releases": [], "compiledRelease": {}})
    'record'
    >>> kind_of([1, 2]) is None
    True
    """
    kind: str | None = None
    if not isinstance(item, dict):
        kind = None
    elif (
        "ocid" in item and ("compiledRelease" in item or "releases" in item) and "date" not in item
    ):
        kind = RECORD
    elif "releases" in item:
        kind = RELEASE_PACKAGE
    elif "records" in item:
        kind = RECORD_PACKAGE
    elif "ocid" in item or "date" in item:
        tag = item.get("tag")
        kind = COMPILED_RELEASE if isinstance(tag, list) and "compiled" in tag else RELEASE
    return kind


class Entry(NamedTuple):
    """One release read, with the OCDS version it declares and where it came from."""

    release: dict[str, Any]
    version: str
    package_uri: str
    where: str


@dataclass
class PackageMetadata:
    """What the packages read so far say about themselves (for the output package)."""

    uris: list[str] = field(default_factory=list)
    versions: set[str] = field(default_factory=set)
    publisher: dict[str, Any] | None = None
    license: str | None = None
    publication_policy: str | None = None
    extensions: dict[str, None] = field(default_factory=dict)

    def update(self, package: dict[str, Any]) -> None:
        """Keep a package's metadata; the last package read wins, as in ocdskit."""
        uri = package.get("uri")
        if isinstance(uri, str) and uri:
            self.uris.append(uri)
        if isinstance(package.get("publisher"), dict):
            self.publisher = package["publisher"]
        if "license" in package:
            self.license = package["license"]
        if "publicationPolicy" in package:
            self.publication_policy = package["publicationPolicy"]
        extensions = package.get("extensions")
        if isinstance(extensions, list):
            self.extensions.update(dict.fromkeys(str(e) for e in extensions))


def _json_error_where(name: str, data: bytes, error: orjson.JSONDecodeError) -> tuple[str, bool]:
    """Describe where an orjson error is, and whether the text simply stops early."""
    position = error.pos
    truncated = position >= len(data.rstrip())
    line = data.count(b"\n", 0, position) + 1
    column = position - (data.rfind(b"\n", 0, position) + 1) + 1
    return f"{name}, line {line}, column {column} (byte {position})", truncated


class OCDSReader:
    """Read OCDS files as a stream of releases (or records), collecting problems.

    Parameters
    ----------
    report : ProblemReport, optional
        Where problems go; a new one by default (see :attr:`report`).
    check_fields : bool
        Also check the format of the main dates, that amounts are numbers and that currencies are
        in the ISO 4217 codelist (cheap; on by default).
    whole_file_limit : int
        A single JSON document up to this many bytes is parsed in one go; a larger one streams.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "r.jsonl").write_text(
    ...     '{"ocid": "ocds-1", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"]}\\n'
    ...     '{"id": "2", "date": "2024-02-01T00:00:00Z"}\\n'
    ...     '{"ocid": "ocds-1", "id": "3", "date": "2024-03-01T00:00:00Z",\\n')
    >>> reader = OCDSReader()
    >>> [entry.release["id"] for entry in reader.releases([folder / "r.jsonl"])]
    ['1']
    >>> reader.report.counts
    {'release without ocid': 1, 'truncated file': 1}
    """

    def __init__(
        self,
        report: ProblemReport | None = None,
        *,
        check_fields: bool = True,
        whole_file_limit: int = _WHOLE_FILE_LIMIT,
        partition: tuple[int, int] | None = None,
        owners: list[bytearray] | None = None,
    ) -> None:
        self.report = report if report is not None else ProblemReport()
        self._report = self.report
        self._sink = ProblemReport(examples_per_kind=0)
        self.partition = partition
        self._owners = owners  # owner of each line of each file, worked out beforehand
        self.check_fields = check_fields
        self.whole_file_limit = whole_file_limit
        self.metadata = PackageMetadata()
        self.kinds: dict[str, int] = {}
        #: (file number, line number) of the JSON Lines line being read, for streaming callers.
        self.position: tuple[int, int] = (0, 0)
        #: (file number, offset of its first byte) of the JSON Lines line being read.
        self.offset: tuple[int, int] = (0, 0)
        self._file = 0
        self._seen: set[tuple[str, str]] = set()
        self._currencies = codelist("currency.csv")

    # -- raw JSON items -------------------------------------------------------------------------

    def items(self, path: str | os.PathLike[str]) -> Iterator[tuple[Any, str]]:
        """Yield each top-level JSON value of a file with a description of where it is.

        JSON Lines give one value per line; one JSON array gives its members; one JSON object is
        one value (a big one streams its ``releases`` or ``records`` one at a time).
        """
        name = Path(path).name
        with open(path, "rb") as handle:
            shape = shape_of(handle, self.whole_file_limit)
            handle.seek(0)
            if shape == "lines":
                yield from self._lines(handle, name)
            elif shape == "empty":
                self.report.add(NOT_OCDS, name, "the file is empty")
            else:
                yield from self._document(handle, name, Path(path).stat().st_size)

    def _lines(
        self, handle: IO[bytes], name: str, span: tuple[int, int] | None = None
    ) -> Iterator[tuple[Any, str]]:
        """Parse JSON Lines; ``span``: only the bytes from ``span[0]`` (a line's start) to
        ``span[1]`` (the end of a line, or of the file), counting lines from there."""
        loads = orjson.loads
        partition = self.partition
        incomplete = ""  # a line that stops early: the file is truncated if it is the last one
        start, limit = (0, None) if span is None else (span[0], span[1] - span[0])
        handle.seek(start)
        for number, offset, view in block_lines(handle, limit, start):
            line: Any = view
            if partition is not None:
                # Read only the lines this partition owns, and the lines no single one owns
                # (reporting their problems once, in partition 0).
                owner = self._owner(line, number, partition[1])
                if owner >= 0 and owner != partition[0]:
                    if bytes(line).strip():
                        self._flush_incomplete(incomplete)
                        incomplete = ""
                    continue
                self.report = self._sink if owner < 0 and partition[0] != 0 else self._report
            try:
                value = loads(line)
            except orjson.JSONDecodeError as error:
                line = bytes(line)
                if not line.strip():
                    continue
                self._flush_incomplete(incomplete)
                content = line.rstrip(b"\r\n")
                column = min(error.pos, len(content)) + 1
                where = f"{name}, line {number}, column {column}"
                if error.pos >= len(content.rstrip()) and self.report is self._report:
                    incomplete = where
                else:
                    incomplete = ""
                    self.report.add(
                        INVALID_JSON, where, f"this line is not valid JSON ({error.msg})"
                    )
                continue
            self._flush_incomplete(incomplete)
            incomplete = ""
            where = f"{name}, line {number}"
            self.position = (self._file, number)
            self.offset = (self._file, offset)
            if isinstance(value, list):
                for index, member in enumerate(value):
                    yield member, f"{where}, item {index}"
            else:
                yield value, where
        self.report = self._report
        self._end_lines(incomplete, handle if span is not None else None)

    def _end_lines(self, incomplete: str, rest: IO[bytes] | None) -> None:
        """Report a last line that stops early: the file is truncated (unless ``rest``, what
        follows a span of lines, is not empty)."""
        if incomplete and rest is not None and rest.read(1):
            self._flush_incomplete(incomplete)
        elif incomplete:
            self.report.add(TRUNCATED, incomplete, "the file ends in the middle of this line")

    def releases_between(
        self, spans: Iterable[tuple[int, str | os.PathLike[str], int, int]]
    ) -> Iterator[Entry]:
        """Yield the releases of parts of JSON Lines files: ``(file number, path, start, end)``,
        from the start of a line to the end of one (byte offsets).

        Lines are numbered from the start of each part (a part starting inside a file says so:
        its file name is followed by ``@<start>``).

        Examples
        --------
        >>> import pathlib, tempfile
        >>> source = pathlib.Path(tempfile.mkdtemp()) / "r.jsonl"
        >>> _ = source.write_bytes(b'{"ocid": "a", "id": "1", "date": "2024-01-01T00:00:00Z"}\\n'
        ...                        b'{"ocid": "b", "id": "2", "date": "2024-01-01T00:00:00Z"}\\n')
        >>> [e.release["ocid"] for e in OCDSReader().releases_between([(0, source, 57, 114)])]
        ['b']
        """
        for index, path, start, end in spans:
            self._file = index
            name = Path(path).name if start == 0 else f"{Path(path).name}@{start}"
            with open(path, "rb") as handle:
                for item, where in self._lines(handle, name, (start, end)):
                    yield from self.releases_in(item, where)

    def _owner(self, line: bytes, number: int, count: int) -> int:
        """The partition that owns a line (-1: every partition reads it)."""
        if self._owners is None:
            return line_owner(line, count)
        owner = self._owners[self._file][number - 1]
        return -1 if owner == SHARED_LINE else owner

    def _flush_incomplete(self, where: str) -> None:
        if where:
            self._report.add(INVALID_JSON, where, "this line stops before its JSON is complete")

    def _document(self, handle: IO[bytes], name: str, size: int) -> Iterator[tuple[Any, str]]:
        if size <= self.whole_file_limit:
            data = handle.read()
            try:
                value = orjson.loads(data)
            except orjson.JSONDecodeError as error:
                where, truncated = _json_error_where(name, data, error)
                if truncated:
                    self.report.add(TRUNCATED, where, "the file stops before its JSON is complete")
                else:
                    self.report.add(INVALID_JSON, where, f"the JSON is not valid ({error.msg})")
                handle.seek(0)
                # Salvage the complete items before the fault.
                yield from self._stream(handle, name, report_errors=False)
                return
            if isinstance(value, list):
                for index, member in enumerate(value):
                    yield member, f"{name}, item {index}"
            else:
                yield value, name
            return
        yield from self._stream(handle, name, report_errors=True)

    def _stream(
        self, handle: IO[bytes], name: str, *, report_errors: bool
    ) -> Iterator[tuple[Any, str]]:
        import ijson

        head = _first_byte(handle)
        handle.seek(0)
        if head == b"[":
            try:
                for index, member in enumerate(ijson.items(handle, "item", use_float=True)):
                    yield member, f"{name}, item {index}"
            except ijson.JSONError as error:
                if report_errors:
                    self._stream_error(name, handle, error)
            return
        metadata, array, fault = self._stream_metadata(handle)
        handle.seek(0)
        if array is None:
            if fault is not None and report_errors:
                self._stream_error(name, handle, fault)
            if metadata:
                yield metadata, name
            return
        # The package comes with its array as an iterator, read as it is consumed.
        yield {**metadata, array: _Members(handle, array, report=report_errors)}, name

    def _stream_metadata(
        self, handle: IO[bytes]
    ) -> tuple[dict[str, Any], str | None, Exception | None]:
        """First pass over a big document: its small top-level fields, and its big array."""
        import ijson

        metadata: dict[str, Any] = {}
        array: str | None = None
        builder: Any = None
        key = ""
        try:
            for prefix, event, value in ijson.parse(handle, use_float=True):
                if prefix == "" and event == "map_key":
                    key = value
                    builder = None
                    continue
                if prefix in ("releases", "records") and event == "start_array":
                    array = prefix
                    continue
                if prefix == "" or prefix.split(".", 1)[0] in ("releases", "records"):
                    continue
                if builder is None:
                    builder = ijson.ObjectBuilder()
                builder.event(event, value)
                if prefix == key and event not in ("start_map", "start_array", "map_key"):
                    metadata[key] = builder.value
        except ijson.JSONError as error:
            return metadata, array, error
        return metadata, array, None

    def _stream_error(self, name: str, handle: IO[bytes], error: Exception) -> None:
        text = str(error)
        where = f"{name}, near byte {handle.tell()}"
        if "premature EOF" in text or "Incomplete" in type(error).__name__:
            self.report.add(TRUNCATED, where, "the file stops before its JSON is complete")
        else:
            self.report.add(INVALID_JSON, where, f"the JSON is not valid ({text.strip()})")

    # -- releases -------------------------------------------------------------------------------

    def releases(self, paths: Iterable[str | os.PathLike[str]]) -> Iterator[Entry]:
        """Yield every release in the files, from packages, records, arrays or lines.

        Releases without ``ocid`` or ``date`` are reported and left out; other problems are
        reported and the release is kept (see :mod:`spiral.ocds.prepare` for corrections).
        """
        for index, path in enumerate(paths):
            self._file = index
            for item, where in self.items(path):
                yield from self.releases_in(item, where)

    def releases_in(self, item: Any, where: str) -> Iterator[Entry]:
        """Yield the releases in one JSON value read from a file (a package, record or release)."""
        kind = kind_of(item)
        if kind is None:
            self.report.add(NOT_OCDS, where, "this is neither a release, a record nor a package")
            return
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        if kind == RELEASE_PACKAGE:
            self.metadata.update(item)
            version = str(item.get("version", "1.0"))
            self._note_version(version, where)
            uri = str(item.get("uri") or "")
            releases = item.get("releases")
            if not isinstance(releases, list | _Members):
                self.report.add(NOT_OCDS, where, "the package's releases are not a list")
                return
            for index, release in enumerate(releases):
                entry = self._check(release, version, uri, f"{where}, releases[{index}]")
                if entry is not None:
                    yield entry
            self.finish(item, where)
        elif kind == RECORD_PACKAGE:
            self.metadata.update(item)
            version = str(item.get("version", "1.0"))
            self._note_version(version, where)
            records = item.get("records") or []
            for index, record in enumerate(records):
                yield from self._record_releases(record, version, f"{where}, records[{index}]")
            self.finish(item, where)
        elif kind == RECORD:
            yield from self._record_releases(item, _release_version(item), where)
        else:
            entry = self._check(item, _release_version(item), "", where)
            if entry is not None:
                yield entry

    def finish(self, item: Any, where: str) -> None:
        """Report a fault met while streaming a big package's array, once it has been read."""
        if not isinstance(item, dict):
            return
        for array in ("releases", "records"):
            members = item.get(array)
            if isinstance(members, _Members) and members.error is not None:
                self._stream_error(where, members.handle, members.error)
                members.error = None

    def _record_releases(self, record: Any, version: str, where: str) -> Iterator[Entry]:
        releases = record.get("releases") if isinstance(record, dict) else None
        if not isinstance(releases, list):
            self.report.add(NOT_OCDS, where, "the record has no list of releases")
            return
        for index, release in enumerate(releases):
            if isinstance(release, dict) and "url" in release and "ocid" not in release:
                continue  # a linked release: its content is elsewhere
            entry = self._check(release, version, "", f"{where}, releases[{index}]")
            if entry is not None:
                yield entry

    def _note_version(self, version: str, where: str) -> None:
        versions = self.metadata.versions
        if version not in versions:
            versions.add(version)
            if len(versions) > 1:
                self.report.add(
                    MIXED_VERSIONS,
                    where,
                    f"this package is OCDS {version}, earlier ones were "
                    f"{', '.join(sorted(versions - {version}))}; releases of different versions "
                    "merge by different rules",
                )

    def _check(self, release: Any, version: str, uri: str, where: str) -> Entry | None:
        report = self.report
        if not isinstance(release, dict):
            report.add(NOT_OCDS, where, "a release should be a JSON object")
            return None
        ocid = release.get("ocid")
        if not isinstance(ocid, str) or not ocid:
            report.add(NO_OCID, where, "the release has no ocid, so it was left out", "ocid")
            return None
        if self.partition is not None:
            index, count = self.partition
            if zlib.crc32(ocid.encode()) % count != index:
                return None
            report = self._report  # this partition owns the release: its problems are ours
        date = release.get("date")
        if not isinstance(date, str):
            report.add(
                NO_DATE,
                where,
                f"the release of {ocid} has no date, so it was left out (releases merge in date "
                "order)",
                "date",
            )
            return None
        if DATE_TIME.match(date) is None:
            report.add(BAD_DATE, where, _bad_date(date), "date")
        release_id = release.get("id")
        key = (ocid, str(release_id))
        if key in self._seen:
            report.add(
                DUPLICATE_ID,
                where,
                f"release id {release_id!r} of {ocid} was already read; both are kept",
                "id",
            )
        else:
            self._seen.add(key)
        if self.check_fields:
            self._check_fields(release, where)
        return Entry(release, version, uri, where)

    def _check_fields(self, release: dict[str, Any], where: str) -> None:
        report = self.report
        for path, value in _at_paths(release, _VALUE_PATHS):
            if not isinstance(value, dict):
                continue
            amount = value.get("amount")
            if isinstance(amount, str):
                report.add(
                    AMOUNT_AS_TEXT,
                    where,
                    f"`{path}/amount` should be a number, but is the text {amount!r}",
                    f"{path}/amount",
                )
            currency = value.get("currency")
            if isinstance(currency, str) and currency not in self._currencies:
                report.add(
                    UNKNOWN_CURRENCY,
                    where,
                    f"`{path}/currency` is {currency!r}, which is not an ISO 4217 currency code",
                    f"{path}/currency",
                )
        for path, value in _at_paths(release, _DATE_PATHS):
            if isinstance(value, str) and DATE_TIME.match(value) is None:
                report.add(BAD_DATE, where, f"`{path}`: {_bad_date(value)}", path)


def _bad_date(value: str) -> str:
    return (
        f"the date {value!r} is not in the OCDS format (an ISO 8601 date and time with a time "
        "zone, like 2024-03-31T00:00:00Z)"
    )


def _at_paths(release: dict[str, Any], paths: tuple[tuple[str, ...], ...]) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for path in paths:
        nodes: list[tuple[str, Any]] = [("", release)]
        for part in path:
            step: list[tuple[str, Any]] = []
            for label, node in nodes:
                if part == "[]":
                    if isinstance(node, list):
                        step.extend((f"{label}/{i}", child) for i, child in enumerate(node))
                elif isinstance(node, dict) and part in node:
                    step.append((f"{label}/{part}" if label else part, node[part]))
            nodes = step
            if not nodes:
                break
        found.extend(nodes)
    return found


def _release_version(item: dict[str, Any]) -> str:
    """OCDS minor version of a lone release or record, as ocdskit guesses it (1.1 has parties)."""
    releases = item.get("releases")
    if isinstance(releases, list):
        return "1.1" if any(isinstance(r, dict) and "parties" in r for r in releases) else "1.0"
    return "1.1" if "parties" in item else "1.0"


def _first_byte(handle: IO[bytes]) -> bytes:
    while True:
        chunk = handle.read(1)
        if not chunk or chunk not in b" \t\r\n\xef\xbb\xbf":
            return chunk


def shape_of(handle: IO[bytes], limit: int) -> str:
    """Say whether a file is ``lines`` (JSON Lines), ``document`` (one JSON value) or ``empty``.

    The first line decides: if it is a whole JSON value and more lines follow, the file is JSON
    Lines. If it is broken but the second line is a whole JSON object, the file is JSON Lines with
    a bad first line. Otherwise it is one (perhaps indented) JSON document. At most ``limit``
    bytes of a line are read.

    Examples
    --------
    >>> import io
    >>> shape_of(io.BytesIO(b'{"a": 1}\\n{"a": 2}\\n'), 1000)
    'lines'
    >>> shape_of(io.BytesIO(b'{\\n  "a": 1\\n}\\n'), 1000)
    'document'
    """
    lines: list[bytes] = []
    while len(lines) < 2:
        line = handle.readline(limit)
        if not line:
            break
        if len(line) >= limit and not line.endswith(b"\n"):
            return "document"  # a first line this long is one big document: stream it
        if line.strip(b"\xef\xbb\xbf \t\r\n"):
            lines.append(line)
    if not lines:
        return "empty"
    first = lines[0].lstrip(b"\xef\xbb\xbf")
    if len(lines) == 1:
        return "document"
    if _parses(first):
        return "lines"
    if lines[1].lstrip()[:1] == b"{" and _parses(lines[1]):
        return "lines"
    return "document"


def is_array(value: Any) -> bool:
    """Whether a package's ``releases`` or ``records`` is a list (or a big one read lazily).

    Examples
    --------
    >>> is_array([]), is_array("not a list")
    (True, False)
    """
    return isinstance(value, list | _Members)


class _Members:
    """The members of a big package's array, parsed one at a time as they are iterated."""

    def __init__(self, handle: IO[bytes], array: str, *, report: bool) -> None:
        self.handle = handle
        self.array = array
        self.report = report
        self.error: Exception | None = None

    def __iter__(self) -> Iterator[Any]:
        import ijson

        self.handle.seek(0)
        try:
            yield from ijson.items(self.handle, f"{self.array}.item", use_float=True)
        except ijson.JSONError as error:
            if self.report:
                self.error = error


def _parses(line: bytes) -> bool:
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True
