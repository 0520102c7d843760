"""A tamper-evident ledger: each entry's hash covers its content and the previous hash.

The workspace's audit trail stores every change as an entry in a hash chain. Editing,
inserting or deleting any stored entry changes a hash that every later entry depends on,
so :func:`verify_chain` finds the first place the stored trail stops agreeing with itself.

The hash is SHA-256 over a canonical JSON encoding of the entry (keys sorted, no
insignificant whitespace, UTF-8) followed by the previous entry's hash. The first entry
chains from :data:`GENESIS`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from spiral.exceptions import InputError

GENESIS = "0" * 64
"""The hash the first entry chains from."""


def canonical_json(payload: Mapping[str, Any]) -> str:
    """Encode ``payload`` as canonical JSON: sorted keys, compact, non-ASCII kept.

    Examples
    --------
    >>> canonical_json({"b": 1, "a": [1, "é"]})
    '{"a":[1,"é"],"b":1}'
    """
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(previous_hash: str, payload: Mapping[str, Any]) -> str:
    """Hash of one entry given the previous entry's hash.

    Parameters
    ----------
    previous_hash : str
        Hex SHA-256 of the previous entry, or :data:`GENESIS` for the first.
    payload : mapping
        The entry's content; it must be JSON-serialisable.

    Returns
    -------
    str
        64 hexadecimal characters.

    Examples
    --------
    >>> h1 = entry_hash(GENESIS, {"seq": 1, "action": "created"})
    >>> len(h1)
    64
    >>> entry_hash(GENESIS, {"action": "created", "seq": 1}) == h1
    True
    >>> entry_hash(h1, {"seq": 2}) == entry_hash(GENESIS, {"seq": 2})
    False
    """
    if len(previous_hash) != 64:
        raise InputError("previous_hash must be 64 hexadecimal characters")
    digest = hashlib.sha256()
    digest.update(canonical_json(payload).encode("utf-8"))
    digest.update(previous_hash.encode("ascii"))
    return digest.hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """Where a stored chain stops agreeing with itself."""

    position: int
    """Zero-based position of the first entry that does not verify."""
    reason: str
    """What is wrong, in plain English."""


@dataclass(frozen=True)
class StoredEntry:
    """One stored entry: its content, and the hashes stored beside it."""

    payload: Mapping[str, Any]
    previous_hash: str
    hash: str


def verify_chain(entries: Iterable[StoredEntry]) -> ChainBreak | None:
    """Check a stored chain from the start; return the first break, or ``None``.

    Examples
    --------
    >>> first = {"seq": 1, "action": "created"}
    >>> h1 = entry_hash(GENESIS, first)
    >>> second = {"seq": 2, "action": "changed"}
    >>> h2 = entry_hash(h1, second)
    >>> good = [StoredEntry(first, GENESIS, h1), StoredEntry(second, h1, h2)]
    >>> verify_chain(good) is None
    True
    >>> edited = [StoredEntry(first, GENESIS, h1), StoredEntry({"seq": 2, "action": "x"}, h1, h2)]
    >>> verify_chain(edited).position
    1
    """
    expected_previous = GENESIS
    for position, entry in enumerate(entries):
        if entry.previous_hash != expected_previous:
            return ChainBreak(
                position,
                "the entry does not follow the one before it "
                "(an entry was removed, inserted or reordered)",
            )
        recomputed = entry_hash(entry.previous_hash, entry.payload)
        if recomputed != entry.hash:
            return ChainBreak(position, "the entry's content does not match its hash (edited)")
        expected_previous = entry.hash
    return None
