"""JSON Lines read in big blocks, and the ``ocid`` values in them found without parsing.

Reading a file line by line costs a call per line; these functions read 1 MB blocks of whole
lines instead and hand out the lines as views of the blocks, copying only a line that runs over
from one block to the next. The ``"ocid"`` keys are found by a search of the text, without
parsing the JSON, for the first pass that compiling JSON Lines makes (see
:mod:`spiral.ocds.first_pass`) and for sharing lines among processes by the hash of their
``ocid`` (:func:`line_owner`).
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterator
from typing import IO

#: In a table of line owners: a line every partition reads.
SHARED_LINE = 255

#: An ``ocid`` field written in JSON text (its value: group 1).
OCID_FIELD = re.compile(rb'"ocid"\s*:\s*"([^"]*)"')


def line_ocids(line: bytes) -> set[bytes]:
    """The ``ocid`` values written in a line of JSON, as raw bytes (found without parsing).

    Examples
    --------
    >>> sorted(line_ocids(b'{"ocid": "a", "releases": [{"ocid": "a"}, {"ocid":"b"}]}'))
    [b'a', b'b']
    """
    return set(OCID_FIELD.findall(line))


def line_owner(line: bytes, count: int) -> int:
    """Which of ``count`` partitions owns a line of JSON Lines: ``-1`` when no single one does.

    A line whose ``ocid`` values are all the same belongs to the partition of that ``ocid``
    (``crc32(ocid) % count``), so that the releases of one process stay together; a line with
    several ocids, none, or escaped characters in one is read by every partition, each keeping
    its own releases.

    Examples
    --------
    >>> line_owner(b'{"ocid": "ocds-1", "id": "1"}', 2), line_owner(b'{"id": "1"}', 2)
    (1, -1)
    """
    found = line_ocids(line)
    if len(found) != 1:
        return -1
    ocid = found.pop()
    if b"\\" in ocid:
        return -1
    return zlib.crc32(ocid) % count


_BLOCK_BYTES = 1 << 20


def line_chunks(handle: IO[bytes], limit: int | None = None) -> Iterator[bytes]:
    """Read a binary file in big blocks of whole lines (the last one may lack its newline).

    Far cheaper than reading line by line when lines are long; a line longer than a block makes
    a bigger block.

    Examples
    --------
    >>> import io
    >>> list(line_chunks(io.BytesIO(b'{"a": 1}\\n{"a": 2}')))
    [b'{"a": 1}\\n', b'{"a": 2}']
    """
    pending: list[bytes] = []
    left = -1 if limit is None else limit  # bytes still to read (-1: to the end)
    while left:
        block = handle.read(_BLOCK_BYTES if left < 0 else min(left, _BLOCK_BYTES))
        if not block:
            break
        if left > 0:
            left -= len(block)
        cut = block.rfind(b"\n") + 1
        if cut == 0:
            pending.append(block)  # no end of line yet: a long line goes on
            continue
        if pending:
            pending.append(block[:cut])
            yield b"".join(pending)
            pending = []
        else:
            yield block if cut == len(block) else block[:cut]
        if cut < len(block):
            pending.append(block[cut:])
    if pending:
        yield b"".join(pending)


def line_pieces(handle: IO[bytes], limit: int | None = None) -> Iterator[tuple[bytes, int, int]]:
    """Read a binary file in big blocks and yield runs of whole lines without copying them:
    ``(data, start, end)``, the lines being ``data[start:end]`` (the last may lack its newline).

    Only a line that runs over from one block to the next is copied; at most ``limit`` bytes
    are read.

    Examples
    --------
    >>> import io
    >>> [data[start:end] for data, start, end in line_pieces(io.BytesIO(b'{"a": 1}\\n{"a": 2}'))]
    [b'{"a": 1}\\n', b'{"a": 2}']
    """
    pending: list[bytes] = []  # the beginning of a line that goes on in the next block
    left = -1 if limit is None else limit  # bytes still to read (-1: to the end)
    while left:
        block = handle.read(_BLOCK_BYTES if left < 0 else min(left, _BLOCK_BYTES))
        if not block:
            break
        if left > 0:
            left -= len(block)
        start = 0
        if pending:
            start = block.find(b"\n") + 1
            if start == 0:
                pending.append(block)  # a long line goes on
                continue
            pending.append(block[:start])
            joined = b"".join(pending)
            pending = []
            yield joined, 0, len(joined)
        cut = block.rfind(b"\n") + 1
        if cut > start:
            yield block, start, cut
        if max(cut, start) < len(block):
            pending.append(block[max(cut, start) :])
    if pending:
        joined = b"".join(pending)
        yield joined, 0, len(joined)


def block_lines(
    handle: IO[bytes], limit: int | None = None, base: int = 0
) -> Iterator[tuple[int, int, memoryview]]:
    """Number and read the lines of a binary file, as views of big blocks (no copy per line).

    Yields the line number, the offset of the line's first byte (``base`` being the handle's
    position), and the line; at most ``limit`` bytes are read.

    Examples
    --------
    >>> import io
    >>> [(n, at, bytes(line)) for n, at, line in block_lines(io.BytesIO(b'a\\n\\nb'))]
    [(1, 0, b'a\\n'), (2, 2, b'\\n'), (3, 3, b'b')]
    """
    number = 0
    for data, start, end in line_pieces(handle, limit):
        view = memoryview(data)
        find = data.find
        position = start
        while position < end:
            stop = find(b"\n", position, end) + 1 or end
            number += 1
            yield number, base + position - start, view[position:stop]
            position = stop
        base += end - start


def last_ocids(
    path: str | os.PathLike[str], start: int = 0, end: int | None = None
) -> tuple[dict[str, int], bool]:
    """Where each ``ocid`` of a JSON Lines file is written for the last time, found without
    parsing: the byte offset of the last ``"ocid"`` key with that value (between the byte
    offsets ``start`` and ``end``, when given).

    Also says whether the search is exact: ``False`` if an escape (``\\u``) anywhere, or a
    backslash in an ``ocid``, could hide one.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> source = pathlib.Path(tempfile.mkdtemp()) / "r.jsonl"
    >>> _ = source.write_bytes(b'{"ocid": "a"}\\n{"ocid": "b"}\\n{"ocid": "a"}\\n')
    >>> last_ocids(source)
    ({'a': 29, 'b': 15}, True)
    """
    last: dict[str, int] = {}
    exact = True
    match_at = OCID_FIELD.match
    with open(path, "rb") as handle:
        handle.seek(start)
        base = start
        for data, begin, stop in line_pieces(handle, None if end is None else end - start):
            find = data.find
            # A key written "\\u006fcid" would go unseen (a lone byte is found much faster).
            if exact and find(b"\\", begin, stop) >= 0 and find(b"\\u", begin, stop) >= 0:
                exact = False
            at = find(b'"ocid"', begin, stop)
            while at >= 0:
                match = match_at(data, at, stop)
                if match is None:
                    at = find(b'"ocid"', at + 5, stop)  # its closing quote may open one
                    continue
                raw = match[1]
                if b"\\" in raw:
                    exact = False
                try:
                    last[raw.decode()] = base + at - begin
                except UnicodeDecodeError:
                    exact = False
                at = find(b'"ocid"', match.end(), stop)
            base += stop - begin
    return last, exact
