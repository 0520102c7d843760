"""OCDS merge rules, and merging the releases of one contracting process.

The merge follows the OCDS merging specification ("Merging", OCDS 1.1.5 documentation,
https://standard.open-contracting.org/1.1/en/schema/merging/): releases are sorted by
``date``; fields marked ``omitWhenMerged`` (1.1) or ``"mergeStrategy": "ocdsOmit"`` (1.0) are
dropped; arrays marked ``wholeListMerge`` (1.1) or ``"mergeStrategy": "ocdsVersion"`` (1.0),
arrays of non-objects and arrays of objects without an ``id`` property in the schema are replaced
whole; other arrays of objects are merged by the ``id`` of their items; a later value replaces an
earlier one, and ``null`` removes it. The result reproduces the reference implementation,
open-contracting/ocds-merge (``ocdsmerge``), key order included.

The merge walks the nested release once instead of flattening every field to a path
(:mod:`spiral.ocds.merge_core`, compiled to C where a compiler was present at install). The
rare releases whose fields change type between releases (an object becoming a string, say)
are handed to ``ocdsmerge`` itself, so that even their quirks come out the same.
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Iterable, Mapping
from functools import cache
from operator import itemgetter
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson

from spiral.exceptions import InputError
from spiral.ocds import merge_core
from spiral.ocds.merge_core import OMIT, WHOLE, RuleTree
from spiral.ocds.schema import load_schema

__all__ = [
    "OMIT",
    "WHOLE",
    "FlatRules",
    "Release",
    "RuleTree",
    "compile_release",
    "is_compiled",
    "merge_core_from_source",
    "merge_rules",
    "rule_tree",
    "schema_rules",
    "sorted_releases",
    "versioned_release",
]

Release = dict[str, Any]
FlatRules = dict[tuple[str, ...], str]


def _types(node: Mapping[str, Any]) -> list[str]:
    kind = node.get("type")
    if kind is None:
        return []
    return [kind] if isinstance(kind, str) else list(kind)


def _resolve(node: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a local ``$ref`` (``#/definitions/...``); siblings of ``$ref`` are ignored."""
    seen = 0
    while "$ref" in node:
        ref = str(node["$ref"])
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref values are supported, not {ref!r}")
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
        seen += 1
        if seen > 50:
            raise ValueError(f"$ref loop at {ref!r}")
    return node


def _walk_rules(
    properties: Mapping[str, Any], root: Mapping[str, Any], path: tuple[str, ...], out: FlatRules
) -> None:
    for key, raw in properties.items():
        value = _resolve(raw, root)
        new_path = (*path, key)
        types = _types(value)
        if value.get("omitWhenMerged") or value.get("mergeStrategy") == "ocdsOmit":
            out[new_path] = OMIT
        elif "array" in types and (
            value.get("wholeListMerge") or value.get("mergeStrategy") == "ocdsVersion"
        ):
            out[new_path] = WHOLE
        elif "object" in types and "properties" in value:
            _walk_rules(value["properties"], root, new_path, out)
        elif "array" in types and "items" in value:
            items = _resolve(value["items"], root)
            item_types = _types(items)
            if any(item_type != "object" for item_type in item_types):
                out[new_path] = WHOLE
            elif "object" in item_types and "properties" in items:
                if "id" not in items["properties"]:
                    out[new_path] = WHOLE
                else:
                    _walk_rules(items["properties"], root, new_path, out)


def is_compiled() -> bool:
    """Whether the merge runs compiled to C (mypyc built :mod:`spiral.ocds.merge_core` at
    install), rather than as Python: the output is the same; compiling takes about a third less
    time.

    Examples
    --------
    >>> is_compiled() in (True, False)
    True
    """
    return merge_core.COMPILED


def merge_core_from_source() -> ModuleType:
    """The merge's inner loop run from its Python source, even where its compiled build is
    installed: for comparing the two (the tests, the compile benchmark).

    Examples
    --------
    >>> merge_core_from_source().COMPILED
    False
    """
    path = Path(__file__).with_name("merge_core.py")
    spec = importlib.util.spec_from_file_location("spiral_merge_core_source", path)
    if spec is None or spec.loader is None:  # the file ships with Spiral
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def merge_rules(schema: Mapping[str, Any]) -> FlatRules:
    """Derive the merge rules of a release schema.

    Parameters
    ----------
    schema : mapping
        A release schema (OCDS 1.0 or 1.1), with local ``$ref`` values.

    Returns
    -------
    dict
        Field path (a tuple of property names; arrays are transparent) to ``"omitWhenMerged"``
        or ``"wholeListMerge"``, in the form ``ocdsmerge.Merger(merge_rules=...)`` accepts.

    Examples
    --------
    >>> rules = merge_rules(load_schema("release-schema.json", "1__1__5"))
    >>> rules[("tag",)], rules[("awards", "suppliers", "additionalIdentifiers")]
    ('omitWhenMerged', 'wholeListMerge')
    >>> ("awards", "suppliers") in merge_rules(load_schema("release-schema.json", "1__0__3"))
    True
    """
    out: FlatRules = {}
    _walk_rules(schema["properties"], schema, (), out)
    return out


def rule_tree(rules: FlatRules) -> RuleTree:
    """Turn flat merge rules into a nested lookup table (property name to rule and subtree).

    Examples
    --------
    >>> tree = rule_tree({("tag",): OMIT, ("tender", "items", "additionalClassifications"): WHOLE})
    >>> tree["tag"][0], tree["tender"][1]["items"][1]["additionalClassifications"][0]
    ('omitWhenMerged', 'wholeListMerge')
    """
    tree: RuleTree = {}
    for path, rule in sorted(rules.items(), key=lambda item: len(item[0])):
        node = tree
        for part in path[:-1]:
            kind, sub = node.get(part, (None, {}))
            node[part] = (kind, sub)
            node = sub
        _, sub = node.get(path[-1], (None, {}))
        node[path[-1]] = (rule, sub)
    return tree


@cache
def schema_rules(tag: str) -> tuple[FlatRules, RuleTree]:
    """Merge rules of a shipped release schema (``1__1__5`` or ``1__0__3``), cached.

    Examples
    --------
    >>> flat, tree = schema_rules("1__0__3")
    >>> tree["ocid"][0]
    'omitWhenMerged'
    """
    flat = merge_rules(load_schema("release-schema.json", tag))
    return flat, rule_tree(flat)


def sorted_releases(releases: Iterable[Release]) -> list[Release]:
    """Sort releases by ``date`` (a stable sort, as the merging specification asks).

    Examples
    --------
    >>> [r["id"] for r in sorted_releases([{"id": "b", "date": "2"}, {"id": "a", "date": "1"}])]
    ['a', 'b']
    """
    return sorted(releases, key=itemgetter("date"))


def _ordered(releases: Iterable[Release]) -> list[Release]:
    items = list(releases)
    if not items:
        raise InputError("no releases to compile")
    # One release is taken as it is, as ocds-merge does (a lone release may lack a date).
    return items if len(items) == 1 else sorted_releases(items)


def _copy(releases: list[Release]) -> list[Release]:
    """A deep copy: ocdsmerge may append to lists of the releases it is given."""
    copied: list[Release] = orjson.loads(orjson.dumps(releases))
    return copied


def _reference_merger(tag: str) -> Any:
    import ocdsmerge

    return ocdsmerge.Merger(merge_rules=schema_rules(tag)[0])


def compile_release(releases: Iterable[Release], tag: str = "1__1__5") -> dict[str, Any]:
    """Merge the releases of one contracting process into its compiled release.

    Parameters
    ----------
    releases : iterable of dict
        Releases of one ``ocid``, in any order; each must have a string ``date``.
    tag : str
        The schema whose merge rules apply: ``1__1__5`` for OCDS 1.1 data, ``1__0__3`` for
        data without a ``version`` (OCDS 1.0).

    Returns
    -------
    dict
        The compiled release: ``tag`` is ``["compiled"]``, ``id`` is ``<ocid>-<date>`` and
        ``date`` the date of the latest release, as open-contracting/ocds-merge writes them.

    Examples
    --------
    >>> first = {"ocid": "ocds-1", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"],
    ...          "tender": {"id": "t", "title": "Cycle lanes", "status": "active"},
    ...          "awards": [{"id": "a1", "status": "pending"}]}
    >>> later = {"ocid": "ocds-1", "id": "2", "date": "2024-03-01T00:00:00Z", "tag": ["award"],
    ...          "tender": {"status": "complete", "title": None},
    ...          "awards": [{"id": "a1", "status": "active"}, {"id": "a2"}]}
    >>> compiled = compile_release([later, first])
    >>> compiled["id"], compiled["tender"], compiled["awards"]
    ('ocds-1-2024-03-01T00:00:00Z', {'id': 't', 'status': 'complete'}, [{'id': 'a1', 'status': 'active'}, {'id': 'a2'}])
    """  # noqa: E501
    ordered = _ordered(releases)
    try:
        return merge_core.compile_ordered(ordered, schema_rules(tag)[1])
    except merge_core.Conflict:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result: dict[str, Any] = _reference_merger(tag).create_compiled_release(_copy(ordered))
        return result


def versioned_release(releases: Iterable[Release], tag: str = "1__1__5") -> dict[str, Any]:
    """Merge the releases of one contracting process into its versioned release.

    Each field holds its history: a list of ``{"releaseID", "releaseDate", "releaseTag",
    "value"}`` entries, one per release that changed it (OCDS merging specification,
    "Versioned data"); ``ocid`` and the ``id`` of array items stay plain values.

    Examples
    --------
    >>> first = {"ocid": "ocds-1", "id": "1", "date": "2024-01-01", "tag": ["tender"],
    ...          "tender": {"status": "active"}}
    >>> later = {"ocid": "ocds-1", "id": "2", "date": "2024-02-01", "tag": ["award"],
    ...          "tender": {"status": "complete"}}
    >>> history = versioned_release([first, later])["tender"]["status"]
    >>> [(entry["releaseID"], entry["value"]) for entry in history]
    [('1', 'active'), ('2', 'complete')]
    """
    ordered = _ordered(releases)
    try:
        return merge_core.version_ordered(ordered, schema_rules(tag)[1])
    except merge_core.Conflict:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference: dict[str, Any] = _reference_merger(tag).create_versioned_release(
                _copy(ordered)
            )
        return reference
