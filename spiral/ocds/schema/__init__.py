"""The OCDS schemas and codelists shipped with Spiral, read offline.

The files under ``1__1__5/`` are the Open Contracting Data Standard 1.1.5 schemas and
codelists; ``1__0__3/`` holds the OCDS 1.0.3 release schema. Both are Apache-2.0 (see the
``LICENSE`` and ``README.md`` beside them). Nothing here touches the network.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from typing import Any

import orjson

from spiral.exceptions import InputError

#: The schema versions shipped, as the standard's tags.
TAGS = ("1__1__5", "1__0__3")

#: The address the standard publishes each schema under (its ``id``), by tag.
BASE_URLS = {
    "1__1__5": "https://standard.open-contracting.org/schema/1__1__5/",
    "1__0__3": "https://standard.open-contracting.org/schema/1__0__3/",
}


def tag_for_version(version: str | None) -> str:
    """Return the schema tag used for an OCDS minor version.

    Data that declares no ``version`` is OCDS 1.0 (the 1.0 packages had no such field).

    Examples
    --------
    >>> tag_for_version("1.1")
    '1__1__5'
    >>> tag_for_version(None)
    '1__0__3'
    """
    if version is None or version == "1.0":
        return "1__0__3"
    if version == "1.1":
        return "1__1__5"
    raise InputError(f"OCDS version {version!r} is not supported (use 1.0 or 1.1)")


@cache
def load_schema(name: str = "release-schema.json", tag: str = "1__1__5") -> dict[str, Any]:
    """Load one shipped schema file as a dictionary.

    Parameters
    ----------
    name : str
        The file name, such as ``release-schema.json`` or ``release-package-schema.json``.
    tag : str
        ``1__1__5`` (every schema) or ``1__0__3`` (the release schema only).

    Examples
    --------
    >>> load_schema()["id"]
    'https://standard.open-contracting.org/schema/1__1__5/release-schema.json'
    >>> load_schema(tag="1__0__3")["properties"]["tag"]["mergeStrategy"]
    'ocdsOmit'
    """
    if tag not in TAGS:
        raise InputError(f"no schema for tag {tag!r}; shipped: {', '.join(TAGS)}")
    data = resources.files(__name__).joinpath(tag, name).read_bytes()
    schema: dict[str, Any] = orjson.loads(data)
    return schema


@cache
def codelist(name: str) -> frozenset[str]:
    """Return the codes of one OCDS 1.1.5 codelist (the ``Code`` column of its CSV file).

    Examples
    --------
    >>> sorted(codelist("method.csv"))
    ['direct', 'limited', 'open', 'selective']
    >>> "GBP" in codelist("currency.csv")
    True
    """
    text = resources.files(__name__).joinpath("1__1__5", "codelists", name).read_text("utf-8")
    return frozenset(row["Code"] for row in csv.DictReader(text.splitlines()))
