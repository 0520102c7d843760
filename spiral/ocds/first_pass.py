"""The first pass over JSON Lines, made without parsing them.

Before compiling JSON Lines, one pass over the text finds where each ``ocid`` is written for the
last time, so that each process can be compiled as soon as that line is read
(:func:`spiral.ocds.records.stream_records`), and, when the work is shared among processes by
the hash of the ``ocid`` (:mod:`spiral.ocds.workers`), which process owns each line. The pass
searches big blocks of whole lines for ``"ocid"`` keys (:mod:`spiral.ocds.lines`); it is exact
unless an escaped character could hide an ``ocid`` from it, and says so.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from spiral.ocds.lines import (
    OCID_FIELD,
    SHARED_LINE,
    block_lines,
    last_ocids,
    line_chunks,
    line_ocids,
)
from spiral.ocds.reader import shape_of


def last_lines(paths: Iterable[str | os.PathLike[str]]) -> dict[str, tuple[int, int]]:
    """For JSON Lines files: the (file, line) where each ``ocid`` is written for the last time.

    Found without parsing (see :func:`spiral.ocds.lines.line_ocids`); an ``ocid`` written with
    escaped characters is not found, and its process is compiled at the end.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> source = pathlib.Path(tempfile.mkdtemp()) / "r.jsonl"
    >>> _ = source.write_text('{"ocid": "a"}\\n{"ocid": "b"}\\n{"ocid": "a"}\\n')
    >>> last_lines([source])
    {'a': (0, 3), 'b': (0, 2)}
    """
    last: dict[str, tuple[int, int]] = {}
    for index, path in enumerate(paths):
        with open(path, "rb") as handle:
            for number, _offset, line in block_lines(handle):
                for raw in line_ocids(bytes(line)):
                    try:
                        last[raw.decode()] = (index, number)
                    except UnicodeDecodeError:
                        continue
    return last


def _last_offsets(
    paths: Iterable[str | os.PathLike[str]],
) -> tuple[dict[str, tuple[int, int]], bool]:
    """For JSON Lines files: the (file, byte offset) where each ``ocid`` is written for the last
    time, and whether the search was exact (see :func:`spiral.ocds.lines.last_ocids`)."""
    last: dict[str, tuple[int, int]] = {}
    exact = True
    for index, path in enumerate(paths):
        found, complete = last_ocids(path)
        exact = exact and complete
        last.update((ocid, (index, offset)) for ocid, offset in found.items())
    return last, exact


@dataclass
class _Scanned:
    """What one pass over JSON Lines finds without parsing."""

    owners: list[bytearray]  # the partition owning each line of each file
    last: dict[str, tuple[int, int]]  # (file, offset) where each ocid is written for the last time
    exact: bool  # no escaped characters could hide an ocid from the pass


def _scan(paths: list[str | os.PathLike[str]], count: int) -> _Scanned:
    """One pass without parsing: the (file, byte offset) where each ``ocid`` is written for the
    last time and, for ``count`` partitions (``count > 1``), the owner of each line.

    The file is read in big blocks of whole lines and searched as a whole, not line by line.
    """
    owners: list[bytearray] = []
    last: dict[str, tuple[int, int]] = {}
    exact = True
    finditer = OCID_FIELD.finditer
    for index, path in enumerate(paths):
        table = bytearray()
        number = 1  # the line being searched
        # The line where an ocid was last found, and its ocids (for the owners).
        line_of_found, found = 0, set[bytes]()
        base = 0  # the offset of the chunk
        with open(path, "rb") as handle:
            for chunk in line_chunks(handle):
                if exact and b"\\" in chunk and b"\\u" in chunk:
                    exact = False  # a key written "\\u006fcid" would go unseen
                position = 0
                for match in finditer(chunk):
                    start = match.start()
                    number += chunk.count(b"\n", position, start)
                    position = start
                    raw = match[1]
                    if b"\\" in raw:
                        exact = False
                    try:
                        last[raw.decode()] = (index, base + start)
                    except UnicodeDecodeError:
                        exact = False
                    if count > 1:
                        if number != line_of_found:
                            _settle_owners(table, line_of_found, found, number, count)
                            line_of_found, found = number, set()
                        found.add(raw)
                number += chunk.count(b"\n", position)
                if chunk[-1:] != b"\n":
                    number += 1  # the last line, without its end of line
                base += len(chunk)
            if count > 1:
                _settle_owners(table, line_of_found, found, number, count)
        owners.append(table)
    return _Scanned(owners, last, exact)


def _settle_owners(
    table: bytearray, line_of_found: int, found: set[bytes], upto: int, count: int
) -> None:
    """Set the owners of the lines before ``upto`` (``found``: the ocids of ``line_of_found``,
    the last line with any; lines without are read by every partition)."""
    if line_of_found:
        owner = SHARED_LINE
        if len(found) == 1:
            raw = next(iter(found))
            if b"\\" not in raw:
                owner = zlib.crc32(raw) % count
        table.append(owner)
    table.extend(bytes([SHARED_LINE]) * (upto - 1 - len(table)))


# At most this much of a first line is read to tell JSON Lines from one big document.
_SNIFF_BYTES = 16 * 1024 * 1024


def _is_json_lines(path: str | os.PathLike[str]) -> bool:
    """Whether a file is JSON Lines, the only input a first pass is made over."""
    with open(path, "rb") as handle:
        return shape_of(handle, _SNIFF_BYTES) == "lines"
