"""Run the red flags over compiled releases in JSON Lines: streaming, in parallel, in order.

A file is cut into pieces at line ends; each piece is read and folded by a worker process
(:func:`spiral.ocds.flags.fold.fold_release`), and the partial results are merged in file
order before the outlier flags are decided (:func:`spiral.ocds.flags.finalize.finalize`).
Only one piece per worker is in memory at a time, so memory stays flat whatever the size of
the file. Standard input and small files are read in this process.

Lines that are blank are ignored; lines that are not JSON are skipped and reported by line
number, as Cardinal skips them with a warning.

The main currency, when the settings give none, is the first currency observed in file
order (Cardinal takes the first one its worker thread observes). A piece that observed a
different first currency is folded again with the main currency, so results never depend on
how the file was cut.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import msgspec
import orjson

from spiral.ocds.flags.finalize import finalize
from spiral.ocds.flags.fold import BID_ROWS, Partial, bid_row, fold_release
from spiral.ocds.flags.settings import FlagSettings

__all__ = ["FlagRun", "flag_bytes", "flag_file", "flag_lines", "flag_releases"]

#: Bytes per piece of a file handed to a worker.
PIECE_BYTES = 16 * 1024 * 1024
#: The default number of worker processes is the number of CPUs, at most this many (each
#: holds about three pieces' worth of memory at a time).
MAX_PROCESSES = 8
#: Files smaller than this are read in this process.
PARALLEL_FROM_BYTES = 16 * 1024 * 1024
_MAX_REPORTED = 20


@dataclass
class FlagRun:
    """The results, with what was read.

    Attributes
    ----------
    results : dict
        Cardinal's results object (see :func:`spiral.ocds.flags.finalize.finalize`).
    releases : int
        Compiled releases used (not cancelled, not excluded, with a string ``ocid``).
    invalid_lines : list of int
        Line numbers (from 1) that were not JSON and were skipped; at most 20 are listed.
    invalid_count : int
        How many lines were not JSON.
    """

    results: dict[str, Any]
    releases: int = 0
    invalid_lines: list[int] = field(default_factory=list)
    invalid_count: int = 0


class _Tender(msgspec.Struct):
    """The members of ``tender`` the red flags read; the rest is skipped unparsed."""

    status: Any = None
    procurementMethod: Any = None  # noqa: N815 (OCDS field name)
    procurementMethodDetails: Any = None  # noqa: N815
    tenderPeriod: Any = None  # noqa: N815
    numberOfTenderers: Any = None  # noqa: N815
    procuringEntity: Any = None  # noqa: N815


class _Item(msgspec.Struct):
    classification: Any = None


class _Award(msgspec.Struct):
    status: Any = None
    suppliers: Any = None
    items: list[_Item] | None = None


class _Bid(msgspec.Struct):
    status: Any = None
    date: Any = None
    tenderers: Any = None
    value: Any = None


class _Bids(msgspec.Struct):
    details: list[_Bid] | None = None


class _Release(msgspec.Struct):
    """The members of a compiled release the red flags read (not parties, planning...)."""

    ocid: Any = None
    tender: _Tender | None = None
    buyer: Any = None
    bids: _Bids | None = None
    awards: list[_Award] | None = None


_DECODER = msgspec.json.Decoder(_Release)


# Not spiral.ocds.reader (which parses every member): only what the red flags read, for speed.
def _decode(line: bytes) -> Any:
    """Decode one line, materialising only the members the red flags read.

    When a member the red flags walk into has an unexpected type (``tender`` not an object,
    ``awards`` not an array of objects...), the line is parsed in full instead, so that the
    indicators see it exactly as written. Raises ``ValueError`` on text that is not JSON.
    """
    try:
        release = _DECODER.decode(line)
    except msgspec.ValidationError:
        return orjson.loads(line)
    except msgspec.DecodeError as error:
        raise ValueError(str(error)) from None
    tender = release.tender
    bids = release.bids
    awards = release.awards
    return {
        "ocid": release.ocid,
        "tender": None
        if tender is None
        else {
            "status": tender.status,
            "procurementMethod": tender.procurementMethod,
            "procurementMethodDetails": tender.procurementMethodDetails,
            "tenderPeriod": tender.tenderPeriod,
            "numberOfTenderers": tender.numberOfTenderers,
            "procuringEntity": tender.procuringEntity,
        },
        "buyer": release.buyer,
        BID_ROWS: None
        if bids is None or bids.details is None
        else [bid_row(b.status, b.tenderers, b.value, b.date) for b in bids.details],
        "awards": None
        if awards is None
        else [
            {
                "status": a.status,
                "suppliers": a.suppliers,
                "items": None
                if a.items is None
                else [{"classification": i.classification} for i in a.items],
            }
            for a in awards
        ],
    }


@dataclass
class _Piece:
    partial: Partial
    lines: int
    invalid: list[int]
    invalid_count: int


def _fold_bytes(data: bytes, settings: FlagSettings, currency: str | None) -> _Piece:
    partial = Partial(currency=currency)
    invalid: list[int] = []
    invalid_count = 0
    decode = _decode
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if not line or line.isspace():
            continue
        try:
            release = decode(line)
        except ValueError:
            invalid_count += 1
            if len(invalid) < _MAX_REPORTED:
                invalid.append(number)
            continue
        fold_release(partial, release, settings)
    return _Piece(partial, len(lines), invalid, invalid_count)


def _read_piece(task: tuple[str, int, int, FlagSettings, str | None]) -> _Piece:
    path, start, end, settings, currency = task
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    return _fold_bytes(data, settings, currency)


def _boundaries(handle: BinaryIO, size: int, piece: int) -> list[tuple[int, int]]:
    """Cut ``[0, size)`` into pieces of about ``piece`` bytes that end after a newline."""
    spans: list[tuple[int, int]] = []
    start = 0
    while start < size:
        end = min(start + piece, size)
        if end < size:
            handle.seek(end)
            rest = handle.readline()
            end = min(end + len(rest), size)
        spans.append((start, end))
        start = end
    return spans


def _combine(pieces: list[_Piece], settings: FlagSettings, *, meta: bool) -> FlagRun:
    merged = Partial(currency=settings.currency)
    invalid: list[int] = []
    invalid_count = 0
    offset = 0
    for piece in pieces:
        merged.merge(piece.partial)
        invalid.extend(offset + number for number in piece.invalid)
        invalid_count += piece.invalid_count
        offset += piece.lines
    return FlagRun(
        results=finalize(merged, settings, meta=meta),
        releases=merged.releases,
        invalid_lines=invalid[:_MAX_REPORTED],
        invalid_count=invalid_count,
    )


def _main_currency(pieces: list[_Piece]) -> str | None:
    for piece in pieces:
        if piece.partial.first_currency is not None:
            return piece.partial.first_currency
    return None


def flag_lines(
    lines: Iterable[bytes | str], settings: FlagSettings, *, meta: bool = True
) -> FlagRun:
    """Compute the red flags of compiled releases given as JSON lines, in this process.

    The lines are read as a stream, a piece at a time, so standard input of any size can be
    used.

    Parameters
    ----------
    lines : iterable of bytes or str
        One compiled release per line (for example an open binary file or ``sys.stdin``).
    settings : FlagSettings
        The indicators to compute.
    meta : bool
        Include the ``Meta`` key.

    Examples
    --------
    >>> from spiral.ocds.flags.settings import parse_settings
    >>> lines = [b'{"ocid":"F","tender":{"numberOfTenderers":1,"procurementMethod":"open"}}']
    >>> flag_lines(lines, parse_settings("[R018]"), meta=False).results
    {'OCID': {'F': {'R018': 1.0}}}
    """
    pieces: list[_Piece] = []
    currency = settings.currency
    buffer: list[bytes] = []
    size = 0
    for line in lines:
        raw = line.encode("utf-8") if isinstance(line, str) else line
        buffer.append(raw.rstrip(b"\r\n") + b"\n")
        size += len(raw)
        if size >= PIECE_BYTES:
            pieces.append(_fold_bytes(b"".join(buffer), settings, currency))
            currency = currency or pieces[-1].partial.currency
            buffer, size = [], 0
    if buffer or not pieces:
        pieces.append(_fold_bytes(b"".join(buffer), settings, currency))
    return _combine(pieces, settings, meta=meta)


def flag_bytes(data: bytes, settings: FlagSettings, *, meta: bool = True) -> FlagRun:
    """Compute the red flags of JSON Lines text held in memory (see :func:`flag_lines`).

    Examples
    --------
    >>> from spiral.ocds.flags.settings import parse_settings
    >>> run = flag_bytes(b'not json\\n{"ocid":"F","tender":{"numberOfTenderers":1}}\\n',
    ...                  parse_settings("[R018]\\nprocurement_methods ="), meta=False)
    >>> run.results, run.invalid_lines
    ({'OCID': {'F': {'R018': 1.0}}}, [1])
    """
    return _combine([_fold_bytes(data, settings, settings.currency)], settings, meta=meta)


def flag_releases(
    releases: Iterable[Any], settings: FlagSettings, *, meta: bool = True
) -> dict[str, Any]:
    """Compute the red flags of compiled releases already parsed (dicts), in this process.

    Examples
    --------
    >>> from spiral.ocds.flags.settings import parse_settings
    >>> release = {"ocid": "F", "bids": {"details": [
    ...     {"status": "disqualified", "value": {"amount": 1, "currency": "USD"}},
    ...     {"status": "valid", "value": {"amount": 2, "currency": "USD"}}]},
    ...     "awards": [{"status": "active"}]}
    >>> flag_releases([release], parse_settings("[R036]"), meta=False)
    {'OCID': {'F': {'R036': 1.0}}}
    """
    partial = Partial(currency=settings.currency)
    for release in releases:
        fold_release(partial, release, settings)
    return finalize(partial, settings, meta=meta)


def flag_file(
    path: str | os.PathLike[str],
    settings: FlagSettings,
    *,
    meta: bool = True,
    processes: int | None = None,
    piece_bytes: int = PIECE_BYTES,
    progress: Callable[[int, int], None] | None = None,
) -> FlagRun:
    """Compute Cardinal's red flags for a file of compiled releases (JSON Lines).

    Parameters
    ----------
    path : path-like
        One compiled release per line.
    settings : FlagSettings
        The indicators to compute (see :func:`spiral.ocds.flags.settings.read_settings`).
    meta : bool
        Include the ``Meta`` key.
    processes : int, optional
        Worker processes; by default the number of CPUs, at most :data:`MAX_PROCESSES` (and
        at most the number of pieces).
    piece_bytes : int
        About how many bytes each worker reads at a time.
    progress : callable, optional
        Called with (bytes done, total bytes) after each piece.

    Returns
    -------
    FlagRun

    Raises
    ------
    OSError
        When the file cannot be read.

    Examples
    --------
    >>> import tempfile, os
    >>> from spiral.ocds.flags.settings import parse_settings
    >>> with tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False) as handle:
    ...     _ = handle.write(b'{"ocid":"F","tender":{"tenderPeriod":{'
    ...         b'"startDate":"2020-08-03T18:00:00-05:00",'
    ...         b'"endDate":"2020-08-04T18:00:00-05:00"}}}\\n')
    >>> flag_file(handle.name, parse_settings("[R003]"), meta=False).results
    {'OCID': {'F': {'R003': 1.0}}}
    >>> os.unlink(handle.name)
    """
    name = os.fspath(path)
    size = Path(name).stat().st_size
    workers = processes if processes is not None else min(os.cpu_count() or 1, MAX_PROCESSES)
    if size < PARALLEL_FROM_BYTES and processes is None:
        workers = 1
    with open(name, "rb") as handle:
        spans = _boundaries(handle, size, max(1, piece_bytes))
    tasks = [(name, start, end, settings, settings.currency) for start, end in spans]
    pieces: list[_Piece] = []
    done = 0
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            pieces.append(_read_piece(task))
            done += task[2] - task[1]
            if progress is not None:
                progress(done, size)
    else:
        context = multiprocessing.get_context()
        pool = context.Pool(min(workers, len(tasks)))
        try:
            for task, piece in zip(tasks, pool.imap(_read_piece, tasks), strict=True):
                pieces.append(piece)
                done += task[2] - task[1]
                if progress is not None:
                    progress(done, size)
        except BaseException:
            pool.terminate()
            raise
        finally:
            pool.close()
            pool.join()
    if settings.currency is None:
        currency = _main_currency(pieces)
        for index, piece in enumerate(pieces):
            first = piece.partial.first_currency
            if first is not None and first != currency:
                pieces[index] = _read_piece((*tasks[index][:4], currency))
    return _combine(pieces, settings, meta=meta)
