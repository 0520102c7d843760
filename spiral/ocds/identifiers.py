"""Open Contracting IDs (ocids): a publisher's registered prefix and a local identifier.

Every OCDS contracting process has an ``ocid`` made of a prefix the Open Contracting
Partnership registers for the publisher and an identifier unique within the publisher's own
records (OCDS 1.1 documentation, *Identifiers: Contracting process identifier (ocid)*). A
registered prefix is ``ocds-`` and six letters or digits (for example ``ocds-b5fd17``, UK
Contracts Finder's). Until a publisher registers one, Spiral publishes under the placeholder
:data:`PLACEHOLDER_PREFIX`, which has the same shape but is registered to nobody.
"""

from __future__ import annotations

import re

__all__ = ["PLACEHOLDER_PREFIX", "make_ocid", "ocid_prefix"]

PLACEHOLDER_PREFIX = "ocds-spiral"
"""The prefix used until a publisher sets its registered one (registered to nobody)."""

_PREFIX = re.compile(r"^ocds-[a-z0-9]{6}$")
_LOCAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def ocid_prefix(text: str) -> str:
    """A registered ocid prefix as typed, checked and in lower case.

    Raises
    ------
    ValueError
        When it is not ``ocds-`` followed by six letters or digits.

    Examples
    --------
    >>> ocid_prefix(" OCDS-B5FD17 ")
    'ocds-b5fd17'
    >>> ocid_prefix("ocds-b5fd1")
    Traceback (most recent call last):
    ...
    ValueError: 'ocds-b5fd1' is not an ocid prefix: it is ocds- followed by 6 letters or digits
    """
    prefix = text.strip().lower()
    if not _PREFIX.match(prefix):
        message = (
            f"{text.strip()!r} is not an ocid prefix: it is ocds- followed by 6 letters or digits"
        )
        raise ValueError(message)
    return prefix


def make_ocid(prefix: str, *parts: str | int) -> str:
    """The ocid of a process: the prefix, then the parts of its local identifier, by hyphens.

    Raises
    ------
    ValueError
        When a part is empty or holds anything but letters, digits, ``.``, ``_`` and ``-``.

    Examples
    --------
    >>> make_ocid("ocds-b5fd17", "kingsmere", "sourcing", 12)
    'ocds-b5fd17-kingsmere-sourcing-12'
    >>> make_ocid("ocds-b5fd17", "a b")
    Traceback (most recent call last):
    ...
    ValueError: 'a b' cannot be part of an ocid
    """
    texts = [str(part) for part in parts]
    for text in texts:
        if not _LOCAL.match(text):
            message = f"{text!r} cannot be part of an ocid"
            raise ValueError(message)
    return "-".join([prefix, *texts])
