"""OCDS merge rules, and merging the releases of one contracting process.

The merge follows the OCDS merging specification ("Merging", OCDS 1.1.5 documentation,
https://standard.open-contracting.org/1.1/en/schema/merging/): releases are sorted by
``date``; fields marked ``omitWhenMerged`` (1.1) or ``"mergeStrategy": "ocdsOmit"`` (1.0) are
dropped; arrays marked ``wholeListMerge`` (1.1) or ``"mergeStrategy": "ocdsVersion"`` (1.0),
arrays of non-objects and arrays of objects without an ``id`` property in the schema are replaced
whole; other arrays of objects are merged by the ``id`` of their items; a later value replaces an
earlier one, and ``null`` removes it. The result reproduces the reference implementation,
open-contracting/ocds-merge (``ocdsmerge``), key order included.

The merge walks the nested release once instead of flattening every field to a path. A
subtree new to the record is adopted as it is (not copied) when nothing in it needs changing,
and copied only when a later release changes it, so the releases given are never changed. A
subtree equal to the one already compiled is skipped after one comparison in C, and another of
their JSON (Python holds ``1 == 1.0 == True``; JSON does not). The rare releases whose fields
change type between releases (an object becoming a string, say) are handed to ``ocdsmerge``
itself, so that even their quirks come out the same.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from functools import cache
from operator import itemgetter
from typing import Any, Final

import orjson

from spiral.exceptions import InputError
from spiral.ocds.schema import load_schema

#: A merge rule: the field is dropped from merged releases.
OMIT: Final = "omitWhenMerged"
#: A merge rule: the array (or value) is replaced whole, never merged item by item.
WHOLE: Final = "wholeListMerge"

Release = dict[str, Any]
FlatRules = dict[tuple[str, ...], str]
RuleTree = dict[str, tuple[str | None, "RuleTree"]]

_EMPTY: RuleTree = {}
_MISSING: Final = object()
#: Whether all the types given are ``dict`` (run in C, over ``map(type, values)``).
_only_objects = frozenset((dict,)).issuperset


class _Null:
    """Placeholder for a field set to ``null``: keeps the field's place until output."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NULL"


_NULL: Final = _Null()


class _Items(list[Any]):
    """An array merged item by item (by ``id``), told apart from a value replaced whole."""

    __slots__ = ()


class _Versions(list[Any]):
    """The history of one field in a versioned release."""

    __slots__ = ()


class _Conflict(Exception):  # noqa: N818 - an internal signal, not an error shown to anyone
    """A field changed type between releases: merge this process with the reference code."""


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


def _is_items(value: Any) -> bool:
    """Whether a compiled value is an array merged item by item (a list of objects only)."""
    return type(value) is list and bool(value) and _only_objects(map(type, value))


def _same_json(compiled: Any, new: Any) -> bool:
    """Whether two values found equal by Python are the same in JSON, down to the types of
    their values (Python holds ``1 == 1.0 == True``; JSON and ocds-merge do not)."""
    try:
        return orjson.dumps(compiled) == orjson.dumps(new)
    except TypeError:  # a number orjson cannot write
        return False


def _id_first(element: dict[str, Any], identifier: Any) -> dict[str, Any]:
    """An array item as ocds-merge writes it: ``id`` first, then the other fields in order."""
    for key in element:
        if key == "id":
            return element
        break
    return {"id": identifier, **element}


class _Compiler:
    """One compiled release in the making.

    Subtrees of the releases are adopted as they are, not copied, whenever nothing in them needs
    changing (no ``null``, no empty object or array, no omitted field, array items with a unique
    ``id`` written first). Adopted containers are shared with the releases and never changed:
    a container that a later release changes is copied first (copy on write), and the copies are
    the containers owned here. The releases given are thus left exactly as they were.
    """

    __slots__ = ("idless", "nulls", "owned")

    def __init__(self) -> None:
        # The containers made here (by identity): the only ones changed in place.
        self.owned: set[int] = set()
        self.idless = False  # an array item without ``id`` was added: no shortcut by equality
        self.nulls = False  # a field was set to null: strip the placeholders at the end

    def own(self, base: dict[str, Any], key: str, current: Any) -> Any:
        """Replace an adopted container by a shallow copy that may be changed."""
        copied = current.copy()
        self.owned.add(id(copied))
        base[key] = copied
        return copied

    def merge_object(self, base: dict[str, Any], new: Mapping[str, Any], rules: RuleTree) -> None:
        """Merge an object of a release into an owned object of the compiled release."""
        if not rules:
            self.merge_plain(base, new)
            return
        get_rule = rules.get
        for key, value in new.items():
            rule = get_rule(key)
            if rule is None:
                sub = _EMPTY
            else:
                kind, sub = rule
                if kind is not None:
                    if kind is WHOLE:
                        self.set_leaf(base, key, value, whole=True)
                    continue  # omitted, or replaced whole
            kind_of_value = type(value)
            if kind_of_value is dict or kind_of_value is list or value is None:
                self.merge_field(base, key, value, sub)
                continue
            # The common case, inlined: a string, number or boolean replaces what was there.
            current = base.get(key)
            if current is not None:
                kind_of_current = type(current)
                if kind_of_current is dict or (kind_of_current is list and _is_items(current)):
                    raise _Conflict
            base[key] = value

    def merge_field(self, base: dict[str, Any], key: str, value: Any, rules: RuleTree) -> None:
        """Merge one field's value (with no rule of its own) into an owned object."""
        kind_of_value = type(value)
        if kind_of_value is dict:
            if value:
                self.merge_child(base, key, value, rules)
        elif kind_of_value is list:
            if value:
                self.merge_list(base, key, value, rules)
        elif value is None:
            self.set_leaf(base, key, value, whole=False)
        else:
            # A string, number or boolean replaces what was there.
            current = base.get(key)
            if current is not None:
                kind_of_current = type(current)
                if kind_of_current is dict or (kind_of_current is list and _is_items(current)):
                    raise _Conflict
            base[key] = value

    def merge_plain(self, base: dict[str, Any], new: Mapping[str, Any]) -> None:
        """:meth:`merge_object` where no merge rule applies (most objects): fewer look-ups."""
        for key, value in new.items():
            kind_of_value = type(value)
            if kind_of_value is dict:
                if value:
                    self.merge_child(base, key, value, _EMPTY)
            elif kind_of_value is list:
                if value:
                    self.merge_list(base, key, value, _EMPTY)
            elif value is None:
                self.set_leaf(base, key, value, whole=False)
            else:
                current = base.get(key)
                if current is not None:
                    kind_of_current = type(current)
                    if kind_of_current is dict or (kind_of_current is list and _is_items(current)):
                        raise _Conflict
                base[key] = value

    def merge_child(
        self, base: dict[str, Any], key: str, value: dict[str, Any], rules: RuleTree
    ) -> None:
        current = base.get(key, _MISSING)
        if current is _MISSING:
            child = self.fresh_object(value, rules)
            if child:
                base[key] = child
        elif type(current) is dict:
            if self.idless or current != value or not _same_json(current, value):
                if id(current) not in self.owned:
                    current = self.own(base, key, current)
                self.merge_object(current, value, rules)
        else:
            raise _Conflict

    def merge_list(self, base: dict[str, Any], key: str, value: list[Any], rules: RuleTree) -> None:
        for item in value:
            if type(item) is not dict:
                self.set_leaf(base, key, value, whole=False)
                return
        current = base.get(key, _MISSING)
        if current is _MISSING:
            items = self.fresh_items(value, rules)
            if items:
                base[key] = items
        elif type(current) is list:
            if not self.idless and current == value and _same_json(current, value):
                return
            if not _is_items(current):
                raise _Conflict
            if id(current) not in self.owned:
                current = self.own(base, key, current)
            self.merge_items(current, value, rules)
        else:
            raise _Conflict

    def fresh_object(self, new: dict[str, Any], rules: RuleTree) -> dict[str, Any]:
        """Merge an object into nothing: the object itself when nothing in it needs changing,
        otherwise a copy made from the first field that does."""
        if not rules or rules.keys().isdisjoint(new):
            return self.fresh_plain(new)
        out: dict[str, Any] | None = None
        get_rule = rules.get
        for key, value in new.items():
            rule = get_rule(key)
            if rule is None:
                sub = _EMPTY
            else:
                kind, sub = rule
                if kind is OMIT:
                    kept: Any = _MISSING
                elif kind is WHOLE:
                    kept = self.leaf(value)
                else:
                    kept = self.fresh_value(value, sub)
                if kept is not value or out is not None:
                    out = self.changed(new, key, kept, out)
                continue
            kind_of_value = type(value)
            if kind_of_value is dict or kind_of_value is list or value is None:
                kept = self.fresh_value(value, sub)
                if kept is not value or out is not None:
                    out = self.changed(new, key, kept, out)
            elif out is not None:
                out[key] = value
        return new if out is None else out

    def fresh_plain(self, new: dict[str, Any]) -> dict[str, Any]:
        """:meth:`fresh_object` where no merge rule applies (most objects): fewer look-ups."""
        out: dict[str, Any] | None = None
        for key, value in new.items():
            kind_of_value = type(value)
            if kind_of_value is str:
                if out is not None:
                    out[key] = value
                continue
            if kind_of_value is dict:
                kept: Any = self.fresh_plain(value) if value else _MISSING
                if not kept:
                    kept = _MISSING
            elif kind_of_value is list or value is None:
                kept = self.fresh_value(value, _EMPTY)
            else:
                if out is not None:
                    out[key] = value
                continue
            if kept is not value or out is not None:
                out = self.changed(new, key, kept, out)
        return new if out is None else out

    def fresh_value(self, value: Any, rules: RuleTree) -> Any:
        """A value merged into nothing (``_MISSING``: it leaves no field)."""
        kind_of_value = type(value)
        if kind_of_value is dict:
            if not value:
                return _MISSING
            child = self.fresh_object(value, rules)
            return child if child else _MISSING
        if kind_of_value is list:
            if not value:
                return _MISSING
            for item in value:
                if type(item) is not dict:
                    return value  # an array of anything but objects is a value, kept whole
            items = self.fresh_items(value, rules)
            return items if items else _MISSING
        return self.leaf(value)

    @staticmethod
    def changed(
        new: dict[str, Any], key: str, kept: Any, out: dict[str, Any] | None
    ) -> dict[str, Any]:
        """Start (or go on with) the copy of an object that cannot be adopted as it is."""
        if out is None:
            out = {}
            for earlier, value in new.items():
                if earlier is key:
                    break
                out[earlier] = value
        if kept is not _MISSING:
            out[key] = kept
        return out

    def fresh_items(self, new: list[dict[str, Any]], rules: RuleTree) -> list[Any]:
        """Merge an array of objects into nothing: the array itself when every item has a
        distinct ``id``, written first, and needs no change."""
        seen: set[Any] = set()
        elements: list[Any] | None = None
        for position, value in enumerate(new):
            identifier = value.get("id", _MISSING)
            kind_of_id = type(identifier)
            if kind_of_id is not str and (
                identifier is _MISSING or identifier is None or kind_of_id in (dict, list)
            ):
                return self.build_items(new, rules)
            key = identifier if kind_of_id is str else str(identifier)
            if key in seen:
                return self.build_items(new, rules)  # items with the same id merge
            seen.add(key)
            element = _id_first(self.fresh_object(value, rules), identifier)
            if element is not value and elements is None:
                elements = new[:position]
            if elements is not None:
                elements.append(element)
        return new if elements is None else elements

    def build_items(self, new: list[dict[str, Any]], rules: RuleTree) -> list[Any]:
        """Merge an array of objects into nothing, item by item (items with the same id merge)."""
        items: list[Any] = []
        owned = self.owned
        owned.add(id(items))
        index: dict[str, dict[str, Any]] = {}
        for value in new:
            if "id" not in value:
                self.idless = True
                element = self.fresh_object(value, rules)
                if element:
                    items.append(element)
                continue
            identifier = value["id"]
            if identifier is None or type(identifier) in (dict, list):
                raise _Conflict
            key = str(identifier)
            found = index.get(key)
            if found is None:
                element = {"id": identifier}
                element.update(self.fresh_object(value, rules))
                owned.add(id(element))
                index[key] = element
                items.append(element)
            elif type(found["id"]) is not type(identifier):
                raise _Conflict
            else:
                self.merge_object(found, value, rules)
        return items

    def leaf(self, value: Any) -> Any:
        """A value as stored: ``null`` becomes the placeholder that keeps its place."""
        if value is None:
            self.nulls = True
            return _NULL
        return value

    def set_leaf(self, base: dict[str, Any], key: str, value: Any, *, whole: bool) -> None:
        current = base.get(key)
        if type(current) is dict or (not whole and _is_items(current)):
            raise _Conflict
        if value is None:
            value = _NULL
            self.nulls = True
        base[key] = value

    def merge_items(self, items: list[Any], new: list[dict[str, Any]], rules: RuleTree) -> None:
        owned = self.owned
        index: dict[str, int] = {
            str(item["id"]): position for position, item in enumerate(items) if "id" in item
        }
        for value in new:
            if "id" in value:
                identifier = value["id"]
                if identifier is None or type(identifier) in (dict, list):
                    raise _Conflict
                key = str(identifier)
                position = index.get(key)
                if position is None:
                    element = _id_first(self.fresh_object(value, rules), identifier)
                    index[key] = len(items)
                    items.append(element)
                    continue
                element = items[position]
                if type(element["id"]) is not type(identifier):
                    raise _Conflict
                if self.idless or element != value or not _same_json(element, value):
                    if id(element) not in owned:
                        element = element.copy()
                        owned.add(id(element))
                        items[position] = element
                    self.merge_object(element, value, rules)
            else:
                self.idless = True
                element = self.fresh_object(value, rules)
                if element:
                    items.append(element)


def _strip_nulls(value: Any) -> Any:
    if type(value) is dict:
        return {k: _strip_nulls(v) for k, v in value.items() if v is not _NULL}
    if type(value) is list:
        return [_strip_nulls(v) for v in value]
    return value


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
    tree = schema_rules(tag)[1]
    last = ordered[-1]
    ocid, date = last.get("ocid"), last.get("date")
    compiled: dict[str, Any] = {"tag": ["compiled"], "id": None, "date": None, "ocid": None}
    compiler = _Compiler()
    try:
        for release in ordered:
            compiler.merge_object(compiled, release, tree)  # ``tag`` is omitted by the rules
    except _Conflict:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result: dict[str, Any] = _reference_merger(tag).create_compiled_release(_copy(ordered))
        return result
    compiled["id"] = f"{ocid}-{date}"
    compiled["date"] = date
    compiled["ocid"] = ocid
    if compiler.nulls:
        stripped: dict[str, Any] = _strip_nulls(compiled)
        return stripped
    return compiled


class _Versioner:
    """One versioned release in the making."""

    __slots__ = ("added", "meta")

    def __init__(self) -> None:
        self.meta: tuple[Any, Any, Any] = (None, None, None)
        self.added: dict[int, bool] = {}  # histories given an entry by the current release

    def merge_object(
        self, base: dict[str, Any], new: Mapping[str, Any], rules: RuleTree, *, skip_id: bool
    ) -> None:
        for key, value in new.items():
            if skip_id and key == "id":
                continue
            rule = rules.get(key)
            if rule is None:
                sub = _EMPTY
            else:
                kind, sub = rule
                if kind is OMIT:
                    continue
                if kind is WHOLE:
                    self.set_leaf(base, key, value)
                    continue
            kind_of_value = type(value)
            if kind_of_value is dict:
                if value:
                    self.merge_child(base, key, value, sub)
            elif kind_of_value is list and value and all(type(item) is dict for item in value):
                self.merge_list(base, key, value, sub)
            elif kind_of_value is not list or value:
                self.set_leaf(base, key, value)

    def merge_child(
        self, base: dict[str, Any], key: str, value: dict[str, Any], rules: RuleTree
    ) -> None:
        current = base.get(key, _MISSING)
        if current is _MISSING:
            child: dict[str, Any] = {}
            self.merge_object(child, value, rules, skip_id=False)
            if child:
                base[key] = child
        elif type(current) is dict:
            self.merge_object(current, value, rules, skip_id=False)
        else:
            raise _Conflict

    def merge_list(
        self, base: dict[str, Any], key: str, value: list[dict[str, Any]], rules: RuleTree
    ) -> None:
        current = base.get(key, _MISSING)
        if current is _MISSING:
            items = _Items()
            self.merge_items(items, value, rules)
            if items:
                base[key] = items
        elif type(current) is _Items:
            self.merge_items(current, value, rules)
        else:
            raise _Conflict

    def set_leaf(self, base: dict[str, Any], key: str, value: Any) -> None:
        current = base.get(key)
        if current is None:
            current = base[key] = _Versions()
        elif type(current) is not _Versions:
            raise _Conflict
        elif self.added.get(id(current)):
            # A second value for the same field in the same release (two array items with the
            # same id): within a release the later value wins, as if the first never was.
            current.pop()
            self.added[id(current)] = False
        if not current or value != current[-1]["value"]:
            release_id, date, tag = self.meta
            current.append(
                {"releaseID": release_id, "releaseDate": date, "releaseTag": tag, "value": value}
            )
            self.added[id(current)] = True

    def merge_items(self, items: _Items, new: list[dict[str, Any]], rules: RuleTree) -> None:
        index: dict[str, dict[str, Any]] = {str(item["id"]): item for item in items if "id" in item}
        for value in new:
            if "id" in value:
                identifier = value["id"]
                if identifier is None or type(identifier) in (dict, list):
                    raise _Conflict
                key = str(identifier)
                element = index.get(key)
                if element is None:
                    element = {"id": identifier}
                    index[key] = element
                    items.append(element)
                elif type(element["id"]) is not type(identifier):
                    raise _Conflict
                self.merge_object(element, value, rules, skip_id=True)
            else:
                element = {}
                self.merge_object(element, value, rules, skip_id=False)
                if element:
                    items.append(element)


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
    tree = schema_rules(tag)[1]
    result: dict[str, Any] = {"ocid": None}
    versioner = _Versioner()
    try:
        for release in ordered:
            result["ocid"] = release.get("ocid")
            versioner.meta = (release.get("id"), release.get("date"), release.get("tag"))
            versioner.added = {}
            body = {k: v for k, v in release.items() if k not in ("tag", "ocid")}
            versioner.merge_object(result, body, tree, skip_id=False)
    except _Conflict:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference: dict[str, Any] = _reference_merger(tag).create_versioned_release(
                _copy(ordered)
            )
        return reference
    return result
