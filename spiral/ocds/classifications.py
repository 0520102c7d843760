"""What contracting processes buy: their item classifications, and choosing a market by CPV.

A contracting process in OCDS says what it buys through the ``classification`` (and
``additionalClassifications``) of its tender's and its awards' items
(OCDS 1.1 schema, ``Item``; the classification schemes codelist names ``CPV``, the Common
Procurement Vocabulary). :func:`classification_table` lists them, one row per process and
code. The CPV (Commission Regulation (EC) No 213/2008, Annex I) is a hierarchy read from the
left of an eight-digit code: the first two digits are the division, the third the group, the
fourth the class and the fifth the category, with the remaining positions zero when the code
is that general; a ninth digit after a hyphen is a check digit. So ``85300000`` (social work
and related services) stands for every code starting ``853``: :func:`cpv_prefixes` turns
codes or prefixes typed by people into those prefixes and :func:`matching_ocids` keeps the
processes with any item under one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

__all__ = ["classification_table", "cpv_prefixes", "matching_ocids", "prefix_descriptions"]

COLUMNS = ["ocid", "scheme", "code", "description"]
_CPV_ENTRY = re.compile(r"^(\d{2,8})(?:-\d)?$")


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _code(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(int(value))
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _item_classifications(item: Any) -> Iterable[dict[str, Any]]:
    item = _object(item)
    yield _object(item.get("classification"))
    for extra in _list(item.get("additionalClassifications")):
        yield _object(extra)


def _rows(release: Any) -> Iterable[tuple[str, str, str, str | None]]:
    release = _object(release)
    ocid = _code(release.get("ocid"))
    if ocid is None:
        return
    items = _list(_object(release.get("tender")).get("items"))
    for award in _list(release.get("awards")):
        items = items + _list(_object(award).get("items"))
    for item in items:
        for classification in _item_classifications(item):
            code = _code(classification.get("id"))
            if code is None:
                continue
            scheme = str(classification.get("scheme") or "").upper()
            description = classification.get("description")
            yield ocid, scheme, code, description if isinstance(description, str) else None


def classification_table(releases: Iterable[Any]) -> pd.DataFrame:
    """One row per contracting process and item classification (tender and award items).

    Parameters
    ----------
    releases : iterable of dict
        Compiled releases (one per contracting process).

    Returns
    -------
    DataFrame
        Columns ``ocid, scheme, code, description``; a code appearing on several items of a
        process appears once (with the first description given). Schemes are upper case;
        a numeric ``id`` is read as its digits.

    Examples
    --------
    >>> release = {"ocid": "ocds-1", "tender": {"items": [
    ...     {"id": "1", "classification": {"scheme": "CPV", "id": "85310000",
    ...      "description": "Social work services"},
    ...      "additionalClassifications": [{"scheme": "CPV", "id": "98133100"}]}]},
    ...     "awards": [{"id": "a", "items": [{"id": "1", "classification":
    ...      {"scheme": "CPV", "id": 85310000}}]}]}
    >>> classification_table([release]).values.tolist()
    [['ocds-1', 'CPV', '85310000', 'Social work services'], ['ocds-1', 'CPV', '98133100', None]]
    """
    frame = pd.DataFrame(
        [row for release in releases for row in _rows(release)], columns=COLUMNS, dtype=object
    )
    return frame.drop_duplicates(["ocid", "scheme", "code"]).reset_index(drop=True)


def cpv_prefixes(text: str) -> tuple[str, ...]:
    """The CPV prefixes meant by codes or prefixes typed by people, in the order given.

    Entries are separated by commas, semicolons, spaces or new lines. Each is a full
    eight-digit CPV code, with or without its check digit (``85310000-5``), or a prefix of
    two to seven digits (``853``). A full code stands for its place in the hierarchy: its
    trailing zeros are dropped, keeping at least the two digits of the division
    (Commission Regulation (EC) No 213/2008, Annex I). Repeats are dropped.

    Raises
    ------
    ValueError
        Naming the first entry that is not a CPV code or prefix.

    Examples
    --------
    >>> cpv_prefixes("85000000, 85310000-5; 98133100 853")
    ('85', '8531', '981331', '853')
    >>> cpv_prefixes("")
    ()
    >>> cpv_prefixes("85x")
    Traceback (most recent call last):
    ...
    ValueError: '85x' is not a CPV code (8 digits, e.g. 85310000) or a prefix of 2 to 7 digits
    """
    prefixes: list[str] = []
    for entry in re.split(r"[\s,;]+", text.strip()):
        if not entry:
            continue
        match = _CPV_ENTRY.match(entry)
        if match is None or ("-" in entry and len(match.group(1)) != 8):
            message = (
                f"{entry!r} is not a CPV code (8 digits, e.g. 85310000) "
                "or a prefix of 2 to 7 digits"
            )
            raise ValueError(message)
        digits = match.group(1)
        prefix = digits.rstrip("0") if len(digits) == 8 else digits
        prefix = prefix.ljust(2, "0")
        if prefix not in prefixes:
            prefixes.append(prefix)
    return tuple(prefixes)


def matching_ocids(
    table: pd.DataFrame, prefixes: Iterable[str], *, scheme: str = "CPV"
) -> list[str]:
    """The processes with at least one item classified under any of ``prefixes``.

    Parameters
    ----------
    table : DataFrame
        From :func:`classification_table`.
    prefixes : iterable of str
        From :func:`cpv_prefixes`.

    Returns
    -------
    list of str
        The matching ocids, sorted.

    Examples
    --------
    >>> table = pd.DataFrame({"ocid": ["a", "a", "b", "c"], "scheme": ["CPV"] * 3 + ["UNSPSC"],
    ...     "code": ["45000000", "85311000", "85110000", "85311000"],
    ...     "description": [None] * 4})
    >>> matching_ocids(table, ("8531",))
    ['a']
    >>> matching_ocids(table, ("85",))
    ['a', 'b']
    """
    wanted = tuple(prefixes)
    if not wanted or table.empty:
        return []
    codes = table["code"].astype(str)
    hit = (table["scheme"] == scheme.upper()) & codes.str.startswith(wanted)
    return sorted(table.loc[hit, "ocid"].unique().tolist())


def prefix_descriptions(
    table: pd.DataFrame, prefixes: Iterable[str], *, scheme: str = "CPV"
) -> dict[str, str | None]:
    """Each prefix's description, where the data carries the code it stands for.

    The code a prefix stands for is the prefix padded with zeros to eight digits (``853`` is
    ``85300000``); its description is the first one the data gives for that code, else
    ``None`` (the CPV list itself is not shipped).

    Examples
    --------
    >>> table = pd.DataFrame({"ocid": ["a"], "scheme": ["CPV"], "code": ["85000000"],
    ...     "description": ["Health and social work services"]})
    >>> prefix_descriptions(table, ("85", "853"))
    {'85': 'Health and social work services', '853': None}
    """
    known: dict[str, str] = {}
    if not table.empty:
        described = table[(table["scheme"] == scheme.upper()) & table["description"].notna()]
        known = dict(
            described.drop_duplicates("code")[["code", "description"]].itertuples(
                index=False, name=None
            )
        )
    return {prefix: known.get(prefix.ljust(8, "0")) for prefix in prefixes}
